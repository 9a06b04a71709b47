from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from fridsam.accounts.models import Role
from fridsam.core.forms import save_form
from fridsam.evaluation import services
from fridsam.evaluation.forms import SurveyForm
from fridsam.evaluation.models import Response
from fridsam.evaluation.selectors import COORDINATOR_KEY


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
        Response._base_manager.filter(respondent=request.user, round__question_set__key=COORDINATOR_KEY)
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
        services.response_submit(
            round=round_, respondent=request.user, municipalities=chosen, answers=answers, request=request
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
