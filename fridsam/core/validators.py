"""Validators shared by every domain.

:func:`validate_no_personal_identity_number` is used on every free-text field that may describe a
client: Fridsam never stores a Swedish personal identity number (personnummer) or coordination
number (samordningsnummer).
"""

from __future__ import annotations

import datetime
import re

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

# 10 digits (YYMMDD-NNNC, separator "-", "+" or space optional) or 12 digits (YYYYMMDD-NNNC),
# not part of a longer run of digits.
_CANDIDATE = re.compile(r"(?<![\d])(\d{2})?(\d{6})[-+ ]?(\d{4})(?![\d])")


def _luhn_ok(digits: str) -> bool:
    total = 0
    for index, char in enumerate(digits):
        value = int(char) * (2 if index % 2 == 0 else 1)
        total += value - 9 if value > 9 else value
    return total % 10 == 0


def _date_ok(century: str | None, yymmdd: str) -> bool:
    year, month, day = int(yymmdd[:2]), int(yymmdd[2:4]), int(yymmdd[4:6])
    if day > 60:  # coordination number: day + 60
        day -= 60
    centuries = [int(century)] if century else [19, 20]
    for c in centuries:
        try:
            datetime.date(c * 100 + year, month, day)
        except ValueError:
            continue
        return True
    return False


def find_personal_identity_numbers(text: str) -> list[str]:
    """Return every substring of *text* that is a checksum-valid personal identity number or
    coordination number, in any of the usual written forms."""
    found = []
    for match in _CANDIDATE.finditer(text or ""):
        century, yymmdd, tail = match.groups()
        if century is not None and century not in {"18", "19", "20"}:
            # A 12-digit run whose first two digits are no century: try it as a 10-digit number
            # only if the run was actually 10 digits long (it is not: reject this candidate).
            continue
        if not _date_ok(century, yymmdd):
            continue
        if _luhn_ok(yymmdd + tail):
            found.append(match.group(0))
    return found


def contains_personal_identity_number(text: str) -> bool:
    return bool(find_personal_identity_numbers(text))


def validate_no_personal_identity_number(value: str) -> None:
    if contains_personal_identity_number(value):
        raise ValidationError(
            _(
                "The text seems to contain a personal identity number or coordination number. "
                "Fridsam must not hold information that identifies a client: remove the number."
            ),
            code="personal_identity_number",
        )
