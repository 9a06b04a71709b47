"""Öppna jämförelser in the demo: Åstad confirmed last year's survey, naming the routine that
answers the question on protected personal data; this year's survey waits, pre-filled, for
anna.lind to confirm it (ADR 0037)."""

from __future__ import annotations

from django.utils import timezone

from fridsam.accounts.models import User
from fridsam.opencomparisons import selectors, services
from fridsam.opencomparisons.models import ConfirmedAnswer
from fridsam.routines.models import Document

ROUTINE = "Rutin vid våld i nära relationer"
# Last year's answers where Fridsam did not know, with what the coordinator knew.
LAST_YEAR = {
    "routine_schooling": "no",
    "methods_mapping_risk": "yes",
    "support_talks_perpetrators": "yes",
    "web_languages": "no",
}
REASONS = {"methods_mapping_risk": "Vi använder FREDA utanför Fridsam."}


def load(county, municipalities) -> None:
    astad = municipalities["9901"]
    if ConfirmedAnswer.objects.filter(municipality=astad).exists():
        return
    today = timezone.localdate()
    year = today.year - 1
    routine = Document.objects.filter(municipality=astad, title=ROUTINE).first()
    linked = {"routine_protected_data": routine.pk} if routine else {}
    proposals = selectors.proposals(astad, year, today, linked=linked)
    replies = {}
    for key, proposal in proposals.items():
        answer = proposal.answer or LAST_YEAR.get(key, "no")
        replies[key] = services.ReplyIn(
            answer=answer,
            reason=REASONS.get(key, "") if answer != proposal.answer else "",
            document=routine if key == "routine_protected_data" else None,
        )
    services.survey_confirm(
        municipality=astad, year=year, replies=replies, user=User.objects.get(username="anna.lind"), today=today
    )
