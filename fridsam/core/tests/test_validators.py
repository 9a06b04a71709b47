"""The personal-identity-number validator: real numbers in every usual form are rejected;
look-alikes (wrong checksum, phone numbers, dates) pass."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from hypothesis import given
from hypothesis import strategies as st

from fridsam.core.validators import (
    contains_personal_identity_number,
    find_personal_identity_numbers,
    validate_no_personal_identity_number,
)


def luhn_digit(nine: str) -> str:
    total = 0
    for i, ch in enumerate(nine):
        v = int(ch) * (2 if i % 2 == 0 else 1)
        total += v - 9 if v > 9 else v
    return str((10 - total % 10) % 10)


def make_number(date: datetime.date, serial: int, coordination: bool = False) -> tuple[str, str]:
    """(10-digit, 12-digit) forms without separator."""
    day = date.day + (60 if coordination else 0)
    yymmdd = f"{date.year % 100:02d}{date.month:02d}{day:02d}"
    nine = yymmdd + f"{serial:03d}"
    ten = nine + luhn_digit(nine)
    return ten, f"{date.year // 100}{ten}"


@pytest.mark.parametrize(
    "text",
    [
        "811218-9876",
        "8112189876",
        "811218+9876",  # over 100 years old
        "811218 9876",
        "19811218-9876",
        "198112189876",
        "Klienten 811218-9876 ringde",
        "pnr:198112189876.",
        "811278-9871",  # coordination number (day + 60)
        "19811278-9871",
    ],
)
def test_known_numbers_are_rejected(text):
    if text in ("811278-9871", "19811278-9871"):
        ten, _twelve = make_number(datetime.date(1981, 12, 18), 987, coordination=True)
        text = text.replace("811278-9871", f"{ten[:6]}-{ten[6:]}")
    with pytest.raises(ValidationError) as info:
        validate_no_personal_identity_number(text)
    assert info.value.code == "personal_identity_number"


@pytest.mark.parametrize(
    "text",
    [
        "811218-9877",  # wrong check digit
        "070-123 45 67",  # mobile phone number
        "+46 70 123 45 67",
        "+46701234567",
        "08-123 456 78",
        "021-10 20 01",
        "2024-05-12",  # a date alone
        "20240512",
        "1981-12-18",
        "Möte 12/5 kl 14.00, rum 1234",
        "811318-9876",  # month 13
        "12345678901234",  # a long run of digits is no personal identity number
        "",
    ],
)
def test_look_alikes_are_accepted(text):
    validate_no_personal_identity_number(text)


dates = st.dates(min_value=datetime.date(1890, 1, 1), max_value=datetime.date(2025, 12, 31))
separators = st.sampled_from(["", "-", " "])
serials = st.integers(min_value=0, max_value=999)
padding = st.text(alphabet=st.characters(categories=["L", "Zs", "P"]), max_size=20)


@given(
    date=dates,
    serial=serials,
    sep=separators,
    twelve=st.booleans(),
    coordination=st.booleans(),
    before=padding,
    after=padding,
)
def test_every_valid_number_is_found_in_any_text(date, serial, sep, twelve, coordination, before, after):
    ten, full = make_number(date, serial, coordination)
    number = (full[:8] + sep + full[8:]) if twelve else (ten[:6] + sep + ten[6:])
    assert contains_personal_identity_number(f"{before} {number} {after}")


@given(date=dates, serial=serials, sep=separators, twelve=st.booleans())
def test_a_wrong_check_digit_is_never_taken_for_a_number(date, serial, sep, twelve):
    ten, full = make_number(date, serial)
    wrong = str((int(ten[-1]) + 1 + serial % 9) % 10)
    if wrong == ten[-1]:
        wrong = str((int(wrong) + 1) % 10)
    ten_bad, full_bad = ten[:-1] + wrong, full[:-1] + wrong
    number = (full_bad[:8] + sep + full_bad[8:]) if twelve else (ten_bad[:6] + sep + ten_bad[6:])
    assert find_personal_identity_numbers(number) == []


@given(
    area=st.sampled_from(["070", "072", "073", "076", "079", "08", "021", "0221", "010"]),
    rest=st.lists(st.integers(min_value=0, max_value=9), min_size=5, max_size=8),
)
def test_phone_numbers_written_the_swedish_way_are_accepted(area, rest):
    digits = "".join(map(str, rest))
    # Groups of two or three digits, as Swedes write them: "070-123 45 67".
    groups = [digits[i : i + 2] for i in range(0, len(digits), 2)]
    for text in (f"{area}-{' '.join(groups)}", f"+46 {area[1:]} {' '.join(groups)}"):
        assert not contains_personal_identity_number(text), text


@given(
    date=st.dates(min_value=datetime.date(1900, 1, 1), max_value=datetime.date(2099, 12, 31)),
    fmt=st.sampled_from(["%Y-%m-%d", "%Y%m%d", "%d/%m/%Y", "%y%m%d", "%d.%m.%Y"]),
)
def test_dates_alone_are_accepted(date, fmt):
    assert not contains_personal_identity_number(date.strftime(fmt))
