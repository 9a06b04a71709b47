from __future__ import annotations

import datetime

from django.db.models import Prefetch

from fridsam.evaluation.models import Answer, Response

COORDINATOR_KEY = "coordinator"


def _responses(municipality_ids, *, key: str, up_to_year: int):
    return (
        Response._base_manager.filter(
            round__question_set__key=key, round__year__lte=up_to_year, municipalities__in=municipality_ids
        )
        .select_related("round", "respondent", "round__question_set")
        .prefetch_related(
            "municipalities",
            Prefetch("answers", queryset=Answer._base_manager.select_related("question").order_by("question__order")),
        )
        .order_by("-round__year", "-submitted_at")
        .distinct()
    )


def coordinator_answers_by_municipality(municipality_ids, *, as_of: datetime.date) -> dict[int, tuple[int, dict]]:
    """The newest coordinator questionnaire answers per municipality, up to *as_of*'s year."""
    result: dict[int, tuple[int, dict]] = {}
    wanted = set(municipality_ids)
    for response in _responses(municipality_ids, key=COORDINATOR_KEY, up_to_year=as_of.year):
        answers = {a.question.key: a.value for a in response.answers.all()}
        for m in response.municipalities.all():
            if m.pk in wanted and m.pk not in result:
                result[m.pk] = (response.round.year, answers)
    return result


def coordinator_responses_for(*, municipality) -> list[Response]:
    """Every year's questionnaire answers about one municipality, newest first (scoped)."""
    return list(
        Response.objects.filter(round__question_set__key=COORDINATOR_KEY, municipalities=municipality)
        .select_related("round", "respondent")
        .prefetch_related(
            "municipalities",
            Prefetch("answers", queryset=Answer._base_manager.select_related("question").order_by("question__order")),
        )
        .order_by("-round__year")
    )


def has_answered(*, user, key: str, year: int) -> bool:
    return Response._base_manager.filter(respondent=user, round__question_set__key=key, round__year=year).exists()
