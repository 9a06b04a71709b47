"""HTML to PDF with WeasyPrint, fetching nothing from the network: the stylesheet of the printed
documents (static/fridsam/documents.css) is read from the project's files and every other URL is
refused. The yearly reports and the assessment's PDF print through it.

Every PDF is tagged, as PDF/UA-1 (WeasyPrint's ``pdf/ua-1`` variant): a structure tree of the
HTML's headings, paragraphs, lists and tables with their header cells, the document's language
from ``<html lang>``, its title from ``<title>`` (shown as the window title) and each chart's
``<title>`` as its alternative text, so that a screen reader reads the PDF as it reads the page."""

from __future__ import annotations

from pathlib import Path

STYLESHEET = Path(__file__).resolve().parent / "static" / "fridsam" / "documents.css"
PDF_VARIANT = "pdf/ua-1"  # tagged PDF for accessibility (implies WeasyPrint's pdf_tags)


class NoFetching(Exception):
    pass


def _refuse(url: str, *args, **kwargs):
    raise NoFetching(f"A document may not fetch {url}")


def render_pdf(html: str) -> bytes:
    # WeasyPrint loads Pango, a system library, and takes 0.4 s to import: only when a PDF is made.
    from weasyprint import CSS, HTML  # noqa: PLC0415 - a heavy library that needs Pango, loaded on first use

    document = HTML(string=html, base_url=None, url_fetcher=_refuse)
    return document.write_pdf(stylesheets=[CSS(filename=str(STYLESHEET), url_fetcher=_refuse)], pdf_variant=PDF_VARIANT)
