"""The before/after reading on the evaluation's own tables and on synthetic series.

The evaluation reads its tables so (the text around Tabell 1 and 2): in the municipality whose
coordinator started in August 2016, investigations and placements in protected housing did not
rise after the start, children who witnessed violence did; in the one whose coordinator came in
the summer of 2018, the rise in actualised cases began before and "kan inte ses som en effekt av
samordnaren". Those readings must come out of the rules (ADR 0027).
"""

import datetime

import pytest

from fridsam.statistics import trend

pytestmark = pytest.mark.usefixtures("english")

TABELL_1 = {  # the municipality whose coordinator started in August 2016
    "investigations": {2013: 25, 2014: 24, 2015: 17, 2016: 13, 2017: 18, 2018: 19},
    "protected_housing": {2013: None, 2014: None, 2015: 11, 2016: 10, 2017: 11, 2018: 11},
    "children_witnessed": {2013: 45, 2014: 38, 2015: 60, 2016: 51, 2017: 85, 2018: 91},
}
TABELL_2 = {2016: 96, 2017: 115, 2018: 138}  # coordinator from the summer of 2018
AUGUST_2016 = datetime.date(2016, 8, 15)  # the demo's Åstad
JUNE_2018 = datetime.date(2018, 6, 18)  # the demo's Hallsberga


def test_tabell_2_the_rise_began_before_the_coordinator():
    reading = trend.before_after(TABELL_2, JUNE_2018)
    assert reading.verdict == trend.CONTINUES and reading.transition is None
    assert reading.before == (2016, 2017) and reading.after == (2018,)
    assert "96 → 115 → 138" in reading.text
    assert "began before the coordinator" in reading.text


def test_tabell_1_investigations_stopped_falling_although_their_level_is_lower():
    # The evaluation: investigations did not rise after the start. 2016 is a transition year.
    reading = trend.before_after(TABELL_1["investigations"], AUGUST_2016)
    assert reading.verdict == trend.BREAKS_UP
    assert reading.before == (2013, 2014, 2015) and reading.after == (2017, 2018)
    assert "falling" in reading.text
    assert "On average 18.5 a year from 2017 against 22 before" in reading.text
    assert "2016 is a transition year" in reading.text


def test_tabell_1_protected_housing_has_too_few_years_before():
    reading = trend.before_after(TABELL_1["protected_housing"], AUGUST_2016)
    assert reading.verdict == trend.TOO_FEW
    assert "there are 1 before and 2 after" in reading.text
    assert "2016 is a transition year" in reading.text


def test_tabell_1_children_who_witnessed_rose_and_the_scattered_years_before_cannot_say_more():
    # The evaluation: the number rose after the start. 45, 38, 60 before scatter by about 11.8
    # around their line (a quarter of their mean): the line says nothing, so the reading says the
    # level rose and that it cannot tell a continuing trend from a break, not that it "continues".
    reading = trend.before_after(TABELL_1["children_witnessed"], AUGUST_2016)
    assert reading.verdict == trend.UNCERTAIN
    assert reading.after == (2017, 2018) and reading.transition == 2016
    assert reading.slope == pytest.approx(7.5) and reading.spread == pytest.approx(11.84, abs=0.01)
    assert "On average 88 a year from 2017 against 47.7 before" in reading.text
    assert "The level rose, but the reading is uncertain" in reading.text
    assert "by about 11.8 a year (25 % of their mean)" in reading.text
    assert "cannot be read as an effect" not in reading.text


def test_before_the_transition_year_rule_the_children_read_as_a_continuing_trend():
    # With 2016 read as a full year after, 51 pulls the mean down and the difference is within the
    # tolerance; the scatter still makes it uncertain, not a continuation.
    reading = trend.before_after(TABELL_1["children_witnessed"], 2016)
    assert reading.verdict == trend.UNCERTAIN and reading.after == (2016, 2017, 2018)


def test_a_start_on_1_july_is_a_full_year_and_one_after_is_a_transition_year():
    assert not trend.is_transition_year(datetime.date(2016, 7, 1))
    assert trend.is_transition_year(datetime.date(2016, 7, 2))
    assert not trend.is_transition_year(datetime.date(2016, 1, 1))
    assert trend.counted_end_year(datetime.date(2020, 7, 1)) == 2020
    assert trend.counted_end_year(datetime.date(2020, 3, 31)) == 2019


def test_scattered_years_before_with_a_clear_jump_still_break_the_trend():
    reading = trend.before_after({2014: 40, 2015: 60, 2016: 42, 2017: 58, 2018: 140, 2019: 150}, 2018)
    assert reading.verdict == trend.BREAKS_UP


def test_a_steady_series_is_not_uncertain():
    reading = trend.before_after({2014: 50, 2015: 53, 2016: 49, 2017: 52, 2018: 51}, 2017)
    assert reading.verdict == trend.UNCHANGED and reading.spread < 0.2 * 51


def test_a_level_series_that_jumps_after_the_start_breaks_the_trend():
    reading = trend.before_after({2015: 50, 2016: 52, 2017: 49, 2018: 51, 2019: 80, 2020: 84}, 2019)
    assert reading.verdict == trend.BREAKS_UP
    assert "roughly level" in reading.text


def test_a_steady_rise_that_goes_on_continues_the_trend():
    reading = trend.before_after({2015: 10, 2016: 20, 2017: 30, 2018: 40, 2019: 50, 2020: 61}, 2019)
    assert reading.verdict == trend.CONTINUES


def test_a_fall_after_the_start_breaks_a_level_trend_downwards():
    reading = trend.before_after({2015: 100, 2016: 98, 2017: 101, 2018: 60, 2019: 55}, 2018)
    assert reading.verdict == trend.BREAKS_DOWN


def test_no_change_on_a_level_series():
    reading = trend.before_after({2015: 100, 2016: 98, 2017: 101, 2018: 99, 2019: 100}, 2018)
    assert reading.verdict == trend.UNCHANGED


def test_too_few_years_after_and_no_coordinator():
    assert trend.before_after({2016: 1, 2017: 2}, 2019).verdict == trend.TOO_FEW
    assert trend.before_after({2016: 1, 2017: 2}, None).verdict == trend.NO_COORDINATOR


def test_years_after_the_coordinator_left_are_not_after():
    reading = trend.before_after({2014: 10, 2015: 10, 2016: 20, 2017: 20, 2018: 50}, 2016, end_year=2017)
    assert reading.after == (2016, 2017)


def test_suppressed_years_are_missing_years():
    reading = trend.before_after({2014: None, 2015: 30, 2016: 31, 2017: None}, 2016)
    assert reading.verdict == trend.TOO_FEW


def test_a_new_definition_between_the_years_compared_is_mentioned():
    reading = trend.before_after({2018: 10, 2019: 11, 2020: 12, 2021: 30}, 2021, break_years=[2021])
    assert reading.crosses_break
    assert "definition of the indicator changed" in reading.text
    assert not trend.before_after({2018: 10, 2019: 11, 2020: 12}, 2020, break_years=[2024]).crosses_break


def test_with_two_years_before_a_level_that_holds_is_no_break():
    # 45, 41 "falls by 4 a year", but 44, 45, 48 after are where the level was: no break.
    reading = trend.before_after({2016: 45, 2017: 41, 2018: 44, 2019: 45, 2020: 48}, 2018)
    assert reading.verdict == trend.UNCHANGED


def test_the_years_after_are_at_most_four():
    series = {year: 10 + year - 2010 for year in range(2010, 2026)}
    assert trend.before_after(series, 2015).after == (2015, 2016, 2017, 2018)


# A year that is not over (fridsam.statistics.years): Åstad's 61 cases by December against 166 in
# the whole year before must not read as a fall.
ASTAD = {2021: 160, 2022: 158, 2023: 163, 2024: 161, 2025: 166, 2026: 61}


def test_a_partial_year_would_read_as_a_drop_if_it_were_not_marked():
    assert trend.before_after(ASTAD, 2024).verdict == trend.BREAKS_DOWN


def test_a_partial_year_is_left_out_of_the_reading_and_named():
    reading = trend.before_after(ASTAD, 2024, partial_years={2026})
    assert reading.verdict not in (trend.BREAKS_DOWN, trend.BREAKS_UP)
    assert reading.after == (2024, 2025) and reading.partial == (2026,)
    assert "→ 61" not in reading.text
    assert "2026 is not over and is left out of the reading" in reading.text


def test_the_reading_waits_for_a_complete_year_when_the_only_year_after_is_partial():
    reading = trend.before_after({2023: 160, 2024: 158, 2025: 163, 2026: 61}, 2026, partial_years={2026})
    assert reading.verdict == trend.WAITS
    assert reading.after == () and reading.partial == (2026,)
    assert "waits for a complete year" in reading.text and "2026 is not over" in reading.text


def test_complete_years_are_read_as_before():
    reading = trend.before_after(ASTAD, 2024, partial_years={2027})
    assert reading.verdict == trend.BREAKS_DOWN and reading.partial == ()
    assert "not over" not in reading.text
