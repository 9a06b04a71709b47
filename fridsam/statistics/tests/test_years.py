"""The one definition of a year that is not over, and how it is written."""

import datetime

import pytest
from django.utils import timezone, translation

from fridsam.statistics import years

DECEMBER = datetime.date(2026, 12, 1)


def test_a_year_is_partial_until_it_has_ended():
    assert years.is_partial(2026, on=DECEMBER)
    assert years.is_partial(2026, on=datetime.date(2026, 12, 31))
    assert not years.is_partial(2026, on=datetime.date(2027, 1, 1))
    assert not years.is_partial(2025, on=DECEMBER)
    assert years.is_partial(2027, on=DECEMBER)  # a year ahead is not over either


def test_today_is_the_default():
    this_year = timezone.localdate().year
    assert years.is_partial(this_year) and not years.is_partial(this_year - 1)
    assert years.partial_years(range(this_year - 3, this_year + 1)) == {this_year}


def test_the_latest_complete_year():
    assert years.latest_complete([2024, 2025, 2026], on=DECEMBER) == 2025
    assert years.latest_complete([2026], on=DECEMBER) is None


@pytest.mark.parametrize(
    ("language", "label", "note"),
    [
        ("sv", "2026 (hittills, delår)", "Året är inte slut: talen för 2026 gäller ärenden registrerade hittills i år"),
        ("en", "2026 (so far, partial year)", "The year is not over: the figures for 2026 are for cases registered"),
    ],
)
def test_a_partial_year_is_written_as_such(language, label, note):
    with translation.override(language):
        assert years.label(2026, partial=True) == label
        assert years.label(2025, partial=False) == "2025"
        assert years.note(2026, on=DECEMBER).startswith(note)
        assert "2026" in years.note(2026, on=DECEMBER).rsplit("(", 1)[1]  # up to the day, with its year
