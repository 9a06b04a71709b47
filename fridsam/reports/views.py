from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from fridsam.core.forms import render_form_page, save_form
from fridsam.core.policies import CHANGE
from fridsam.organisations.policies import municipality_for
from fridsam.reports import builder, jobs, services
from fridsam.reports.forms import ReportTextForm
from fridsam.reports.models import ReportText
from fridsam.reports.policies import report_policy
from fridsam.tasks import services as task_services


def _check_year(year: int) -> None:
    if not 2000 <= year <= timezone.localdate().year:
        raise Http404


def _years():
    last_year = timezone.localdate().year - 1
    return list(range(last_year, last_year - 8, -1))


def _pdf(request, report, filename) -> HttpResponse:
    """The report as a PDF download, with its access-log row."""
    response = HttpResponse(jobs.pdf_of(report), content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{filename}.pdf"'
    return response


def county_latest(request, county_code):
    county = report_policy.county_or_404(request.tenancy, county_code)
    return redirect("reports:county", county_code=county.code, year=timezone.localdate().year - 1)


def county(request, county_code, year):
    _check_year(year)
    county = report_policy.county_or_404(request.tenancy, county_code)
    report = builder.county_report(county, year)
    return render(
        request,
        "reports/report.html",
        {"report": report, "years": _years(), "can_edit": report_policy.can(request.tenancy, CHANGE, county)},
    )


def county_pdf(request, county_code, year):
    """The county report as a PDF is made by a worker: a POST queues it (the same report asked for
    again while it is on its way is the same task) and the task's page follows it to the file."""
    _check_year(year)
    county = report_policy.county_or_404(request.tenancy, county_code)
    if request.method != "POST":
        return render(request, "reports/pdf.html", {"county": county, "year": year})
    task = task_services.submit(
        kind=jobs.COUNTY_PDF,
        label=_("County report %(year)s, %(county)s (PDF)") % {"year": year, "county": county.name},
        user=request.user,
        params={"county_code": county.code, "year": year},
        key=f"{jobs.COUNTY_PDF}:{county.code}:{year}",
    )
    return redirect("tasks:detail", pk=task.pk)


def municipality(request, municipality_code, year):
    _check_year(year)
    municipality = municipality_for(request.tenancy, municipality_code, report_policy)
    report = builder.municipality_report(municipality, year)
    return render(
        request,
        "reports/report.html",
        {
            "report": report,
            "years": _years(),
            "can_edit": report_policy.can(request.tenancy, CHANGE, municipality),
        },
    )


def municipality_pdf(request, municipality_code, year):
    _check_year(year)
    municipality = municipality_for(request.tenancy, municipality_code, report_policy)
    report = builder.municipality_report(municipality, year)
    return _pdf(request, report, f"arsrapport-{municipality.code}-{year}")


def _edit_text(request, year, *, county=None, municipality=None, back):
    instance = ReportText.objects.filter(county=county, municipality=municipality, year=year).first()
    form = ReportTextForm(request.POST or None, instance=instance)
    saved = save_form(
        request,
        form,
        lambda data: services.report_text_save(
            year=year, county=county, municipality=municipality, user=request.user, **data
        ),
        success_message=_("The report text is saved."),
    )
    if saved:
        return redirect(back)
    return render_form_page(
        request,
        form,
        municipality=municipality,
        title=_("Foreword and conclusions, %(year)s") % {"year": year},
    )


def county_text(request, county_code, year):
    _check_year(year)
    county = report_policy.county_or_404(request.tenancy, county_code, CHANGE)
    return _edit_text(request, year, county=county, back=reverse("reports:county", args=[county.code, year]))


def municipality_text(request, municipality_code, year):
    _check_year(year)
    municipality = municipality_for(request.tenancy, municipality_code, report_policy, CHANGE)
    return _edit_text(
        request, year, municipality=municipality, back=reverse("reports:municipality", args=[municipality.code, year])
    )
