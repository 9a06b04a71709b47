from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.db.models import Prefetch

from fridsam.evaluation.models import Answer, Response, SurveyRound

COORDINATOR_KEY = "coordinator"


def _responses(municipality_ids, *, key: str, up_to_year: int):
    return (
        Response.system_objects.filter(
            round__question_set__key=key, round__year__lte=up_to_year, municipalities__in=municipality_ids
        )
        .select_related("round", "respondent", "round__question_set")
        .prefetch_related(
            "municipalities",
            Prefetch("answers", queryset=Answer.system_objects.select_related("question").order_by("question__order")),
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
            Prefetch("answers", queryset=Answer.system_objects.select_related("question").order_by("question__order")),
        )
        .order_by("-round__year")
    )


def has_answered(*, user, key: str, year: int) -> bool:
    return Response.system_objects.filter(respondent=user, round__question_set__key=key, round__year=year).exists()


def previous_response(*, user, key: str) -> Response | None:
    """A person's latest answers to a survey (any year, any version of its question set), with
    their round and questions: they fill the form in again. Their own, whatever the scope (the
    answers too: a partner contact's scope holds no municipality's answers)."""
    return (
        Response.system_objects.filter(respondent=user, round__question_set__key=key)
        .select_related("round")
        .prefetch_related(Prefetch("answers", queryset=Answer.system_objects.select_related("question")))
        .order_by("-round__year")
        .first()
    )


def round_years(*, key: str, this_year: int) -> list[int]:
    """The years a survey has had a round, and this year, newest first: the years its results
    can be shown for."""
    years = set(SurveyRound.objects.filter(question_set__key=key).values_list("year", flat=True))
    return sorted(years | {this_year}, reverse=True)


PARTNER_KEY = "partner"
PARTNER_MIN_RESPONSES = 3  # fewer partners' answers about a municipality are not shown


@dataclass
class PartnerResult:
    municipality: object
    respondents: int
    contact_mean: float | None  # 1–5
    knows_entry: dict  # "yes" / "partly" / "no" → count

    @property
    def shown(self) -> bool:
        return self.respondents >= PARTNER_MIN_RESPONSES


def partner_results(municipalities, *, year: int) -> list[PartnerResult]:
    """The partner survey per municipality for *year*: how many partners rated the municipality,
    their mean rating of the contact, and whether they know whom to contact. One query."""
    municipalities = list(municipalities)
    codes = {m.code: m for m in municipalities}
    answers = Answer.system_objects.filter(
        response__round__question_set__key=PARTNER_KEY,
        response__round__year=year,
        question__key__in=["contact", "entry_point"],
    ).values_list("response_id", "question__key", "value")
    ratings: dict[str, list[int]] = {}
    entry: dict[str, dict[str, int]] = {}
    respondents: dict[str, set[int]] = {}
    names = {"2": "yes", "1": "partly", "0": "no"}
    for response_id, key, value in answers:
        for code, answer in (value or {}).items():
            if code not in codes:
                continue
            respondents.setdefault(code, set()).add(response_id)
            if key == "contact":
                ratings.setdefault(code, []).append(int(answer))
            else:
                bucket = entry.setdefault(code, {"yes": 0, "partly": 0, "no": 0})
                bucket[names[str(answer)]] += 1
    return [
        PartnerResult(
            municipality=m,
            respondents=len(respondents.get(m.code, ())),
            contact_mean=sum(ratings[m.code]) / len(ratings[m.code]) if ratings.get(m.code) else None,
            knows_entry=entry.get(m.code, {"yes": 0, "partly": 0, "no": 0}),
        )
        for m in sorted(municipalities, key=lambda m: m.name)
    ]
