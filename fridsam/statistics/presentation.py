"""From figures to what pages, exports and reports show: sections per indicator with chart, table
and reading; the county table; the ranking. Everything takes its numbers from
:class:`fridsam.statistics.selectors.Figures`, so suppression holds on every output path, and its
years that are not over from ``Figures.partial`` (:mod:`fridsam.statistics.years`), so every
output marks the same year as partial: its label, a note, and the chart's hollow point."""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.html import format_html_join
from django.utils.safestring import SafeString
from django.utils.translation import gettext as _
from django.utils.translation import ngettext, pgettext

from fridsam.statistics import charts
from fridsam.statistics import years as year_rules
from fridsam.statistics.charts import fmt
from fridsam.statistics.models import Indicator, Unit, ValueSource
from fridsam.statistics.selectors import (
    COUNTY,
    WITH,
    WITHOUT,
    Figures,
    break_years,
    comparable,
    comparable_unit,
    definition_for,
    measure,
)
from fridsam.statistics.trend import Reading

SMALL_GROUP = 5


def unit_label(indicator: Indicator, *, comparable: bool = False) -> str:
    unit = comparable_unit(indicator) if comparable else indicator.unit
    return {
        Unit.COUNT: pgettext("quantity", "Number"),
        Unit.PER_10K_INHABITANTS: _("Per 10 000 inhabitants"),
        Unit.PER_10K_ADULTS: _("Per 10 000 adults"),
        Unit.PERCENT: _("Per cent"),
    }[unit]


def _detail(indicator: Indicator, cell, *, partial: bool = False) -> str:
    """The count behind a rate or share, when the viewer may see it ("so far" in a year not over)."""
    if cell.hidden or not cell.has_figure:
        return ""
    if indicator.unit == Unit.PERCENT and cell.count is not None:
        if partial:
            return _("%(n)s of %(d)s so far") % {"n": fmt(cell.count), "d": fmt(cell.denominator)}
        return _("%(n)s of %(d)s") % {"n": fmt(cell.count), "d": fmt(cell.denominator)}
    if indicator.is_rate and cell.count is not None:
        if partial:
            return ngettext("%(n)s case so far", "%(n)s cases so far", cell.count) % {"n": fmt(cell.count)}
        return ngettext("%(n)s case", "%(n)s cases", cell.count) % {"n": fmt(cell.count)}
    return ""


@dataclass
class SeriesRow:
    year: int
    shown: str
    detail: str
    hidden: bool
    definition_note: str = ""
    partial: bool = False  # the year is not over

    @property
    def label(self) -> str:
        return year_rules.label(self.year, partial=self.partial)


@dataclass
class Section:
    indicator: Indicator
    chart: SafeString
    rows: list[SeriesRow]
    reading: Reading
    unit: str
    has_data: bool
    partial_note: str = ""  # said when a year shown is not over
    from_kolada: bool = False  # a figure shown came from Kolada: "Källa: Kolada" (never on computed ones)


def indicator_sections(figures: Figures, municipality, *, markers: bool = True) -> list[Section]:
    periods = figures.periods.get(municipality.pk, [])
    sections = []
    for indicator in figures.indicators:
        series = figures.series(indicator, municipality)
        years_with = [y for y, c in series.items() if c.has_figure]
        breaks = break_years(indicator)
        notes = {d.valid_from: d.change_note for d in indicator.definitions.all() if d.change_note}
        rows = [
            SeriesRow(
                year,
                fmt(measure(indicator, cell)) if cell.has_figure else "–",
                _detail(indicator, cell, partial=figures.is_partial(year)),
                cell.hidden,
                notes.get(year, ""),
                figures.is_partial(year),
            )
            for year, cell in series.items()
        ]
        if years_with:
            first, last = min(years_with), max(years_with)
            points = [(y, measure(indicator, series[y])) for y in range(first, last + 1)]
            chart = charts.time_series(
                points,
                title=f"{indicator.name}, {municipality.name}",
                unit_label=unit_label(indicator),
                markers=charts.markers_for(periods, first_year=first, last_year=last, break_years=breaks)
                if markers
                else (),
                chart_id=f"c-{municipality.code}-{indicator.key}",
                partial_years=figures.partial,
            )
            rows = [r for r in rows if first <= r.year <= last]
        else:
            chart = SafeString("")
            rows = []
        sections.append(
            Section(
                indicator,
                chart,
                rows,
                figures.reading(indicator, municipality),
                unit_label(indicator),
                bool(years_with),
                " ".join(year_rules.note(r.year) for r in rows if r.partial),
                any(c.source == ValueSource.KOLADA and c.has_figure for c in series.values()),
            )
        )
    return sections


def municipality_rows(figures: Figures, municipality):
    header = [
        _("Indicator"),
        _("Unit"),
        _("Year"),
        _("Value"),
        pgettext("quantity", "Number"),
        _("Out of"),
        _("Definition"),
        _("Period"),
    ]
    rows = []
    for indicator in figures.indicators:
        for year, cell in figures.series(indicator, municipality).items():
            if not cell.has_figure:
                continue
            value = measure(indicator, cell)
            definition = definition_for(indicator, year)
            rows.append(
                [
                    indicator.name,
                    unit_label(indicator),
                    year,
                    ".." if cell.hidden else (round(value, 1) if value is not None else ""),
                    "" if cell.hidden or cell.count is None else cell.count,
                    "" if cell.hidden or cell.denominator is None else cell.denominator,
                    definition.text if definition else "",
                    _("so far this year (partial year)") if figures.is_partial(year) else _("the whole year"),
                ]
            )
    return header, rows


@dataclass
class CountyRow:
    name: str
    code: str
    with_coordinator: bool | None
    values: list[str]
    raw: list[float | None]

    @property
    def cells(self) -> SafeString:
        """The value cells as HTML: 290 rows × 15 indicators render much faster built here than
        through a template loop."""
        return format_html_join("", '<td class="fs-num">{}</td>', ((v,) for v in self.values))


@dataclass
class CountyTable:
    year: int
    indicators: list[Indicator]
    units: list[str]
    rows: list[CountyRow]
    county: CountyRow
    groups: list[CountyRow]
    caution: str
    breaks: list[str]
    partial: bool = False  # the year is not over

    @property
    def year_label(self) -> str:
        return year_rules.label(self.year, partial=self.partial)

    @property
    def partial_note(self) -> str:
        return year_rules.note(self.year) if self.partial else ""

    @property
    def columns(self) -> list[tuple[Indicator, str]]:
        return list(zip(self.indicators, self.units, strict=True))

    @property
    def header(self) -> list[str]:
        return [
            _("Municipality"),
            _("Coordinator"),
            *[f"{i.name} ({u})" for i, u in zip(self.indicators, self.units, strict=True)],
        ]

    @property
    def export_rows(self) -> list[list]:
        def out(row: CountyRow):
            flag = "" if row.with_coordinator is None else (_("yes") if row.with_coordinator else _("no"))
            return [row.name, flag, *[".." if v is None else round(v, 1) for v in row.raw]]

        return [out(r) for r in [*self.rows, self.county, *self.groups]]


def county_table(figures: Figures, year: int) -> CountyTable:
    indicators = figures.indicators

    def row_for(name, code, who, flag):
        raw, shown = [], []
        for indicator in indicators:
            cell = figures.cell(indicator, who, year)
            value = comparable(indicator, cell) if cell.has_figure else None
            raw.append(value)
            shown.append(".." if cell.hidden else ("–" if value is None else fmt(value)))
        return CountyRow(name, code, flag, shown, raw)

    rows = [
        row_for(m.name, m.code, m.pk, figures.with_coordinator.get((m.pk, year), False)) for m in figures.municipalities
    ]
    sizes = {
        WITH: sum(1 for m in figures.municipalities if figures.with_coordinator.get((m.pk, year))),
        WITHOUT: sum(1 for m in figures.municipalities if not figures.with_coordinator.get((m.pk, year))),
    }
    county = row_for(_("The county"), "", COUNTY, None)
    groups = [
        row_for(_("With a coordinator (%(n)s)") % {"n": sizes[WITH]}, "", WITH, None),
        row_for(_("Without a coordinator (%(n)s)") % {"n": sizes[WITHOUT]}, "", WITHOUT, None),
    ]
    caution = ""
    if min(sizes.values()) < SMALL_GROUP:
        caution = _(
            "Caution: one of the groups has fewer than %(n)s municipalities. With groups this small, one "
            "municipality's figures can decide the difference; do not read it as an effect of having a coordinator."
        ) % {"n": SMALL_GROUP}
    else:
        caution = _(
            "Municipalities with and without a coordinator differ in more than the coordinator (size, "
            "organisation, how cases are registered); a difference between the groups is not proof of an effect."
        )
    breaks = [
        _("%(name)s: new definition from %(year)s.") % {"name": i.name, "year": b}
        for i in indicators
        for b in break_years(i)
        if b in figures.years
    ]
    return CountyTable(
        year,
        indicators,
        [unit_label(i, comparable=True) for i in indicators],
        rows,
        county,
        groups,
        caution,
        breaks,
        figures.is_partial(year),
    )


@dataclass
class Ranking:
    indicator: Indicator
    year: int
    rows: list[tuple[int | None, str, str, bool]]  # place, municipality, value shown, with coordinator
    average: float | None
    chart: SafeString
    header: list[str]
    export_rows: list[list]
    partial: bool = False  # the year is not over

    @property
    def year_label(self) -> str:
        return year_rules.label(self.year, partial=self.partial)

    @property
    def partial_note(self) -> str:
        return year_rules.note(self.year) if self.partial else ""


def ranking(figures: Figures, indicator: Indicator, year: int) -> Ranking:
    values = []
    for m in figures.municipalities:
        cell = figures.cell(indicator, m.pk, year)
        values.append((m, None if cell.hidden or not cell.has_figure else comparable(indicator, cell), cell))
    shown = sorted([v for v in values if v[1] is not None], key=lambda v: (-v[1], v[0].name))
    rest = sorted([v for v in values if v[1] is None], key=lambda v: v[0].name)
    county_cell = figures.cell(indicator, COUNTY, year)
    average = comparable(indicator, county_cell) if county_cell.has_figure else None
    rows = []
    for place, (m, value, _cell) in enumerate(shown, start=1):
        rows.append((place, m.name, fmt(value), figures.with_coordinator.get((m.pk, year), False)))
    for m, _value, cell in rest:
        rows.append((None, m.name, ".." if cell.hidden else "–", figures.with_coordinator.get((m.pk, year), False)))
    partial = figures.is_partial(year)
    chart = charts.ranking_bars(
        [(m.name, value) for m, value, _c in [*shown, *rest]],
        title=f"{indicator.name} {year_rules.label(year, partial=partial)}",
        unit_label=unit_label(indicator, comparable=True),
        average=average,
        chart_id=f"rank-{indicator.key}",
        partial_year=year if partial else None,
    )
    header = [
        _("Place"),
        _("Municipality"),
        f"{indicator.name} ({unit_label(indicator, comparable=True)})",
        _("Coordinator"),
    ]
    export_rows = [[p or "", n, v, _("yes") if c else _("no")] for p, n, v, c in rows]
    return Ranking(indicator, year, rows, average, chart, header, export_rows, partial)
