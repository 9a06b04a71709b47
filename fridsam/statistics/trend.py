"""The before/after reading, with the evaluation's own caution.

The evaluation warns against reading every rise after a coordinator started as an effect: in one
municipality actualised cases rose 96 → 115 → 138, "men eftersom antalet våldsärenden har ökat de
senaste två åren kan ökningen inte ses som en effekt av samordnaren". So the reading compares the
years after the start with the *trend* of the years before, not with their level:

* the years before the start year are "before", the start year and up to three years more are
  "after" (the coordinator worked during the start year; a line carried further than that says
  more about the line than about the years);
* a start after 1 July makes the start year a *transition year* (ADR 0027): the coordinator
  worked less than half of it, so it is neither "before" nor "after", and the years after begin
  with the next one. The same day decides whether a municipality counts as "with a coordinator"
  in a year (``CoordinatorPeriod.covers_midyear``);
* a straight line is fitted to the before years (at least two are needed) and carried forward;
* the years after *break* the trend when their mean distance from that line is larger than the
  tolerance: twice the spread of the before years around their line, and at least 10 % of their
  mean; otherwise they *continue* it;
* with three or more years before, the line says nothing when they scatter around it by more
  than a fifth of their mean (``UNCERTAIN_SPREAD``): carried forward, such a line would put the
  years after anywhere. The reading is then *uncertain* and says so, with the spread, and with
  which way the level moved; it does not call the change a continuation of a trend it cannot see
  (the evaluation's Tabell 1, children who witnessed violence: 45, 38, 60 before);
* with only two years before, the line is a guess: the years after break the trend only when
  they lie outside the tolerance of both the line and the level of those two years;
* a change of definition between the first and the last year compared is always mentioned;
* a year that is not over (:func:`fridsam.statistics.years.is_partial`) is left out, before and
  after, and the text says so: its figures are the cases registered so far, and set against whole
  years they would read as a fall. When the only year from the start is such a year, the reading
  waits for a complete one (``WAITS``) instead of judging a part of a year.

Only figures that may be shown are used: a suppressed year is a missing year here.
"""

from __future__ import annotations

import datetime
import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

from django.utils.formats import number_format
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

TOO_FEW = "too_few"
WAITS = "waits"
NO_COORDINATOR = "no_coordinator"
CONTINUES = "continues"
UNCHANGED = "unchanged"
UNCERTAIN = "uncertain"
BREAKS_UP = "breaks_up"
BREAKS_DOWN = "breaks_down"

MIN_BEFORE = 2
MIN_AFTER = 1
MAX_AFTER = 4
RELATIVE_TOLERANCE = 0.10
UNCERTAIN_SPREAD = 0.20  # the before years' spread around their line, as a share of their mean


def is_transition_year(start: datetime.date) -> bool:
    """A start after 1 July: the coordinator held the post for less than half of the year (ADR 0027)."""
    return start > datetime.date(start.year, 7, 1)


def counted_end_year(end: datetime.date) -> int:
    """The last year counted as "with" a coordinator who left on *end*: the year they left only
    when they still held the post on 1 July (the mirror of the transition year)."""
    return end.year if end >= datetime.date(end.year, 7, 1) else end.year - 1


@dataclass(frozen=True)
class Reading:
    verdict: str
    text: str
    before: tuple[int, ...] = ()
    after: tuple[int, ...] = ()
    expected: Mapping[int, float] = field(default_factory=dict)
    slope: float | None = None
    tolerance: float | None = None
    difference: float | None = None
    crosses_break: bool = False
    partial: tuple[int, ...] = ()  # years left out because they are not over
    transition: int | None = None  # the start year, when it is a transition year
    spread: float | None = None  # the before years' spread around their line (three or more)


def _fmt(value: float) -> str:
    return number_format(round(value, 1), decimal_pos=0 if float(value).is_integer() else 1)


def _fit(points: list[tuple[int, float]]) -> tuple[float, float, float | None]:
    """Least-squares line through (year, value): slope, intercept, residual spread (None for 2)."""
    n = len(points)
    mean_x = sum(x for x, _y in points) / n
    mean_y = sum(y for _x, y in points) / n
    sxx = sum((x - mean_x) ** 2 for x, _y in points)
    slope = sum((x - mean_x) * (y - mean_y) for x, y in points) / sxx
    intercept = mean_y - slope * mean_x
    if n < 3:
        return slope, intercept, None
    residuals = [y - (intercept + slope * x) for x, y in points]
    return slope, intercept, math.sqrt(sum(r * r for r in residuals) / (n - 2))


def before_after(
    series: Mapping[int, float | None],
    start: int | datetime.date | None,
    *,
    break_years: Iterable[int] = (),
    end_year: int | None = None,
    partial_years: Iterable[int] = (),
) -> Reading:
    """Read *series* (year → value; None = missing or suppressed) around a coordinator's start.

    ``start``: the day the coordinator started (a start after 1 July makes its year a transition
    year), or a year when only the year is known (read as a full year).

    ``end_year``: the year the coordinator left, if they did; later years are not "after".
    ``break_years``: years from which the indicator's definition changed.
    ``partial_years``: years that are not over (:func:`fridsam.statistics.years.partial_years`);
    they are left out and named.
    """
    partial = frozenset(partial_years)
    points = sorted((year, float(v)) for year, v in series.items() if v is not None)
    if start is None:
        return Reading(
            NO_COORDINATOR,
            _("The municipality had no coordinator in these years, so there is no before and after to compare."),
        )
    if isinstance(start, datetime.date):
        start_year, transition = start.year, is_transition_year(start)
    else:
        start_year, transition = start, False
    first_after = start_year + 1 if transition else start_year
    left_out = tuple(y for y, _v in points if y in partial and (end_year is None or y <= end_year))
    points = [(y, v) for y, v in points if y not in partial]
    before = [(y, v) for y, v in points if y < start_year]
    after = [(y, v) for y, v in points if y >= first_after and (end_year is None or y <= end_year)][:MAX_AFTER]
    transition_text = (
        _(
            "The coordinator started after 1 July %(year)s, so %(year)s is a transition year: it is counted "
            "neither before nor after, and the years after begin with %(next)s."
        )
        % {"year": start_year, "next": first_after}
        if transition
        else ""
    )
    years_before, years_after = tuple(y for y, _v in before), tuple(y for y, _v in after)
    named = ", ".join(str(y) for y in left_out)
    left_out_text = (
        ngettext(
            "%(years)s is not over and is left out of the reading; it is read once the year has ended.",
            "%(years)s are not over and are left out of the reading; they are read once they have ended.",
            len(left_out),
        )
        % {"years": named}
        if left_out
        else ""
    )
    if len(before) >= MIN_BEFORE and len(after) < MIN_AFTER and any(y >= first_after for y in left_out):
        text = ngettext(
            "The reading waits for a complete year: the coordinator started in %(start)s, and no year from "
            "then on with figures has ended yet (%(years)s is not over). Figures for part of a year are not "
            "compared with whole years.",
            "The reading waits for a complete year: the coordinator started in %(start)s, and no year from "
            "then on with figures has ended yet (%(years)s are not over). Figures for part of a year are not "
            "compared with whole years.",
            len(left_out),
        ) % {"start": start_year, "years": named}
        return Reading(
            WAITS,
            f"{text} {transition_text}".strip(),
            years_before,
            years_after,
            partial=left_out,
            transition=start_year if transition else None,
        )
    if len(before) < MIN_BEFORE or len(after) < MIN_AFTER:
        text = _(
            "Too few years to tell: the reading needs at least %(before)s years with figures before the "
            "coordinator started in %(start)s and one from then on; there are %(nb)s before and %(na)s after."
        ) % {"before": MIN_BEFORE, "start": start_year, "nb": len(before), "na": len(after)}
        return Reading(
            TOO_FEW,
            " ".join(t for t in (text, transition_text, left_out_text) if t),
            years_before,
            years_after,
            partial=left_out,
            transition=start_year if transition else None,
        )
    slope, intercept, spread = _fit(before)
    expected = {y: max(0.0, intercept + slope * y) for y, _v in after}
    difference = sum(v - expected[y] for y, v in after) / len(after)
    mean_before = sum(v for _y, v in before) / len(before)
    mean_after = sum(v for _y, v in after) / len(after)
    tolerance = max(2 * spread if spread is not None else 0.0, RELATIVE_TOLERANCE * abs(mean_before)) or 1.0
    trend_is_level = False
    if len(before) == MIN_BEFORE:
        # Two years give a line but no idea of its uncertainty: a level that did not move is as
        # good an explanation. The smaller distance of the two decides.
        level_difference = mean_after - mean_before
        if abs(level_difference) < abs(difference):
            difference = level_difference
            trend_is_level = True
    first, last = before[0][0], after[-1][0]
    crosses = any(first < b <= last for b in break_years)

    trend_words = (
        _("rising by about %(n)s a year") % {"n": _fmt(abs(slope))}
        if slope > RELATIVE_TOLERANCE * abs(mean_before) / 2
        else _("falling by about %(n)s a year") % {"n": _fmt(abs(slope))}
        if slope < -RELATIVE_TOLERANCE * abs(mean_before) / 2
        else _("roughly level")
    )
    path = " → ".join(_fmt(v) for _y, v in [*before, *after])
    facts = _("From %(first)s to %(last)s: %(path)s. Before %(start)s the series was %(trend)s.") % {
        "first": first,
        "last": last,
        "path": path,
        "start": start_year,
        "trend": trend_words,
    }
    level = _("On average %(after)s a year from %(start)s against %(before)s before.") % {
        "after": _fmt(mean_after),
        "before": _fmt(mean_before),
        "start": first_after,
    }
    scattered = spread is not None and spread > UNCERTAIN_SPREAD * abs(mean_before)
    if abs(difference) <= tolerance and scattered:
        # The line fitted to scattered years says nothing about where the years after should lie:
        # neither "it continues the trend" nor "no change" can be read from it.
        verdict = UNCERTAIN
        moved = (
            _("The level rose")
            if mean_after - mean_before > RELATIVE_TOLERANCE * abs(mean_before)
            else _("The level fell")
            if mean_before - mean_after > RELATIVE_TOLERANCE * abs(mean_before)
            else _("The level held")
        )
        judgement = _(
            "%(moved)s, but the reading is uncertain: the years before scatter around their line by about "
            "%(spread)s a year (%(share)s %% of their mean), too much for the line to tell whether the years "
            "from the start continue an earlier trend or break it. More years before, or a comparison with "
            "other municipalities, is needed to say more."
        ) % {
            "moved": moved,
            "spread": _fmt(spread),
            "share": number_format(round(100 * spread / abs(mean_before))),
        }
    elif abs(difference) <= tolerance:
        if trend_is_level or trend_words == _("roughly level"):
            verdict = UNCHANGED
            judgement = _("The years from the start lie where the earlier years did: no change can be seen.")
        else:
            verdict = CONTINUES
            judgement = _(
                "The change continues the trend of the years before: it began before the coordinator and "
                "cannot be read as an effect of the coordinator."
            )
    elif difference > 0:
        verdict = BREAKS_UP
        judgement = _(
            "The years from the start lie above what the earlier trend would give (by about %(d)s a year): "
            "the change breaks the earlier trend. A break in time is not proof of an effect, but it is "
            "consistent with, for example, better detection."
        ) % {"d": _fmt(difference)}
    else:
        verdict = BREAKS_DOWN
        judgement = _(
            "The years from the start lie below what the earlier trend would give (by about %(d)s a year): "
            "the change breaks the earlier trend. A break in time is not proof of an effect."
        ) % {"d": _fmt(abs(difference))}
    text = f"{facts} {level} {judgement}"
    if transition_text:
        text += " " + transition_text
    if crosses:
        text += " " + _(
            "Note: the definition of the indicator changed within these years, so part of the change may "
            "come from the new definition."
        )
    if left_out_text:
        text += " " + left_out_text
    return Reading(
        verdict,
        text,
        years_before,
        years_after,
        expected,
        slope,
        tolerance,
        difference,
        crosses_break=crosses,
        partial=left_out,
        transition=start_year if transition else None,
        spread=spread,
    )
