"""The page on which a person answers this year's round of a survey: the coordinators'
questionnaire and the partner survey here, the staff's knowledge self-assessment in competence.

One flow for all of them: the survey's policy lets the answering roles in and names the
municipalities they answer about; this year's round is opened; the person's latest answers fill
the form; a valid form is saved through the service; the page says whether this year is answered
already (the answers can be changed until the year ends) or an earlier year's answers are filled
in.
"""

from __future__ import annotations

from django.shortcuts import redirect, render
from django.utils import timezone

from fridsam.core.forms import save_form
from fridsam.evaluation import selectors, services
from fridsam.evaluation.forms import SurveyForm
from fridsam.evaluation.models import AnswerType
from fridsam.evaluation.policies import ANSWER, SurveyPolicy


def survey_page(request, policy: SurveyPolicy, *, success_message: str, success_url: str):
    """Answer the survey of *policy*. *success_message* may name the year as ``%(year)s``;
    *success_url* is where a saved answer leads (a URL or a URL name)."""
    tenancy = request.tenancy
    policy.check(tenancy, ANSWER)
    municipalities = policy.municipalities(tenancy)
    year = timezone.localdate().year
    round_ = services.survey_round_for_year(key=policy.key, year=year)
    questions = list(round_.question_set.questions.all())
    previous = selectors.previous_response(user=request.user, key=policy.key)
    form = SurveyForm(
        request.POST or None,
        questions=questions,
        initial_answers=initial_answers(questions, previous, municipalities),
        municipality_choices=[(m.code, m.name) for m in municipalities],
    )

    def save(_data):
        answers = form.answers()
        services.response_submit(
            round=round_,
            respondent=request.user,
            municipalities=answered_about(questions, answers, municipalities),
            answers=answers,
        )

    if save_form(request, form, save, success_message=success_message % {"year": year}):
        return redirect(success_url)
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


def initial_answers(questions, previous, municipalities) -> dict:
    """What the form starts with: the latest answers; a question of municipalities not answered
    yet has every municipality the person answers about ticked."""
    initial = {a.question.key: a.value for a in previous.answers.all()} if previous else {}
    for q in questions:
        if q.answer_type == AnswerType.MUNICIPALITIES and not initial.get(q.key):
            initial[q.key] = [m.code for m in municipalities]
    return initial


def answered_about(questions, answers: dict, municipalities) -> list:
    """The municipalities a response is about: those its answers name (ticked in a question of
    municipalities, rated in a question per municipality). A survey without such questions is
    about every municipality the person answers about."""
    named, asks = set(), False
    for q in questions:
        if q.answer_type in (AnswerType.MUNICIPALITIES, AnswerType.MUNICIPALITY_SCALE):
            asks = True
            named |= set(answers.get(q.key) or ())
    return [m for m in municipalities if m.code in named] if asks else list(municipalities)


def year_from_query(request, years: list[int]) -> int:
    """The year a results page shows: ``?ar=`` when it is one of *years*, else the newest."""
    raw = request.GET.get("ar", "")
    return int(raw) if raw.isdigit() and int(raw) in years else years[0]
