"""Confirming a year's open comparisons survey: the coordinator's answers, checked against what
Fridsam proposes from its facts on the survey's day (ADR 0037)."""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from fridsam.core.audit import log_access
from fridsam.core.models import AccessAction
from fridsam.core.validators import validate_no_personal_identity_number
from fridsam.opencomparisons import selectors
from fridsam.opencomparisons.models import REASON_MAX_LENGTH, ConfirmedAnswer, Reply
from fridsam.opencomparisons.questions import QUESTIONS, QUESTIONS_BY_KEY
from fridsam.routines.models import Document


@dataclass
class ReplyIn:
    answer: str
    reason: str = ""
    document: Document | None = None


def survey_confirm(*, municipality, year: int, replies: dict[str, ReplyIn], user, today: datetime.date | None = None):
    """Store the municipality's answers for *year*: every question answered yes or no; where the
    answer differs from Fridsam's proposal, the reason is required. The proposal and its evidence
    are stored as they were, so the answer can be read later beside what Fridsam knew."""
    today = today or timezone.localdate()
    if year > today.year:
        raise ValidationError(_("A year that has not begun cannot be answered."))
    errors: dict[str, list[str]] = {}
    routines = {d.pk: d for d in Document.objects.filter(municipality=municipality, archived_at__isnull=True)}
    linked = selectors.linked_routines(municipality, year)
    for key, reply in replies.items():
        if key not in QUESTIONS_BY_KEY:
            raise ValueError(f"not a question: {key}")
        if reply.document is not None:
            if reply.document.pk not in routines or not QUESTIONS_BY_KEY[key].routine:
                errors[f"{key}__document"] = [_("Choose one of the municipality's routines.")]
            else:
                linked[key] = reply.document.pk
    proposals = selectors.proposals(municipality, year, today, linked=linked)
    for question in QUESTIONS:
        reply = replies.get(question.key)
        if reply is None or reply.answer not in Reply.values:
            errors[f"{question.key}__answer"] = [_("Answer yes or no.")]
            continue
        reason = reply.reason.strip()
        if len(reason) > REASON_MAX_LENGTH:
            errors[f"{question.key}__reason"] = [
                ngettext("At most %(n)s character.", "At most %(n)s characters.", REASON_MAX_LENGTH)
                % {"n": REASON_MAX_LENGTH}
            ]
        proposed = proposals[question.key].answer
        if proposed and reply.answer != proposed and not reason:
            errors[f"{question.key}__reason"] = [_("Your answer differs from what Fridsam found: say why.")]
        try:
            validate_no_personal_identity_number(reason)
        except ValidationError as error:
            errors[f"{question.key}__reason"] = error.messages
    if errors:
        raise ValidationError(errors)
    now = timezone.now()
    with transaction.atomic():
        for question in QUESTIONS:
            reply, proposal = replies[question.key], proposals[question.key]
            document = proposal.document if question.routine else None
            ConfirmedAnswer.objects.update_or_create(
                municipality=municipality,
                year=year,
                question=question.key,
                defaults={
                    "answer": reply.answer,
                    "proposed": proposal.answer,
                    "evidence": proposal.evidence,
                    "reason": reply.reason.strip(),
                    "document": document,
                    "confirmed_by": user,
                    "confirmed_at": now,
                },
            )
        log_access(
            action=AccessAction.CHANGE,
            object_type="opencomparisons.confirmedanswer",
            object_id=f"{municipality.code}-{year}",
            municipality=municipality,
            user=user,
            detail=f"Öppna jämförelser {year}",
        )
    return len(QUESTIONS)
