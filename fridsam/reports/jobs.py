"""The county report as a PDF is made by a worker (ADR 0029): at 290 municipalities it takes
longer than a page may keep a person waiting. The municipality's report is one municipality and
is made while the page waits."""

from __future__ import annotations

from django.http import Http404
from django.template.loader import render_to_string
from django.utils.translation import gettext as _

from fridsam.core.audit import log_access
from fridsam.core.models import AccessAction
from fridsam.core.pdf import render_pdf
from fridsam.reports import builder
from fridsam.reports.policies import report_policy
from fridsam.tasks.registry import Outcome, TaskFailed, register

COUNTY_PDF = "reports.county_pdf"


def pdf_of(report) -> bytes:
    """The report as a PDF, with its access-log row (the acting person's: a page or a task)."""
    place = report.municipality or report.county
    log_access(
        action=AccessAction.EXPORT,
        object_type=f"reports.{'municipality' if report.municipality else 'county'}",
        object_id=place.code,
        county=None if report.municipality else report.county,
        municipality=report.municipality,
        detail=f"{'Årsrapport' if report.municipality else 'Länsrapport'} {report.year} (PDF)",
    )
    return render_pdf(render_to_string("reports/print.html", {"report": report}))


@register(COUNTY_PDF)
def county_pdf(task, tenancy) -> Outcome:
    code, year = task.params["county_code"], int(task.params["year"])
    try:
        county = report_policy.county_or_404(tenancy, code)
    except Http404:
        raise TaskFailed(_("You may no longer read this county's report.")) from None
    report = builder.county_report(county, year)
    return Outcome(
        content=pdf_of(report), filename=f"lansrapport-{county.code}-{year}.pdf", content_type="application/pdf"
    )
