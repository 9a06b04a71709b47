"""Does the coordinator make a difference? The staggered difference-in-differences estimate (ADR 0028).

For one indicator and a set of municipalities (a county's, or every municipality for the national
reading), the municipalities from the year they got a coordinator are compared with those that did
not have one yet, by Callaway and Sant'Anna's group-time effects (the library ``differences``,
``ATTgt``), aggregated into one effect and an event study by years since the start:

* **Treatment** comes from the coordinator posts: the first year of a cohort is the start year, or
  the next one when the coordinator started after 1 July (the transition year, ADR 0027). The year
  before the first full year is left out of every comparison (``anticipation=1``): for a start after
  1 July it is the transition year, for an earlier one the year the post was being prepared. A
  coordinator who left ends the treatment: the municipality's later years are left out (it is
  neither treated nor a comparison then). A municipality that had a coordinator before its first
  year with figures cannot be compared and is counted as such.
* **The outcome** is the logarithm of the indicator's comparable value (per 10 000 inhabitants or
  adults, a share, or a count for agreements and the like), with half a case added to every count
  so that a year with none has a logarithm. An effect is then a relative change: +0.14 is +15 %.
* **Comparisons**: the municipalities not yet treated (those that never had a coordinator and
  those that got one later), and as a check the never-treated alone. Intervals are 95 %, from the
  multiplier bootstrap clustered by municipality (999 draws); the event study's band is
  simultaneous. Before the start each year is compared with the year before it (the library's
  *varying* base), so a point before the start is that year's change, and a trend of the
  municipalities' own before the start shows as points on one side of zero. **Pre-trend check**,
  against the never-treated alone (later starters, among the not yet treated, would share a trend
  of the starters' own and hide it): the mean of those changes, weighted by their precision
  (1/s.e.²), against a bound on its standard error that holds whatever their correlation (the
  same weighted mean of the standard errors); flagged when it lies more than 1.96 bounds from
  zero. The bound makes the check
  conservative (it flags less often than 5 % when the trends were parallel). The library's Wald
  pre-test rejected far above its level on simulated panels without any pre-trend, so it is not
  used.
* **Verdict** in words, never causal: an association consistent with the coordinator, none that can
  be seen, the trends differed before, or too little data (fewer than ``MIN_TREATED`` municipalities
  that started with years before and after, or fewer than ``MIN_COMPARISON`` that never did).
* **Nothing shown reveals a cell**: only aggregates over at least ``MIN_SHOWN`` treated
  municipalities are stored (an event-study year with fewer is stored as "too few"), and no
  municipality's own figure, residual or effect is stored at all.

``estimate(panel)`` is the pure computation (the simulation test calls it); ``recompute_effects()``
builds the panels from the stored figures and coordinator posts and stores one
:class:`~fridsam.statistics.models.EffectEstimate` per indicator and scope, skipping those whose
input has not changed. It runs as a system task (``manage.py recompute_effects``).
"""

from __future__ import annotations

import contextlib
import hashlib
import io
import json
import math
import warnings
from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import asdict, dataclass, field

import pandas as pd
from differences import ATTgt
from django.db import transaction
from django.db.models import Count
from django.utils import timezone

from fridsam.coordination.models import CombinedDuties, PostAssignment
from fridsam.core.tenancy import unscoped
from fridsam.organisations.models import Municipality
from fridsam.statistics.models import EffectEstimate, EffectVerdict, Indicator, Unit
from fridsam.statistics.selectors import Cell, function_period, load_figures, years_with_data
from fridsam.statistics.trend import counted_end_year, is_transition_year
from fridsam.statistics.years import partial_years

NATIONAL = "SE"  # the scope of the estimate over every municipality
# The intervals are clustered by municipality, and with fewer than about ten clusters on a side
# such intervals do not keep their level: below these numbers the estimate says "too little data".
MIN_TREATED = 10  # municipalities that started, with years before and after
MIN_COMPARISON = 10  # municipalities that never had a coordinator in the years with figures
MIN_SHOWN = 5  # treated municipalities behind an event-study year for it to be shown
MIN_GROUP = 10  # treated municipalities in a group of the organisation for its own estimate
ALPHA = 0.05
BOOT_ITERATIONS = 999
PRE_TREND_Z = 1.96
PRE_TREND_WINDOW = 5  # years before the start the check reads (farther ones rest on few municipalities)
ANTICIPATION = 1  # the year before the first full year is left out (see the module's docstring)

# How the function is organised (the evaluation's distinctions), decided at the coordinator's start.
DIMENSIONS = {
    "time": ("full_time", "part_time"),
    "shared": ("own", "shared"),
    "duties": ("strategic", "case_handling"),
}


@dataclass
class Panel:
    """The input of one estimate: the outcome per municipality and year, and each municipality's
    first treated year (None: no coordinator in these years). ``organisation`` gives a treated
    municipality's level in each dimension of :data:`DIMENSIONS`."""

    outcome: dict[tuple[int, int], float]
    cohort: dict[int, int | None]
    organisation: dict[int, dict[str, str]] = field(default_factory=dict)
    started_before: int = 0  # municipalities with a coordinator before their first year with figures
    left: int = 0  # municipalities whose coordinator left within the years
    # Municipalities with figures that are practice data (the demo county, the national benchmark:
    # Municipality.is_demo), so that the page can say the figures are generated (ADR 0042).
    practice: int = 0

    def digest(self) -> str:
        payload = [
            sorted((f"{m}:{y}", round(v, 9)) for (m, y), v in self.outcome.items()),
            sorted((str(m), c) for m, c in self.cohort.items()),
            sorted((str(m), sorted(o.items())) for m, o in self.organisation.items()),
            self.started_before,
            self.left,
        ]
        if self.practice:
            # Only where there is practice data, so that a real installation's digests (none) stay
            # those it has stored and its estimates are not all recomputed for nothing.
            payload.append(["practice", self.practice])
        return hashlib.sha256(json.dumps(payload).encode()).hexdigest()


@dataclass
class Interval:
    estimate: float
    lower: float
    upper: float
    se: float | None = None

    @property
    def percent(self) -> tuple[float, float, float]:
        return tuple(100.0 * math.expm1(x) for x in (self.estimate, self.lower, self.upper))

    @property
    def covers_zero(self) -> bool:
        return self.lower <= 0.0 <= self.upper


@dataclass
class EventYear:
    years_since: int
    municipalities: int
    interval: Interval | None  # None: fewer than MIN_SHOWN municipalities, not shown


@dataclass
class GroupEstimate:
    dimension: str
    level: str
    municipalities: int
    interval: Interval | None  # None: too few in the group


@dataclass
class Estimate:
    verdict: str
    years: list[int]
    municipalities: int
    treated: int
    never_treated: int
    later: int  # treated after the last year with figures: a comparison throughout
    started_before: int = 0
    left: int = 0
    practice: int = 0  # municipalities with figures that are practice data (generated, not real)
    overall: Interval | None = None
    never_treated_only: Interval | None = None
    event: list[EventYear] = field(default_factory=list)
    pre_trend_mean: float | None = None  # the precision-weighted mean change before the start
    pre_trend_bound: float | None = None  # a bound on its standard error
    pre_trend_flagged: bool = False
    groups: list[GroupEstimate] = field(default_factory=list)

    def as_json(self) -> dict:
        return asdict(self)

    @classmethod
    def from_json(cls, data: Mapping) -> Estimate:
        def interval(d):
            return Interval(**d) if d else None

        data = dict(data)
        data["overall"] = interval(data.get("overall"))
        data["never_treated_only"] = interval(data.get("never_treated_only"))
        data["event"] = [
            EventYear(e["years_since"], e["municipalities"], interval(e["interval"])) for e in data["event"]
        ]
        data["groups"] = [
            GroupEstimate(g["dimension"], g["level"], g["municipalities"], interval(g["interval"]))
            for g in data["groups"]
        ]
        return cls(**data)


def _frame(panel: Panel, keep: Iterable[int] | None = None) -> pd.DataFrame:
    keep = set(panel.cohort) if keep is None else set(keep)
    rows = [(m, y, v, panel.cohort.get(m)) for (m, y), v in panel.outcome.items() if m in keep]
    frame = pd.DataFrame(rows, columns=["municipality", "year", "y", "cohort"])
    frame["cohort"] = frame["cohort"].astype("float64")
    return frame.set_index(["municipality", "year"]).sort_index()


@contextlib.contextmanager
def _quietly():
    """The library reports progress and warns as it goes: none of it is for the page."""
    with (
        warnings.catch_warnings(),
        contextlib.redirect_stderr(io.StringIO()),
        contextlib.redirect_stdout(io.StringIO()),
    ):
        warnings.simplefilter("ignore")
        yield


def _fit(frame: pd.DataFrame, control: str, *, boot: int, seed: int, event: bool, pre_years: int | None = None):
    """The library's group-time effects and their aggregations, quietly; and the fitted model.

    ``pre_years``: how many years before the start to estimate (None: all; 0: none, for an
    estimate that needs only the years from the start). Each group-time effect is a regression of
    its own, so leaving out those nobody reads is most of the time saved."""
    with _quietly():
        att = ATTgt(data=frame, cohort_column="cohort", anticipation=ANTICIPATION)
        if pre_years is not None:
            att.filter_gt(base_period="varying", relative_period_start=-pre_years)
        att.fit(
            formula="y",
            control_group=control,
            est_method="reg",
            as_repeated_cross_section=False,
            # Only the aggregations below are read, and each draws its own bootstrap from the
            # group-time influence functions: one of every group-time effect would be thrown away.
            boot_iterations=0,
            random_state=seed,
            alpha=ALPHA,
            progress_bar=False,
        )
        simple = att.aggregate("simple", boot_iterations=boot, random_state=seed, alpha=ALPHA)
        events = att.aggregate("event", boot_iterations=boot, random_state=seed, alpha=ALPHA) if event else None
    return simple, events, att


def _interval(row) -> Interval:
    values = {column[-1]: row[column] for column in row.index}
    se = values.get("std_error")
    return Interval(float(values["ATT"]), float(values["lower"]), float(values["upper"]), float(se) if se else None)


def _treated_usable(panel: Panel, years: list[int]) -> dict[int, int]:
    """Treated municipalities with a base year (before the left-out year) and a year from the start."""
    observed: dict[int, set[int]] = defaultdict(set)
    for m, y in panel.outcome:
        observed[m].add(y)
    usable = {}
    for m, g in panel.cohort.items():
        if g is None or g > years[-1]:
            continue
        base = g - 1 - ANTICIPATION
        if base in observed[m] and any(y >= g for y in observed[m]):
            usable[m] = g
    return usable


def estimate(
    panel: Panel, *, seed: int = 0, boot: int = BOOT_ITERATIONS, groups: bool = True, never_treated: bool = True
) -> Estimate:
    """The estimate for one panel (pure: no database). ``groups``, ``never_treated``: the
    heterogeneity by organisation and the check against the never-treated alone (the simulation
    leaves them out where it measures only the main estimate)."""
    years = sorted({y for _m, y in panel.outcome})
    municipalities = sorted({m for m, _y in panel.outcome})
    cohort = {m: panel.cohort.get(m) for m in municipalities}
    last = years[-1] if years else None
    never = [m for m, g in cohort.items() if g is None]
    later = [m for m, g in cohort.items() if g is not None and last is not None and g > last]
    usable = _treated_usable(panel, years) if years else {}
    result = Estimate(
        verdict=EffectVerdict.TOO_LITTLE,
        years=years,
        municipalities=len(municipalities),
        treated=len(usable),
        never_treated=len(never),
        later=len(later),
        started_before=panel.started_before,
        left=panel.left,
        practice=panel.practice,
    )
    if len(usable) < MIN_TREATED or len(never) + len(later) < MIN_COMPARISON:
        return result
    # Later starters are not yet treated in every year with figures; the library reads them so.
    # Treated municipalities without a base year cannot be compared: they are left out.
    keep = [m for m in municipalities if cohort[m] is None or m in usable or m in later]
    trimmed = Panel(
        {k: v for k, v in panel.outcome.items() if k[0] in set(keep)},
        {m: (None if m in later else cohort[m]) for m in keep},
        panel.organisation,
    )
    frame = _frame(trimmed)
    simple, events, main = _fit(frame, "not_yet_treated", boot=boot, seed=seed, event=True)
    result.overall = _interval(simple.iloc[0])
    never_events = None
    if never_treated:
        never_simple, never_events, _att = _fit(
            frame, "never_treated", boot=0, seed=seed, event=True, pre_years=PRE_TREND_WINDOW
        )
        result.never_treated_only = _interval(never_simple.iloc[0])

    observed: dict[int, set[int]] = defaultdict(set)
    for m, y in trimmed.outcome:
        observed[m].add(y)
    for e, row in events.iterrows():
        e = int(e)
        n = sum(1 for m, g in usable.items() if g + e in observed[m] and g - 1 - ANTICIPATION in observed[m])
        result.event.append(EventYear(e, n, _interval(row) if n >= MIN_SHOWN else None))
    # The pre-trend check compares with the never-treated: later starters, among the not yet
    # treated, would share a trend of the starters' own and hide it.
    shown = {e.years_since for e in result.event if e.interval is not None}
    before = [
        _interval(row)
        for e, row in (never_events if never_events is not None else events).iterrows()
        if int(e) < 0 and int(e) in shown
    ]
    before = [i for i in before if i.se and math.isfinite(i.se)]
    if before:
        weights = [1.0 / (i.se * i.se) for i in before]
        total = sum(weights)
        result.pre_trend_mean = sum(w * i.estimate for w, i in zip(weights, before, strict=True)) / total
        result.pre_trend_bound = sum(w * i.se for w, i in zip(weights, before, strict=True)) / total
        result.pre_trend_flagged = abs(result.pre_trend_mean) > PRE_TREND_Z * result.pre_trend_bound

    if groups:
        for dimension, levels in DIMENSIONS.items():
            for level in levels:
                members = [m for m in usable if panel.organisation.get(m, {}).get(dimension) == level]
                interval = None
                if len(members) == len(usable) >= MIN_GROUP:
                    # Every treated municipality is in the group: its sample is the main estimate's,
                    # and so are its group-time effects; only the interval is the analytic one, as
                    # for the other groups (the same figures as fitting it again, without the fit).
                    with _quietly():
                        group_simple = main.aggregate("simple", boot_iterations=0, alpha=ALPHA)
                    interval = _interval(group_simple.iloc[0])
                elif len(members) >= MIN_GROUP:
                    subset = [m for m in keep if m not in usable or m in members]
                    group_simple, _e, _att = _fit(
                        _frame(trimmed, subset), "not_yet_treated", boot=0, seed=seed, event=False, pre_years=0
                    )
                    interval = _interval(group_simple.iloc[0])
                result.groups.append(GroupEstimate(dimension, level, len(members), interval))

    if result.pre_trend_flagged:
        result.verdict = EffectVerdict.PRE_TREND
    elif result.overall.covers_zero:
        result.verdict = EffectVerdict.NONE_SEEN
    else:
        result.verdict = EffectVerdict.ASSOCIATION
    return result


# -- From the stored figures ------------------------------------------------------------------


def outcome(indicator: Indicator, cell: Cell) -> float | None:
    """The logarithm of the comparable value, half a case added to a count (see the docstring)."""
    if not cell.has_figure:
        return None
    if indicator.unit == Unit.PERCENT:
        if cell.count is not None and cell.denominator:
            return math.log((cell.count + 0.5) / (cell.denominator + 1))
        return math.log(cell.given) if cell.given and cell.given > 0 else None
    if indicator.unit == Unit.COUNT and not indicator.counts_people:
        value = cell.count if cell.count is not None else cell.given
        return math.log(value + 0.5) if value is not None else None
    if cell.population:
        if cell.count is not None:
            return math.log(10_000 * (cell.count + 0.5) / cell.population)
        return math.log(cell.given + 5_000 / cell.population)
    if indicator.unit == Unit.COUNT and cell.count is not None:
        return math.log(cell.count + 0.5)
    return None


def first_full_year(start) -> int:
    return start.year + 1 if is_transition_year(start) else start.year


def _organisation(municipality_ids: list[int]) -> dict[int, tuple]:
    """Each municipality's first post (start, end, share, shared, duties), oldest first."""
    assignments = (
        PostAssignment.objects.filter(municipality_id__in=municipality_ids)
        .select_related("post")
        .order_by("post__start_date")
    )
    assignments = list(assignments)
    served = dict(
        PostAssignment.objects.filter(post_id__in={a.post_id for a in assignments})
        .order_by()
        .values("post_id")
        .annotate(n=Count("id"))
        .values_list("post_id", "n")
    )
    first: dict[int, dict[str, str]] = {}
    for a in assignments:
        if a.municipality_id in first:
            continue
        first[a.municipality_id] = {
            "time": "full_time" if a.share_percent >= 100 else "part_time",
            "shared": "shared" if served.get(a.post_id, 1) > 1 else "own",
            "duties": "case_handling" if a.post.combined_duties == CombinedDuties.CASE_HANDLING else "strategic",
        }
    return first


def panels_for(municipalities, indicators: list[Indicator] | None = None) -> dict[str, Panel]:
    """One panel per indicator from the stored figures (exact: nothing of them is shown) and posts."""
    municipalities = list(municipalities)
    ids = [m.pk for m in municipalities]
    from_figures = years_with_data(ids)
    years = [y for y in from_figures if y not in partial_years(from_figures)]
    keys = [i.key for i in indicators] if indicators else None
    figures = load_figures(municipalities, years, suppress=False, indicator_keys=keys)
    indicators = indicators or figures.indicators
    cohort: dict[int, int | None] = {}
    last_year: dict[int, int | None] = {}
    started_before = left = 0
    for m in ids:
        start, end = function_period(figures.periods.get(m, []))
        if start is None or not years:
            cohort[m], last_year[m] = None, None
            continue
        cohort[m] = first_full_year(start)
        last_year[m] = counted_end_year(end) if end else None
        if cohort[m] - 1 - ANTICIPATION < years[0]:
            started_before += 1
        if end is not None and last_year[m] < years[-1]:
            left += 1
    organisation = _organisation(ids)
    practice_ids = {m.pk for m in municipalities if m.is_demo}
    panels = {}
    for indicator in indicators:
        values = {}
        for m in ids:
            for y in years:
                if last_year.get(m) is not None and y > last_year[m]:
                    continue  # the coordinator left: no longer treated, nor a comparison
                v = outcome(indicator, figures.cell(indicator, m, y))
                if v is not None:
                    values[(m, y)] = v
        panels[indicator.key] = Panel(
            values,
            {m: cohort[m] for m in ids},
            {m: organisation[m] for m in ids if cohort[m] is not None and m in organisation},
            started_before,
            left,
            practice=len({m for m, _y in values} & practice_ids),
        )
    return panels


def scopes() -> list[tuple[str, list]]:
    """(scope, municipalities): every county with municipalities, and the whole country."""
    everyone = list(Municipality.objects.select_related("county").order_by("code"))
    by_county: dict[str, list] = defaultdict(list)
    for m in everyone:
        by_county[m.county.code].append(m)
    return [*sorted(by_county.items()), (NATIONAL, everyone)]


def recompute_effects(
    *, scope: str | None = None, indicator_keys: Iterable[str] | None = None, force: bool = False, seed: int = 0
) -> int:
    """Recompute and store the effect estimates; returns how many were (re)written.

    ``scope``: a county code or :data:`NATIONAL` (default: every county and the whole country);
    ``indicator_keys``: some indicators (default: every active one). An estimate whose input (the
    panel's digest) has not changed is left as it is unless ``force``. A system task: it reads every
    municipality's stored figures, and writes only aggregates."""
    written = 0
    with unscoped():
        indicators = list(Indicator.objects.filter(is_active=True))
        if indicator_keys is not None:
            wanted = set(indicator_keys)
            indicators = [i for i in indicators if i.key in wanted]
        for name, municipalities in scopes():
            if scope is not None and name != scope:
                continue
            panels = panels_for(municipalities, indicators)
            stored = {e.indicator_id: e for e in EffectEstimate.objects.filter(scope=name)}
            for indicator in indicators:
                panel = panels[indicator.key]
                digest = panel.digest()
                existing = stored.get(indicator.pk)
                if existing is not None and existing.input_digest == digest and not force:
                    continue
                result = (
                    estimate(panel, seed=seed) if panel.outcome else Estimate(EffectVerdict.TOO_LITTLE, [], 0, 0, 0, 0)
                )
                with transaction.atomic():
                    EffectEstimate.objects.update_or_create(
                        indicator=indicator,
                        scope=name,
                        defaults={
                            "verdict": result.verdict,
                            "result": result.as_json(),
                            "input_digest": digest,
                            "computed_at": timezone.now(),
                        },
                    )
                written += 1
    return written
