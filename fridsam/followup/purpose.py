"""The purpose of reading other people's follow-up records.

A manager or coordinator who opens records they do not own first says why (supervision, a
consultation in the case, quality follow-up…). The purpose is kept in the session for
``FRIDSAM_READ_PURPOSE_MINUTES`` and written to the access log with every read, list and export
until it runs out or is changed. The owner reads their own records without giving a purpose.

The access log is append-only, so the description is validated before it is kept: a personal
identity number in it is refused (``give``), and a kept purpose that holds one (kept before the
check was as strict) is dropped rather than written (``current``).
"""

from __future__ import annotations

import datetime
from urllib.parse import urlencode

from django.conf import settings
from django.db import models
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext_lazy as _

from fridsam.core.validators import contains_personal_identity_number, validate_no_personal_identity_number
from fridsam.followup.policies import followup_policy

SESSION_KEY = "fridsam_followup_purpose"


class Purpose(models.TextChoices):
    SUPERVISION = "supervision", _("Supervision of the case (arbetsledning)")
    CONSULTATION = "consultation", _("A consultation in the case")
    QUALITY = "quality", _("Quality follow-up of the work")
    ALLOCATION = "allocation", _("Allocating cases")
    STATISTICS = "statistics", _("Checking the statistics")
    OTHER = "other", _("Other (describe)")


def current(request) -> str:
    """The valid purpose as it is written to the log, or "" when none is given or it ran out."""
    data = request.session.get(SESSION_KEY)
    if not data:
        return ""
    until = datetime.datetime.fromisoformat(data["until"])
    if until < timezone.now() or contains_personal_identity_number(data["text"]):
        request.session.pop(SESSION_KEY, None)
        return ""
    return data["text"]


def required(request, record=None):
    """``(redirect, "")`` to the purpose form when the user reads what is not theirs without a valid
    purpose, else ``(None, purpose)`` ("" for the owner of ``record``). Every page that shows a
    record to someone other than its owner asks this first."""
    if record is not None and followup_policy.is_owner(request.tenancy, record):
        return None, ""
    text = current(request)
    if text:
        return None, text
    return redirect(reverse("followup:purpose") + "?" + urlencode({"next": request.get_full_path()})), ""


def give(request, purpose: str, detail: str = "") -> str:
    """Keep the purpose for the coming reads. Raises ValidationError if *detail* holds a personal
    identity number: it would be written to the access log, where it can never be removed."""
    validate_no_personal_identity_number(detail)
    with translation.override(settings.LANGUAGE_CODE):  # the log reads the same for every reviewer
        text = str(Purpose(purpose).label)
    if detail:
        text = f"{text}: {detail}"
    until = timezone.now() + datetime.timedelta(minutes=settings.FRIDSAM_READ_PURPOSE_MINUTES)
    request.session[SESSION_KEY] = {"text": text[:300], "until": until.isoformat()}
    return text


def end(request) -> None:
    request.session.pop(SESSION_KEY, None)
