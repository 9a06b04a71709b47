"""A municipality's own case reference, stored only as a keyed hash (case follow-up, the housing
exchange's applicants).

A social worker types the journal system's reference ("IFO-2026-0412"); Fridsam keeps
HMAC-SHA-256(key of the municipality, normalised reference). The same reference typed again finds
the record; the database (and a copy of it) never holds the reference readable, and without the
key the hash cannot be tried against guesses. A personal identity number is refused as a
reference: it must never be used as one, hashed or not.
"""

from __future__ import annotations

import hashlib
import hmac
import re

from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from fridsam.core.validators import contains_personal_identity_number

MIN_LENGTH = 3
MAX_LENGTH = 40
_ALLOWED = re.compile(r"^[0-9A-ZÅÄÖ/._:-]+$")


def normalise(reference: str) -> str:
    """Case and spaces do not matter: "ifo 2026-12" and "IFO2026-12" are the same reference."""
    return "".join((reference or "").split()).upper()


def validate_reference(reference: str) -> str:
    value = normalise(reference)
    if not value:
        raise ValidationError(_("Enter the case reference from the journal system."), code="required")
    if contains_personal_identity_number(reference) or contains_personal_identity_number(value):
        raise ValidationError(
            _("A personal identity number may not be used as a case reference. Use the journal's case number."),
            code="personal_identity_number",
        )
    if len(value) < MIN_LENGTH or len(value) > MAX_LENGTH:
        raise ValidationError(
            _("A case reference has %(min)s–%(max)s characters.") % {"min": MIN_LENGTH, "max": MAX_LENGTH},
            code="length",
        )
    if not _ALLOWED.match(value):
        raise ValidationError(
            _("A case reference may contain letters, digits and the characters - / . _ : only."), code="characters"
        )
    return value


def _master_key() -> bytes:
    secret = settings.FRIDSAM_CASE_REFERENCE_SECRET
    if secret:
        return secret.encode()
    # Development and tests: derived from SECRET_KEY (production settings require the secret).
    return hashlib.sha256(("fridsam-case-reference:" + settings.SECRET_KEY).encode()).digest()


def municipality_key(municipality_code: str) -> bytes:
    own = settings.FRIDSAM_CASE_REFERENCE_KEYS.get(municipality_code)
    if own:
        return own.encode()
    return hmac.new(_master_key(), f"municipality:{municipality_code}".encode(), hashlib.sha256).digest()


def reference_hash(municipality, reference: str) -> str:
    value = validate_reference(reference)
    return hmac.new(municipality_key(municipality.code), value.encode(), hashlib.sha256).hexdigest()
