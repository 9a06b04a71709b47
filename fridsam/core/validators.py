"""Validators shared by every domain.

:func:`validate_no_personal_identity_number` is used on every free-text field that may describe a
client: Fridsam never stores a Swedish personal identity number (personnummer) or coordination
number (samordningsnummer). The system check in :mod:`fridsam.core.free_text` makes sure every
free-text model and form field carries it.

Text is normalised before it is matched, so that a number is caught however it was typed or
pasted: NFKC (full-width and other compatibility forms of digits, dashes and spaces), every
format character (Unicode category Cf: zero-width space, soft hyphen, word joiner, direction
marks…), every other invisible character (variation selectors, Hangul fillers) and every
combining mark removed, every line break and control character read as a space, every dash
(category Pd) and minus sign read as "-",
every space (category Zs: the no-break space of the journal system, the narrow no-break space…)
read as " ". Between the date and the last four digits one separator is accepted: nothing, a
dash or "+" (a person of 100 years or more) with up to three spaces either side, or up to three
spaces.

:class:`PlausibleDate` is the one rule for every date a person enters (ADR 0026): not before a
lower bound (:data:`EARLIEST_DATE` unless the field has its own), and not after today for a
date something happened on (:data:`validate_past_date`), or not more than
:data:`PLANNING_YEARS` years ahead for a date that is planned (:data:`validate_planned_date`).
The system check in :mod:`fridsam.core.date_bounds` makes sure every date field carries it.
"""

from __future__ import annotations

import datetime
import functools
import re
import unicodedata
from collections.abc import Iterable

from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.deconstruct import deconstructible
from django.utils.translation import gettext_lazy as _

from fridsam.core.dates import add_months

# Read as a dash although they are not in category Pd: MINUS SIGN (what mathematics-aware editors
# and some keyboard layouts type; NFKC maps the superscript and subscript minus to it), HEAVY
# MINUS SIGN, MODIFIER LETTER MINUS SIGN and HYPHEN BULLET.
_MINUS_LIKE = frozenset("\u2212\u2796\u02d7\u2043")
_SPACES = 3
# Invisible although not in category Cf (Unicode's Default_Ignorable_Code_Point, less Cf): the
# Hangul fillers, which display as blanks, the combining grapheme joiner, Mongolian variation
# selectors and the variation selectors. Removed like Cf, and so are combining marks (Mn, Me):
# a digit under a mark still reads as the digit.
_IGNORABLE = frozenset(
    [
        0x034F,
        0x115F,
        0x1160,
        0x17B4,
        0x17B5,
        0x3164,
        0xFFA0,
        *range(0x180B, 0x1810),
        *range(0xFE00, 0xFE10),
        *range(0xE0100, 0xE01F0),
    ]
)
# Line breaks and other control characters are read as a space: a number split across two lines
# of a text area is still one number.
_ASCII_SPACES = {c: " " for c in [*range(0x00, 0x20), 0x7F]}

# After normalisation: 10 digits (YYMMDD-NNNC) or 12 digits (YYYYMMDD-NNNC), one optional
# separator between date and serial, not part of a longer run of digits.
_CANDIDATE = re.compile(
    rf"(?<!\d)(\d{{2}})?(\d{{6}})(?: {{0,{_SPACES}}}[-+] {{0,{_SPACES}}}| {{1,{_SPACES}}})?(\d{{4}})(?!\d)",
    re.ASCII,
)


@functools.lru_cache(maxsize=4096)
def _normalise_char(char: str) -> str:
    out = []
    for c in unicodedata.normalize("NFKC", char):
        category = unicodedata.category(c)
        if category in ("Cf", "Mn", "Me") or ord(c) in _IGNORABLE:
            continue
        if category == "Nd":
            out.append(str(unicodedata.decimal(c)))
        elif category == "Pd" or c in _MINUS_LIKE:
            out.append("-")
        elif category in ("Zs", "Zl", "Zp", "Cc"):
            out.append(" ")
        else:
            out.append(c)
    return "".join(out)


def normalise(text: str) -> tuple[str, list[int] | None]:
    """*text* as it is matched, and for every character of it the index in *text* it came from
    (None when the two are the same length and aligned, as for plain ASCII)."""
    if text.isascii():
        return text.translate(_ASCII_SPACES), None
    chars: list[str] = []
    origin: list[int] = []
    for index, char in enumerate(text):
        for c in _normalise_char(char):
            chars.append(c)
            origin.append(index)
    return "".join(chars), origin


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


def _spans(text: str) -> list[tuple[int, int]]:
    normalised, origin = normalise(text)
    spans = []
    for match in _CANDIDATE.finditer(normalised):
        century, yymmdd, tail = match.groups()
        if century is not None and century not in {"18", "19", "20"}:
            # A 12-digit run whose first two digits are no century is no personal identity
            # number (and its last ten digits are no 10-digit one either: they are not alone).
            continue
        if not _date_ok(century, yymmdd) or not _luhn_ok(yymmdd + tail):
            continue
        start, end = match.span()
        if origin is not None:
            start, end = origin[start], origin[end - 1] + 1
        spans.append((start, end))
    return spans


def find_personal_identity_numbers(text: str) -> list[str]:
    """Return every substring of *text* that is a checksum-valid personal identity number or
    coordination number, in any of the usual written forms and with any dash, space or
    invisible character as separator."""
    text = text or ""
    return [text[start:end] for start, end in _spans(text)]


def contains_personal_identity_number(text: str) -> bool:
    return bool(_spans(text or ""))


def redact_personal_identity_numbers(text: str) -> str:
    """*text* with the digits of every personal identity number replaced by "*": for text that
    must be kept (a failed login's attempted username, a search) but must not keep the number."""
    text = text or ""
    for start, end in reversed(_spans(text)):
        masked = "".join("*" if any(c.isdigit() for c in _normalise_char(char)) else char for char in text[start:end])
        text = text[:start] + masked + text[end:]
    return text


def validate_no_personal_identity_number(value: str | Iterable[str] | None) -> None:
    """Refuse *value* (a text, or the lines of a one-item-per-line field) if it holds a personal
    identity number or coordination number."""
    if value is not None and not isinstance(value, str):
        value = "\n".join(str(item) for item in value)
    if contains_personal_identity_number(value or ""):
        raise ValidationError(
            _(
                "The text seems to contain a personal identity number or coordination number. "
                "Fridsam must not hold information that identifies a client: remove the number."
            ),
            code="personal_identity_number",
        )


# A telephone number as it is written: digits, spaces, dashes and parentheses, with a leading +
# for an international number (short numbers such as 112 and 114 14 too).
_PHONE = re.compile(r"\+?[0-9(][0-9 ()\-]{2,24}", re.ASCII)
# Six or eight digits, a dash or plus, four digits: how a personal identity number is written and
# no telephone number is.
_WRITTEN_AS_NUMBER = re.compile(r"(?<!\d)(?:\d{6}|\d{8}) {0,3}[-+] {0,3}\d{4}(?!\d)", re.ASCII)


def validate_phone_number(value: str | None) -> None:
    """A telephone number of staff or an organisation. Free text is refused (the field is shown on
    the public page and in the directory), and so is a personal identity number written as one
    (121212-1212), although a bare ten-digit mobile number may also pass the checksum and is kept."""
    text = normalise(value or "")[0].strip()
    if not text:
        return
    if any(contains_personal_identity_number(m.group(0)) for m in _WRITTEN_AS_NUMBER.finditer(text)):
        validate_no_personal_identity_number(text)
    if not _PHONE.fullmatch(text):
        raise ValidationError(
            _("Write a telephone number: digits, spaces and dashes, with + first for a number abroad."), code="phone"
        )


# --- Plausible dates ---------------------------------------------------------------------------

# Nothing Fridsam records happened before this day: the coordinator function, case follow-up, the
# housing register and the exchange are all younger. A field with older dates (a course
# completed, an IVO permit) has its own lower bound.
EARLIEST_DATE = datetime.date(2000, 1, 1)
# How far ahead a planned date may lie: a due date, a review, the end of a post or an agreement.
PLANNING_YEARS = 5


def _as_date(value) -> datetime.date:
    if isinstance(value, datetime.datetime):
        return timezone.localtime(value).date() if timezone.is_aware(value) else value.date()
    return value


@deconstructible(path="fridsam.core.validators.PlausibleDate")
class PlausibleDate:
    """A date that can be true: from *earliest* on, and at the latest today (*years_ahead* 0: a
    day something happened on) or *years_ahead* years from today (a planned day). A datetime is
    judged by its day in Stockholm. Used as a validator (a ``ValidationError`` on the field), and
    by the imports through :meth:`problem`, which names the bad value."""

    code = "implausible_date"

    def __init__(self, *, earliest: datetime.date = EARLIEST_DATE, years_ahead: int = 0):
        self.earliest = earliest
        self.years_ahead = years_ahead

    def latest(self, today: datetime.date | None = None) -> datetime.date:
        today = today or timezone.localdate()
        return add_months(today, 12 * self.years_ahead)

    def message(self, value, today: datetime.date | None = None) -> str | None:
        """What is wrong with *value*, as a sentence for the field, or None."""
        if value is None:
            return None
        day = _as_date(value)
        if day < self.earliest:
            return _("The date is too early: give a date from %(earliest)s on.") % {
                "earliest": self.earliest.isoformat()
            }
        latest = self.latest(today)
        if day > latest:
            if self.years_ahead == 0:
                return _("The date is in the future: give the day it happened, today at the latest.")
            return _("The date is too far ahead: give a date by %(latest)s at the latest.") % {
                "latest": latest.isoformat()
            }
        return None

    def problem(self, value, today: datetime.date | None = None) -> str | None:
        """What is wrong with *value*, as a part of an import row's error (naming the date), or None."""
        if value is None:
            return None
        day = _as_date(value)
        if day < self.earliest:
            return _("the date %(date)s is before %(earliest)s") % {
                "date": day.isoformat(),
                "earliest": self.earliest.isoformat(),
            }
        latest = self.latest(today)
        if day > latest:
            if self.years_ahead == 0:
                return _("the date %(date)s is in the future") % {"date": day.isoformat()}
            return _("the date %(date)s is after %(latest)s") % {"date": day.isoformat(), "latest": latest.isoformat()}
        return None

    def __call__(self, value) -> None:
        message = self.message(value)
        if message:
            raise ValidationError(message, code=self.code)

    def __eq__(self, other) -> bool:
        return (
            isinstance(other, PlausibleDate)
            and self.earliest == other.earliest
            and self.years_ahead == other.years_ahead
        )

    def __hash__(self) -> int:
        return hash((self.earliest, self.years_ahead))

    def __repr__(self) -> str:
        return f"PlausibleDate(earliest={self.earliest.isoformat()}, years_ahead={self.years_ahead})"


# A day something happened on: a record opened or closed, an assessment, a course completed.
validate_past_date = PlausibleDate()
# A planned day: a due date, a review, the end of a post, an absence, an agreement's end.
validate_planned_date = PlausibleDate(years_ahead=PLANNING_YEARS)
