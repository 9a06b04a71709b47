"""HTML to PDF with WeasyPrint, fetching nothing from the network: the stylesheet is read from the
project's static files and every other URL is refused."""

from __future__ import annotations

from pathlib import Path

from django.conf import settings

STYLESHEET = Path(settings.BASE_DIR) / "fridsam" / "reports" / "static" / "reports" / "report.css"


class NoFetching(Exception):
    pass


def _refuse(url: str, *args, **kwargs):
    raise NoFetching(f"A report may not fetch {url}")


def render_pdf(html: str) -> bytes:
    from weasyprint import CSS, HTML

    document = HTML(string=html, base_url=None, url_fetcher=_refuse)
    return document.write_pdf(stylesheets=[CSS(filename=str(STYLESHEET), url_fetcher=_refuse)])
