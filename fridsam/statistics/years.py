"""Whether a year's figures are complete: the one definition that the pages, charts, exports,
reports and the before/after reading share (ADR 0025).

A year is *partial* until it has ended: the current calendar year, as of today in the
installation's time zone (and any later year, which can only hold figures entered ahead). This
holds whatever the source of a figure. The figures Fridsam computes from case follow-up and
collaboration (``source="computed"``) grow as cases are registered through the year, and a figure
entered or imported by hand for a year that is not over can only be the count so far. Either way,
set beside complete years a part of a year reads as a fall: 61 cases by December against 166 in
the whole of the year before.

On 1 January the year before becomes complete. Figures registered late may still change it, as
they may change any earlier year; that is not what "partial" means here.

Nothing is scaled up to a whole year: a partial year is shown as it stands and marked.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable

from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _


def today() -> datetime.date:
    return timezone.localdate()


def first_partial_year(on: datetime.date | None = None) -> int:
    """The first year that has not ended on *on* (today by default): the current calendar year."""
    return (on or today()).year


def is_partial(year: int, *, on: datetime.date | None = None) -> bool:
    """True while *year* has not ended (on *on*, today by default)."""
    return year >= first_partial_year(on)


def partial_years(years: Iterable[int], *, on: datetime.date | None = None) -> frozenset[int]:
    first = first_partial_year(on)
    return frozenset(y for y in years if y >= first)


def latest_complete(years: Iterable[int], *, on: datetime.date | None = None) -> int | None:
    """The latest of *years* that has ended, if any."""
    first = first_partial_year(on)
    complete = [y for y in years if y < first]
    return max(complete) if complete else None


def label(year: int, *, partial: bool) -> str:
    """The year as tables, headings and menus write it: "2026 (hittills, delår)" while it lasts."""
    return _("%(year)s (so far, partial year)") % {"year": year} if partial else str(year)


def note(year: int, *, on: datetime.date | None = None) -> str:
    """The sentence that goes with a partial year wherever its figures are shown."""
    return _(
        "The year is not over: the figures for %(year)s are for cases registered so far this year (up to %(day)s)."
    ) % {"year": year, "day": date_format(on or today(), "DATE_FORMAT")}


def legend(year: int) -> str:
    """The charts' legend for the hollow point (or bar) of a partial year."""
    return _("%(year)s: so far this year (partial year)") % {"year": year}
