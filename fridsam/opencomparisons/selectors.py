"""Reads of the open comparisons survey: a year's questions with Fridsam's proposals and the
confirmed answers, and the confirmed answers the health check reads."""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from fridsam.opencomparisons.models import ConfirmedAnswer
from fridsam.opencomparisons.questions import QUESTIONS, Proposal, Question, gather, survey_day


@dataclass
class Item:
    question: Question
    proposal: Proposal
    confirmed: ConfirmedAnswer | None

    @property
    def differs(self) -> bool:
        return self.confirmed is not None and self.confirmed.answer != self.proposal.answer


def confirmed_answers(municipality, year: int) -> dict[str, ConfirmedAnswer]:
    return {
        a.question: a
        for a in ConfirmedAnswer.objects.filter(municipality=municipality, year=year).select_related(
            "confirmed_by", "document"
        )
    }


def linked_routines(municipality, year: int) -> dict[str, int]:
    """The routine named for each routine question: this year's answer, else the latest earlier one."""
    linked: dict[str, int] = {}
    for question, document_id in (
        ConfirmedAnswer.objects.filter(municipality=municipality, year__lte=year, document__isnull=False)
        .order_by("-year")
        .values_list("question", "document_id")
    ):
        linked.setdefault(question, document_id)
    return linked


def proposals(municipality, year: int, today: datetime.date, *, linked: dict | None = None) -> dict[str, Proposal]:
    """Fridsam's proposal for every question, from the facts on the survey's day."""
    if linked is None:
        linked = linked_routines(municipality, year)
    facts = gather(municipality, survey_day(year, today), linked=linked)
    return {q.key: q.prefill(facts) for q in QUESTIONS}


def survey(municipality, year: int, today: datetime.date) -> list[Item]:
    confirmed = confirmed_answers(municipality, year)
    proposed = proposals(municipality, year, today)
    return [Item(q, proposed[q.key], confirmed.get(q.key)) for q in QUESTIONS]


def latest_confirmed(municipality_ids, as_of: datetime.date) -> dict[int, tuple[int, dict[str, str]]]:
    """Per municipality, the latest year up to *as_of* with confirmed answers: (year, question → answer).
    One query; the health check reads it (HK18–HK20)."""
    result: dict[int, tuple[int, dict[str, str]]] = {}
    # As every fact of the health check: read for the municipalities asked, whoever reads the check.
    for municipality_id, year, question, answer in (
        ConfirmedAnswer.system_objects.filter(
            municipality_id__in=list(municipality_ids), year__lte=as_of.year, confirmed_at__date__lte=as_of
        )
        .order_by("municipality_id", "-year")
        .values_list("municipality_id", "year", "question", "answer")
    ):
        latest = result.setdefault(municipality_id, (year, {}))
        if latest[0] == year:
            latest[1][question] = answer
    return result
