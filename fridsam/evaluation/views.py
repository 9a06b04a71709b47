from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from fridsam.core.forms import save_form
from fridsam.core.roles import Role
from fridsam.evaluation import selectors, services
from fridsam.evaluation.forms import SurveyForm
from fridsam.evaluation.models import Response, SurveyRound
from fridsam.evaluation.selectors import COORDINATOR_KEY, PARTNER_KEY
from fridsam.organisations.models import Municipality
from fridsam.organisations.policies import municipality_policy


@require_http_methods(["GET", "POST"])
def coordinator_questionnaire(request):
    """This year's questionnaire for the coordinator who is logged in (the evaluation's Bilaga 2)."""
    tenancy = request.tenancy
    municipalities = tenancy.municipalities_with_role(Role.COORDINATOR)
    if not municipalities:
        raise PermissionDenied
    year = timezone.localdate().year
    round_ = services.survey_round_for_year(key=COORDINATOR_KEY, year=year)
    questions = list(round_.question_set.questions.all())
    previous = (
        Response.system_objects.filter(respondent=request.user, round__question_set__key=COORDINATOR_KEY)
        .prefetch_related("answers__question", "municipalities")
        .order_by("-round__year")
        .first()
    )
    initial = {a.question.key: a.value for a in previous.answers.all()} if previous else {}
    if not initial.get("municipalities"):
        initial["municipalities"] = [m.code for m in municipalities]
    form = SurveyForm(
        request.POST or None,
        questions=questions,
        initial_answers=initial,
        municipality_choices=[(m.code, m.name) for m in municipalities],
    )

    def save(_data):
        answers = form.answers()
        chosen = [m for m in municipalities if m.code in set(answers.get("municipalities") or [])]
        services.response_submit(round=round_, respondent=request.user, municipalities=chosen, answers=answers)

    if save_form(
        request, form, save, success_message=_("Thank you: your answers for %(year)s are saved.") % {"year": year}
    ):
        return redirect("core:start")
    return render(
        request,
        "evaluation/questionnaire.html",
        {
            "form": form,
            "round": round_,
            "previous": previous,
            "answered_this_year": previous is not None and previous.round.year == year,
        },
    )


@require_http_methods(["GET", "POST"])
def partner_survey(request):
    """This year's survey for a partner contact: the contact with each municipality of the county."""
    tenancy = request.tenancy
    memberships = tenancy.memberships_with_role(Role.PARTNER)
    if not memberships:
        raise PermissionDenied
    county_ids = {m.county_id for m in memberships}
    municipalities = list(Municipality.objects.filter(county_id__in=county_ids).order_by("name"))
    year = timezone.localdate().year
    round_ = services.survey_round_for_year(key=PARTNER_KEY, year=year)
    questions = list(round_.question_set.questions.all())
    previous = (
        Response.system_objects.filter(respondent=request.user, round__question_set__key=PARTNER_KEY)
        .prefetch_related("answers__question")
        .order_by("-round__year")
        .first()
    )
    initial = {a.question.key: a.value for a in previous.answers.all()} if previous else {}
    form = SurveyForm(
        request.POST or None,
        questions=questions,
        initial_answers=initial,
        municipality_choices=[(m.code, m.name) for m in municipalities],
    )

    def save(_data):
        answers = form.answers()
        rated = {code for key in ("contact", "entry_point") for code in (answers.get(key) or {})}
        services.response_submit(
            round=round_,
            respondent=request.user,
            municipalities=[m for m in municipalities if m.code in rated],
            answers=answers,
        )

    if save_form(
        request, form, save, success_message=_("Thank you: your answers for %(year)s are saved.") % {"year": year}
    ):
        return redirect("core:start")
    return render(
        request,
        "evaluation/questionnaire.html",
        {
            "form": form,
            "round": round_,
            "previous": previous,
            "answered_this_year": previous is not None and previous.round.year == year,
        },
    )


def partner_results(request):
    """The partner survey per municipality: the staff of the municipality, the county analysts."""
    tenancy = request.tenancy
    if not tenancy.has_role(Role.COORDINATOR, Role.MANAGER, Role.COUNTY_ANALYST):
        raise PermissionDenied
    municipalities = municipality_policy.visible(tenancy)
    years = sorted(
        set(SurveyRound.objects.filter(question_set__key=PARTNER_KEY).values_list("year", flat=True))
        | {timezone.localdate().year},
        reverse=True,
    )
    raw = request.GET.get("ar", "")
    year = int(raw) if raw.isdigit() and int(raw) in years else years[0]
    return render(
        request,
        "evaluation/partner_results.html",
        {
            "results": selectors.partner_results(municipalities, year=year),
            "year": year,
            "years": years,
            "minimum": selectors.PARTNER_MIN_RESPONSES,
        },
    )
