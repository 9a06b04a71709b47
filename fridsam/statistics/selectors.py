"""Reads of the statistics: every page, export, chart and report takes its figures from here.

:class:`Figures` loads a set of municipalities' values, populations and coordinator periods in a
constant number of queries, derives rates and shares, adds the totals (county, municipalities
with and without a coordinator) and runs the suppression once over the whole county, so every
output shows the same hidden cells. A municipality's own staff (``exact_ids``) see their own exact
figures; everything else goes through :mod:`fridsam.statistics.suppression`.
"""

from __future__ import annotations

import datetime
import hashlib
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal

from django.core.cache import cache
from django.db.models import Prefetch

from fridsam.coordination.models import Absence, PostAssignment
from fridsam.core.roles import MUNICIPAL_ROLES
from fridsam.organisations.models import MunicipalityPopulation
from fridsam.statistics import suppression
from fridsam.statistics.models import Indicator, IndicatorDefinition, IndicatorValue, Observation, Unit
from fridsam.statistics.trend import Reading, before_after, counted_end_year
from fridsam.statistics.years import partial_years

COUNTY, WITH, WITHOUT = "county", "with", "without"
GROUPS = (COUNTY, WITH, WITHOUT)


def exact_municipality_ids(tenancy) -> frozenset[int]:
    """The municipalities whose exact figures the user sees: those they work in."""
    return frozenset(m.municipality_id for m in tenancy.memberships if m.role in MUNICIPAL_ROLES)


def indicators() -> list[Indicator]:
    return list(
        Indicator.objects.filter(is_active=True).prefetch_related(
            Prefetch("definitions", queryset=IndicatorDefinition.objects.order_by("valid_from"))
        )
    )


def break_years(indicator: Indicator) -> list[int]:
    """Years from which a new definition applies (the first definition is no break)."""
    return [d.valid_from for d in list(indicator.definitions.all())[1:]]


def definition_for(indicator: Indicator, year: int) -> IndicatorDefinition | None:
    found = None
    for definition in indicator.definitions.all():
        if definition.valid_from <= year:
            found = definition
    return found


@dataclass(frozen=True)
class CoordinatorPeriod:
    start: datetime.date
    end: datetime.date | None
    share_percent: int
    absences: tuple[tuple[datetime.date, datetime.date, str], ...] = ()

    def covers_midyear(self, year: int) -> bool:
        """Counted as "with a coordinator" in a year when the post was held on 1 July."""
        day = datetime.date(year, 7, 1)
        return self.start <= day and (self.end is None or self.end >= day)


def coordinator_periods(municipality_ids: Iterable[int]) -> dict[int, list[CoordinatorPeriod]]:
    """Every coordinator post per municipality with its absences, oldest first (two queries)."""
    ids = sorted(set(municipality_ids))
    assignments = (
        PostAssignment.system_objects.filter(municipality_id__in=ids)
        .select_related("post")
        .order_by("post__start_date")
    )
    absences: dict[int, list] = defaultdict(list)
    for absence in Absence.system_objects.filter(post__assignments__municipality_id__in=ids).distinct():
        absences[absence.post_id].append((absence.start_date, absence.end_date, absence.kind))
    periods: dict[int, list[CoordinatorPeriod]] = defaultdict(list)
    for a in assignments:
        periods[a.municipality_id].append(
            CoordinatorPeriod(
                a.post.start_date, a.post.end_date, a.share_percent, tuple(sorted(absences.get(a.post_id, [])))
            )
        )
    return periods


def function_period(periods: list[CoordinatorPeriod]) -> tuple[datetime.date | None, datetime.date | None]:
    """The first coordinator function's start day and, if it ended, its end day.

    Consecutive posts (one coordinator following another within a year) count as one function."""
    if not periods:
        return None, None
    start = periods[0].start
    end = periods[0].end
    for period in periods[1:]:
        if end is None:
            break
        if period.start <= end + datetime.timedelta(days=366):
            end = period.end if period.end is None or (end and period.end > end) else end
        else:
            break
    return start, end


def reading_start(periods: list[CoordinatorPeriod]) -> tuple[datetime.date | None, int | None]:
    """The day the coordinator function the reading compares around started (a start after 1 July
    makes its year a transition year, ADR 0027), and the last year counted as "with" it if it ended."""
    start, end = function_period(periods)
    return start, (counted_end_year(end) if end else None)


@dataclass
class Cell:
    """One figure: a municipality's or a group's, for an indicator and year."""

    count: int | None = None
    denominator: int | None = None
    given: float | None = None  # a rate or share that arrived as such (Kolada)
    population: int | None = None  # the base of a rate (inhabitants or adults)
    count_implied: int | None = None  # the count a given rate stands for, for suppression and totals
    derived: bool = False  # a sum computed from its parts
    hidden: bool = False
    exact: bool = False  # shown unsuppressed because the viewer works in the municipality
    source: str = ""

    @property
    def has_figure(self) -> bool:
        return self.count is not None or self.given is not None


def _measure(indicator: Indicator, cell: Cell, *, comparable: bool = False) -> float | None:
    """The number shown: a count, a rate per 10 000 or a share. ``comparable`` turns counts of
    people into rates per 10 000 inhabitants, so municipalities of different sizes compare."""
    if cell.hidden or not cell.has_figure:
        return None
    unit = indicator.unit
    if unit == Unit.PERCENT:
        if cell.count is not None and cell.denominator:
            return 100.0 * cell.count / cell.denominator
        return cell.given
    if unit == Unit.COUNT and not (comparable and indicator.counts_people):
        return float(cell.count) if cell.count is not None else cell.given
    if cell.given is not None and cell.count is None:
        return cell.given
    if cell.count is None or not cell.population:
        return None
    return 10_000.0 * cell.count / cell.population


def measure(indicator: Indicator, cell: Cell) -> float | None:
    return _measure(indicator, cell)


def comparable(indicator: Indicator, cell: Cell) -> float | None:
    return _measure(indicator, cell, comparable=True)


def comparable_unit(indicator: Indicator) -> str:
    if indicator.unit == Unit.COUNT and indicator.counts_people:
        return Unit.PER_10K_INHABITANTS
    return indicator.unit


@dataclass
class Figures:
    municipalities: list  # Municipality instances, sorted by name
    years: list[int]
    indicators: list[Indicator]
    exact_ids: frozenset[int] = frozenset()
    cells: dict[tuple[str, object, int], Cell] = field(default_factory=dict)
    periods: dict[int, list[CoordinatorPeriod]] = field(default_factory=dict)
    with_coordinator: dict[tuple[int, int], bool] = field(default_factory=dict)
    # The years that are not over (fridsam.statistics.years), decided once for every output.
    partial: frozenset[int] | None = None

    def __post_init__(self):
        if self.partial is None:
            self.partial = partial_years(self.years)

    def is_partial(self, year: int) -> bool:
        return year in self.partial

    def cell(self, indicator: Indicator | str, municipality_or_group, year: int) -> Cell:
        key = getattr(indicator, "key", indicator)
        who = getattr(municipality_or_group, "pk", municipality_or_group)
        return self.cells.get((key, who, year)) or Cell()

    def series(self, indicator: Indicator, municipality) -> dict[int, Cell]:
        return {year: self.cell(indicator, municipality, year) for year in self.years}

    def reading(self, indicator: Indicator, municipality) -> Reading:
        """The before/after reading on what the viewer may see, in the unit the chart shows; a year
        that is not over is left out of it."""
        start, end = reading_start(self.periods.get(municipality.pk, []))
        values = {year: measure(indicator, cell) for year, cell in self.series(indicator, municipality).items()}
        return before_after(values, start, end_year=end, break_years=break_years(indicator), partial_years=self.partial)


def load_figures(
    municipalities,
    years: Iterable[int],
    *,
    exact_ids: Iterable[int] = (),
    limit=None,
    suppress: bool = True,
    indicator_keys: Iterable[str] | None = None,
) -> Figures:
    """Figures for *municipalities* (all of one county, for consistent suppression) and *years*.

    ``suppress=False`` only for computations that show no cell (the effect estimate,
    :mod:`fridsam.statistics.effects`): every figure comes back as stored, and the totals (which
    only the pages show) are not added. Such a computation may ask for some indicators only
    (``indicator_keys``; the parts of a sum among them come too); the suppression needs them all."""
    municipalities = sorted(municipalities, key=lambda m: m.name)
    years = sorted(set(years))
    ids = [m.pk for m in municipalities]
    all_indicators = indicators()
    if indicator_keys is not None:
        if suppress:
            raise ValueError("the suppression reads every indicator: indicator_keys only with suppress=False")
        wanted = set(indicator_keys)
        wanted |= {part for i in all_indicators if i.key in wanted for part in i.sum_of}
        all_indicators = [i for i in all_indicators if i.key in wanted]
    by_key = {i.key: i for i in all_indicators}
    figures = Figures(municipalities, years, all_indicators, frozenset(exact_ids) & frozenset(ids))
    if not ids or not years:
        return figures

    populations = {
        (mid, year): (total, adults)
        for mid, year, total, adults in MunicipalityPopulation.objects.filter(
            municipality_id__in=ids, year__in=years
        ).values_list("municipality_id", "year", "total", "adults")
    }
    cells = figures.cells
    rows = IndicatorValue.objects.filter(municipality_id__in=ids, year__in=years, indicator__is_active=True)
    if indicator_keys is not None:
        rows = rows.filter(indicator__key__in=sorted(by_key))
    rows = rows.values_list("indicator__key", "municipality_id", "year", "count", "denominator", "value", "source")
    for key, mid, year, count, denominator, value, source in rows:
        cells[(key, mid, year)] = Cell(
            count=count,
            denominator=denominator,
            given=float(value) if isinstance(value, Decimal | float | int) else None,
            source=source,
        )
    # Sums of parts (all actualised cases) where the sum itself was not entered.
    for indicator in all_indicators:
        if not indicator.sum_of:
            continue
        for mid in ids:
            for year in years:
                parts = [cells.get((p, mid, year)) for p in indicator.sum_of]
                if (indicator.key, mid, year) not in cells and parts and all(p and p.count is not None for p in parts):
                    cells[(indicator.key, mid, year)] = Cell(count=sum(p.count for p in parts), derived=True)
    # Populations and the counts implied by a given rate (for suppression and totals).
    for (key, mid, year), cell in cells.items():
        indicator = by_key.get(key)
        if indicator is None:
            continue
        total, adults = populations.get((mid, year), (None, None))
        cell.population = adults if indicator.unit == Unit.PER_10K_ADULTS else total
        if cell.count is None and cell.given is not None and indicator.is_rate and cell.population:
            cell.count_implied = round(cell.given * cell.population / 10_000)

    figures.periods = coordinator_periods(ids)
    for mid in ids:
        for year in years:
            figures.with_coordinator[(mid, year)] = any(p.covers_midyear(year) for p in figures.periods.get(mid, []))
    if suppress:
        _add_totals(figures, by_key)
        _suppress(figures, by_key, limit)
    return figures


def _people_count(cell: Cell) -> int | None:
    return cell.count if cell.count is not None else cell.count_implied


def _add_totals(figures: Figures, by_key: dict[str, Indicator]) -> None:
    cells = figures.cells
    ids = [m.pk for m in figures.municipalities]
    for indicator in figures.indicators:
        for year in figures.years:
            members = {
                COUNTY: ids,
                WITH: [m for m in ids if figures.with_coordinator[(m, year)]],
                WITHOUT: [m for m in ids if not figures.with_coordinator[(m, year)]],
            }
            for group, mids in members.items():
                present = [cells[(indicator.key, m, year)] for m in mids if (indicator.key, m, year) in cells]
                if not present:
                    continue
                total = Cell(derived=True)
                if indicator.unit == Unit.PERCENT:
                    pairs = [(c.count, c.denominator) for c in present if c.count is not None and c.denominator]
                    if pairs:
                        total.count = sum(n for n, _d in pairs)
                        total.denominator = sum(d for _n, d in pairs)
                elif indicator.unit == Unit.COUNT and not indicator.counts_people:
                    counts = [c.count for c in present if c.count is not None]
                    if counts:
                        total.given = sum(counts) / len(counts)  # the mean, for agreements and the like
                else:
                    counted = [(c, _people_count(c)) for c in present if _people_count(c) is not None]
                    if counted:
                        total.count = sum(n for _c, n in counted)
                        populations = [c.population for c, _n in counted if c.population]
                        if len(populations) == len(counted):
                            total.population = sum(populations)
                cells[(indicator.key, group, year)] = total


def _suppress(figures: Figures, by_key: dict[str, Indicator], limit) -> None:
    """Hide small counts (and what would reveal them) the same way for every viewer."""
    cells = figures.cells
    limit = suppression.threshold() if limit is None else limit
    counts: dict = {}
    constraints: list[suppression.Constraint] = []
    together: list[tuple] = []
    ids = [m.pk for m in figures.municipalities]
    for indicator in figures.indicators:
        if not indicator.counts_people:
            continue
        for year in figures.years:
            if indicator.unit == Unit.PERCENT:
                _share_cells(figures, indicator, year, counts, constraints, together)
                continue
            for who in [*ids, *GROUPS]:
                cell = cells.get((indicator.key, who, year))
                if cell is not None and _people_count(cell) is not None:
                    counts[(indicator.key, who, year)] = _people_count(cell)
            for group in GROUPS:
                total_key = (indicator.key, group, year)
                if total_key not in counts:
                    continue
                members = [
                    (indicator.key, m, year)
                    for m in ids
                    if (indicator.key, m, year) in counts
                    and (group == COUNTY or figures.with_coordinator[(m, year)] == (group == WITH))
                ]
                constraints.append(suppression.Constraint(total_key, tuple(members)))
            groups = [(indicator.key, g, year) for g in (WITH, WITHOUT)]
            if (indicator.key, COUNTY, year) in counts and all(g in counts for g in groups):
                # Implied by the others, but published: the rules must see it.
                constraints.append(suppression.Constraint((indicator.key, COUNTY, year), tuple(groups)))
            if indicator.sum_of:
                for who in [*ids, *GROUPS]:
                    total_key = (indicator.key, who, year)
                    parts = tuple((p, who, year) for p in indicator.sum_of)
                    if total_key in counts and all(p in counts for p in parts):
                        constraints.append(suppression.Constraint(total_key, parts))
    for key in _suppress_by_year(counts, constraints, limit, together):
        cells[key[:3]].hidden = True  # a share's number or rest hides the share
    # The viewer's own municipalities are shown exactly.
    for key, cell in cells.items():
        if key[1] in figures.exact_ids and cell.hidden:
            cell.hidden = False
            cell.exact = True


def _share_cells(figures: Figures, indicator: Indicator, year: int, counts, constraints, together) -> None:
    """A share as two counts: its number and what it leaves out, for every municipality and group
    with both. A share hides when either is small. The groups' shares are published, and their
    denominators often are too (risk assessments out of all actualised cases, which are published
    as vinr_all), so a group's share beside its members' exact shares gives away the one hidden
    member: the numbers and the rests are summed over the groups like counts, and a share's two
    cells hide together."""
    cells = figures.cells
    ids = [m.pk for m in figures.municipalities]
    present = set()
    for who in [*ids, *GROUPS]:
        cell = cells.get((indicator.key, who, year))
        if cell is not None and cell.count is not None and cell.denominator:
            number, rest = (indicator.key, who, year, "n"), (indicator.key, who, year, "r")
            counts[number], counts[rest] = cell.count, cell.denominator - cell.count
            together.append((number, rest))
            present.add(who)
    members = {
        COUNTY: [m for m in ids if m in present],
        WITH: [m for m in ids if m in present and figures.with_coordinator[(m, year)]],
        WITHOUT: [m for m in ids if m in present and not figures.with_coordinator[(m, year)]],
    }
    for part in ("n", "r"):
        for group, mids in members.items():
            if group in present and mids:
                total = (indicator.key, group, year, part)
                constraints.append(suppression.Constraint(total, tuple((indicator.key, m, year, part) for m in mids)))
        if {COUNTY, WITH, WITHOUT} <= present:
            constraints.append(
                suppression.Constraint(
                    (indicator.key, COUNTY, year, part),
                    ((indicator.key, WITH, year, part), (indicator.key, WITHOUT, year, part)),
                )
            )


def _suppress_by_year(counts: dict, constraints: list, limit: int, together: list = ()) -> set:
    """Years never share a constraint, so each is suppressed on its own. The result depends only
    on the counts, the constraints, the cells hidden together and the threshold, so it is cached
    under a hash of them."""
    by_year_counts: dict[int, dict] = defaultdict(dict)
    for key, count in counts.items():
        by_year_counts[key[2]][key] = count
    by_year_constraints: dict[int, list] = defaultdict(list)
    for constraint in constraints:
        by_year_constraints[constraint.total[2]].append(constraint)
    by_year_together: dict[int, list] = defaultdict(list)
    for group in together:
        by_year_together[group[0][2]].append(tuple(group))
    hidden: set = set()
    for year, year_counts in by_year_counts.items():
        year_constraints = by_year_constraints.get(year, [])
        year_together = by_year_together.get(year, [])
        fingerprint = hashlib.sha256(
            repr(
                (
                    limit,
                    sorted(year_counts.items(), key=repr),
                    [(c.total, c.parts) for c in year_constraints],
                    year_together,
                )
            ).encode()
        ).hexdigest()
        cache_key = f"fridsam:suppression:{fingerprint}"
        cached = cache.get(cache_key)
        if cached is None:
            cached = sorted(
                suppression.suppress(year_counts, year_constraints, limit=limit, together=year_together), key=repr
            )
            cache.set(cache_key, cached, timeout=7 * 24 * 3600)
        hidden.update(tuple(k) for k in cached)
    return hidden


def years_with_data(municipality_ids: Iterable[int]) -> list[int]:
    return sorted(
        set(
            IndicatorValue.objects.filter(municipality_id__in=sorted(set(municipality_ids)))
            .order_by()
            .values_list("year", flat=True)
            .distinct()
        )
    )


def value_rows_for(municipality, years: Iterable[int]) -> dict[tuple[str, int], IndicatorValue]:
    """A municipality's stored values (for the entry form), keyed by indicator key and year."""
    return {
        (v.indicator.key, v.year): v
        for v in IndicatorValue.objects.filter(municipality=municipality, year__in=list(years)).select_related(
            "indicator"
        )
    }


def observations_for(municipality_ids: Iterable[int]):
    return Observation.objects.filter(municipality_id__in=sorted(set(municipality_ids))).select_related("municipality")
