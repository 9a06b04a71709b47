from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from fridsam.core.audit import log_access
from fridsam.core.models import AccessAction
from fridsam.core.policies import CHANGE, VIEW
from fridsam.opencomparisons import selectors, services
from fridsam.opencomparisons.forms import SurveyForm
from fridsam.opencomparisons.models import Reply
from fridsam.opencomparisons.policies import open_comparisons_policy
from fridsam.organisations.policies import municipality_policy
from fridsam.routines.models import Document
from fridsam.statistics import exports

FIRST_YEAR = 2020


def _municipality(request, code, action=VIEW):
    municipality = municipality_policy.get_or_404(request.tenancy, VIEW, code=code)
    if not open_comparisons_policy.can(request.tenancy, action, municipality):
        raise Http404
    return municipality


def survey_current(request, municipality_code):
    municipality = _municipality(request, municipality_code)
    return redirect("opencomparisons:survey", municipality_code=municipality.code, year=timezone.localdate().year)


def survey(request, municipality_code, year):
    """This year's (or an earlier year's) survey: Fridsam's proposals with their evidence, the
    confirmed answers, the form to confirm, and the export to copy into the national survey."""
    municipality = _municipality(request, municipality_code)
    today = timezone.localdate()
    if not FIRST_YEAR <= year <= today.year:
        raise Http404
    items = selectors.survey(municipality, year, today)
    if request.GET.get("format") in ("csv", "xlsx"):
        return _export(request, municipality, year, items)
    can_change = open_comparisons_policy.can(request.tenancy, CHANGE, municipality)
    routines = Document.objects.filter(
        municipality=municipality, archived_at__isnull=True, current_version__isnull=False
    ).order_by("title")
    form = SurveyForm(request.POST or None, items=items, routines=routines)
    if request.method == "POST":
        if not can_change:
            raise Http404
        if form.is_valid():
            try:
                services.survey_confirm(
                    municipality=municipality, year=year, replies=form.replies(), user=request.user, today=today
                )
            except ValidationError as error:
                for field, problems in error.message_dict.items():
                    form.add_error(field if field in form.fields else None, problems)
            else:
                messages.success(request, _("The answers for %(year)s are confirmed.") % {"year": year})
                return redirect("opencomparisons:survey", municipality_code=municipality.code, year=year)
    confirmed = [i.confirmed for i in items if i.confirmed]
    return render(
        request,
        "opencomparisons/survey.html",
        {
            "municipality": municipality,
            "year": year,
            "years": list(range(today.year, FIRST_YEAR - 1, -1)),
            "form": form,
            "can_change": can_change,
            "confirmed_count": len(confirmed),
            "confirmed_at": max((c.confirmed_at for c in confirmed), default=None),
            "question_count": len(items),
        },
        status=400 if request.method == "POST" else 200,
    )


def _export(request, municipality, year, items):
    """The answers in the survey's order, in Swedish, to copy into Socialstyrelsen's form."""
    log_access(
        action=AccessAction.EXPORT,
        object_type="opencomparisons.confirmedanswer",
        object_id=f"{municipality.code}-{year}",
        municipality=municipality,
        detail=f"Öppna jämförelser {year}",
    )
    with translation.override("sv"):
        labels = dict(Reply.choices)
        header = [
            _("Question"),
            _("Theme"),
            _("Question text"),
            _("Answer"),
            _("Fridsam proposed"),
            _("Why the answer differs"),
            _("Routine"),
            _("Evidence"),
            _("Confirmed"),
        ]
        rows = []
        for item in items:
            c = item.confirmed
            rows.append(
                [
                    item.question.number,
                    str(item.question.theme),
                    str(item.question.text),
                    str(labels[c.answer]) if c else _("Not confirmed"),
                    str(labels.get(c.proposed if c else item.proposal.answer, "–")),
                    c.reason if c else "",
                    (c.document.title if c and c.document else ""),
                    " | ".join(c.evidence if c else item.proposal.evidence),
                    c.confirmed_at.date().isoformat() if c else "",
                ]
            )
    kind = request.GET["format"]
    return exports.download(f"oppna-jamforelser-{municipality.code}-{year}", header, rows, kind=kind)
