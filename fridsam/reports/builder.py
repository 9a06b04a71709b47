"""The yearly reports, built from data: the county report and a municipality's report, structured
like the evaluation (summary; each municipality's set-up; the six quality areas with indicators,
health-check results and observations; the four success factors; statistics; method and data
sources). The analyst adds a foreword and conclusions; everything else is generated.

Reports leave the municipality, so their figures are always suppressed, with the same hidden
cells as every county view (the pattern is computed over the whole county). A year that is not
over (:mod:`fridsam.statistics.years`) is marked as in every view: in the title, in a note at the
top and beside its figures, in the charts and in the method; the before/after reading leaves it out.
"""

from __future__ import annotations

import datetime
from collections import Counter
from dataclasses import dataclass, field

from django.utils import timezone
from django.utils.safestring import SafeString
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from fridsam.core.quality import QUALITY_AREAS, SUCCESS_FACTORS, Area
from fridsam.core.tenancy import unscoped
from fridsam.healthcheck.rules import RULES, Rule, Status
from fridsam.healthcheck.selectors import Check, checks_for, county_picture
from fridsam.organisations.models import Municipality, MunicipalityPopulation
from fridsam.reports.models import ReportText
from fridsam.statistics import charts, effect_reading, suppression
from fridsam.statistics import years as year_rules
from fridsam.statistics.charts import fmt
from fridsam.statistics.models import EffectEstimate, Observation, ValueSource
from fridsam.statistics.presentation import CountyTable, Section, county_table, indicator_sections, unit_label
from fridsam.statistics.selectors import COUNTY, WITH, WITHOUT, Figures, break_years, comparable, load_figures

REPORT_YEARS = 10


@dataclass
class RuleSummary:
    rule: Rule
    counts: dict[str, int]
    concerns: list[str]  # municipalities at risk or needing attention


@dataclass
class AreaBlock:
    key: str
    label: str
    indicators: list = field(default_factory=list)
    rows: list[tuple[str, list[str]]] = field(default_factory=list)  # municipality, values
    county_row: list[str] = field(default_factory=list)
    rules: list[RuleSummary] = field(default_factory=list)
    observations: list[Observation] = field(default_factory=list)
    sections: list[Section] = field(default_factory=list)  # municipality report: one per indicator


@dataclass
class SetupRow:
    name: str
    population: str
    coordinator: str
    since: str
    placement: str
    combined: str
    team: str
    risks: int
    attention: int


@dataclass
class StatBlock:
    indicator: object
    unit: str
    chart: SafeString
    rows: list[tuple[str, str, str, str]]  # year (as labelled: a year not over says so), county, with, without
    partial_note: str = ""


@dataclass
class Report:
    title: str
    year: int
    as_of: datetime.date
    county: object
    municipality: Municipality | None
    text: ReportText | None
    summary: list[str]
    setup: list[SetupRow]
    areas: list[AreaBlock]
    factors: list[AreaBlock]
    statistics: list[StatBlock]
    method: list[str]
    sources: list[str]
    table: CountyTable | None = None
    generated_at: datetime.datetime = field(default_factory=timezone.now)
    partial: bool = False  # the report's year is not over
    # County report: the stored effect estimates (ADR 0028), as (indicator, reading), where computed.
    effects: list = field(default_factory=list)

    @property
    def year_label(self) -> str:
        return year_rules.label(self.year, partial=self.partial)

    @property
    def partial_note(self) -> str:
        return year_rules.note(self.year, on=self.as_of) if self.partial else ""


def _as_of(year: int) -> datetime.date:
    return min(timezone.localdate(), datetime.date(year, 12, 31))


def _years(year: int) -> list[int]:
    return list(range(year - REPORT_YEARS + 1, year + 1))


def _setup_rows(checks: list[Check], populations: dict[int, int]) -> list[SetupRow]:
    rows = []
    for check in sorted(checks, key=lambda c: c.municipality.name):
        facts = check.facts
        if facts.posts:
            coordinator = " + ".join(f"{p.share_percent} %" for p in facts.posts)
            shared = [p for p in facts.posts if p.municipalities_served > 1]
            if shared:
                n = shared[0].municipalities_served
                coordinator += " " + ngettext(
                    "(shared by %(n)s municipality)", "(shared by %(n)s municipalities)", n
                ) % {"n": n}
            since = ", ".join(str(p.post.start_date.year) for p in facts.posts)
            placement = ", ".join(p.post.get_placement_level_display() for p in facts.posts)
            combined = ", ".join(
                p.post.get_combined_duties_display()
                + (f" ({p.post.combined_duties_percent} %)" if p.post.combined_duties_percent else "")
                for p in facts.posts
            )
        else:
            coordinator, since, placement, combined = _("None"), "–", "–", "–"
        team = facts.team.team.name if facts.team else _("No team")
        rows.append(
            SetupRow(
                check.municipality.name,
                fmt(populations.get(check.municipality.pk)),
                coordinator,
                since,
                placement,
                combined,
                team,
                check.count(Status.RISK),
                check.count(Status.ATTENTION),
            )
        )
    return rows


def _rule_summaries(checks: list[Check], area: str) -> list[RuleSummary]:
    summaries = []
    for rule in RULES:
        if rule.area != area:
            continue
        verdicts = [(c.municipality.name, c.verdict(rule.id)) for c in checks]
        applicable = [(n, v) for n, v in verdicts if v.status != Status.NOT_APPLICABLE]
        if not applicable:
            continue
        counts = Counter(v.status for _n, v in applicable)
        concerns = sorted(n for n, v in applicable if v.status in (Status.RISK, Status.ATTENTION))
        summaries.append(RuleSummary(rule, dict(counts), concerns))
    return summaries


def _stat_blocks(figures: Figures, year: int) -> list[StatBlock]:
    blocks = []
    for indicator in figures.indicators:
        rows, points = [], []
        for y in figures.years:
            cells = [figures.cell(indicator, g, y) for g in (COUNTY, WITH, WITHOUT)]
            shown = [".." if c.hidden else (fmt(comparable(indicator, c)) if c.has_figure else "–") for c in cells]
            if any(c.has_figure for c in cells):
                rows.append((y, *shown))
            county_cell = cells[0]
            points.append(
                (y, None if county_cell.hidden or not county_cell.has_figure else comparable(indicator, county_cell))
            )
        if not rows:
            continue
        first = rows[0][0]
        points = [p for p in points if p[0] >= first]
        partial = [y for y, *_shown in rows if figures.is_partial(y)]
        chart = charts.time_series(
            points,
            title=_("%(name)s, the county") % {"name": indicator.name},
            unit_label=unit_label(indicator, comparable=True),
            chart_id=f"county-{indicator.key}",
            markers=charts.markers_for(
                [],
                first_year=first,
                last_year=year,
                break_years=break_years(indicator),
            ),
            height=220,
            partial_years=figures.partial,
        )
        labelled = [(year_rules.label(y, partial=figures.is_partial(y)), *shown) for y, *shown in rows]
        note = " ".join(year_rules.note(y) for y in partial)
        blocks.append(StatBlock(indicator, unit_label(indicator, comparable=True), chart, labelled, note))
    return blocks


def _method(figures: Figures, municipality_ids) -> tuple[list[str], list[str]]:
    limit = suppression.threshold()
    method = [
        _(
            "Figures are entered by the municipalities or imported from files and Kolada. Rates are per 10 000 "
            "inhabitants (or adults) of the same year; counts are compared as rates so that municipalities of "
            "different sizes compare."
        ),
        _(
            "Numbers from 1 to %(k)s are hidden (“..”) in every table, chart and export that leaves the "
            "municipality, together with other cells where a total would reveal them."
        )
        % {"k": limit},
        _(
            "The before/after reading compares the years from a coordinator's start with the trend of the years "
            "before (a straight line through at least two years); a change that the earlier trend already "
            "explains is not read as an effect of the coordinator."
        ),
        _(
            "A municipality counts as having a coordinator in a year when a post was held on 1 July. The groups "
            "with and without a coordinator differ in more than that; their difference is not proof of an effect."
        ),
        _(
            "The health check applies the evaluation's findings as rules to the registered set-up; each rule names "
            "the passage it rests on (see the list of rules)."
        ),
    ]
    partial = sorted(y for y in figures.partial if any(k[2] == y and k[1] in municipality_ids for k in figures.cells))
    if partial:
        method.append(
            ngettext(
                "%(years)s is not over: its figures are the cases registered so far, marked “so far, partial "
                "year” and drawn as a hollow point on a dashed line. They are not scaled up to a whole year, and "
                "the before/after reading leaves the year out until it has ended.",
                "%(years)s are not over: their figures are the cases registered so far, marked “so far, partial "
                "year” and drawn as hollow points on a dashed line. They are not scaled up to whole years, and "
                "the before/after reading leaves those years out until they have ended.",
                len(partial),
            )
            % {"years": ", ".join(str(y) for y in partial)}
        )
    by_source = Counter(c.source for k, c in figures.cells.items() if k[1] in municipality_ids and c.source)
    labels = dict(ValueSource.choices)
    sources = [
        ngettext("%(n)s figure %(how)s", "%(n)s figures %(how)s", n) % {"n": n, "how": str(labels.get(s, s)).lower()}
        for s, n in sorted(by_source.items())
    ]
    breaks = [
        _("%(name)s: new definition from %(year)s (%(note)s).")
        % {"name": i.name, "year": d.valid_from, "note": d.change_note}
        for i in figures.indicators
        for d in list(i.definitions.all())[1:]
        if d.valid_from in figures.years
    ]
    return method + breaks, sources


def _populations(ids, year) -> dict[int, int]:
    rows = MunicipalityPopulation.objects.filter(municipality_id__in=ids, year__lte=year).order_by(
        "municipality_id", "year"
    )
    result = {}
    for mid, total in rows.values_list("municipality_id", "total"):
        result[mid] = total  # the latest year up to the report's year wins
    return result


def county_report(county, year: int) -> Report:
    municipalities = list(Municipality.objects.filter(county=county).order_by("name"))
    ids = [m.pk for m in municipalities]
    as_of = _as_of(year)
    figures = load_figures(municipalities, _years(year), exact_ids=frozenset())
    checks = checks_for(municipalities, as_of=as_of)
    observations = list(
        Observation.objects.filter(municipality_id__in=ids, observed_on__year=year).select_related("municipality")
    )
    table = county_table(figures, year)
    n = len(municipalities)
    summary = county_picture(checks)
    partial = figures.is_partial(year)
    with_data = sum(
        1 for m in municipalities if any(figures.cell(i, m.pk, year).has_figure for i in figures.indicators)
    )
    if partial:
        summary.append(
            ngettext(
                "%(c)s of %(n)s municipality has figures for %(year)s so far.",
                "%(c)s of %(n)s municipalities have figures for %(year)s so far.",
                n,
            )
            % {"c": with_data, "n": n, "year": year}
        )
    else:
        summary.append(
            ngettext(
                "%(c)s of %(n)s municipality reported figures for %(year)s.",
                "%(c)s of %(n)s municipalities reported figures for %(year)s.",
                n,
            )
            % {"c": with_data, "n": n, "year": year}
        )
    summary.append(table.caution)

    def block(area):
        area_indicators = [i for i in figures.indicators if i.area == area]
        index = [table.indicators.index(i) for i in area_indicators]
        rows = [(r.name, [r.values[j] for j in index]) for r in table.rows] if area_indicators else []
        return AreaBlock(
            area,
            str(Area(area).label),
            area_indicators,
            rows,
            [table.county.values[j] for j in index],
            _rule_summaries(checks, area),
            [o for o in observations if o.area == area],
        )

    method, sources = _method(figures, set(ids))
    return Report(
        title=_("Coordinators against violence in %(county)s %(year)s")
        % {"county": county.name, "year": year_rules.label(year, partial=partial)},
        year=year,
        as_of=as_of,
        county=county,
        municipality=None,
        text=ReportText.objects.filter(county=county, year=year).first(),
        summary=summary,
        setup=_setup_rows(checks, _populations(ids, year)),
        areas=[block(a) for a in QUALITY_AREAS],
        factors=[block(a) for a in SUCCESS_FACTORS],
        statistics=_stat_blocks(figures, year),
        method=method,
        sources=sources,
        table=table,
        partial=partial,
        effects=_effects(county, figures.indicators),
    )


def _effects(county, indicators) -> list:
    """The county's stored effect estimates, in the order of the indicators (read, never computed)."""
    stored = {e.indicator_id: e for e in EffectEstimate.objects.filter(scope=county.code)}
    return [(i, effect_reading.read(stored[i.pk])) for i in indicators if i.pk in stored]


def municipality_report(municipality: Municipality, year: int) -> Report:
    """One municipality's report. The hidden cells come from the whole county's figures (read
    unscoped for that purpose only); only this municipality's figures are put in the report."""
    as_of = _as_of(year)
    with unscoped():
        county_municipalities = list(Municipality.objects.filter(county_id=municipality.county_id))
        figures = load_figures(county_municipalities, _years(year), exact_ids=frozenset())
    # Only this municipality's figures go further: the others were read for the pattern alone.
    figures.municipalities = [municipality]
    figures.cells = {key: cell for key, cell in figures.cells.items() if key[1] == municipality.pk}
    check = checks_for([municipality], as_of=as_of)[0]
    observations = list(Observation.objects.filter(municipality=municipality, observed_on__year=year))
    sections = indicator_sections(figures, municipality)
    facts = check.facts
    partial = figures.is_partial(year)
    summary = []
    if facts.posts:
        summary.append(
            ngettext(
                "%(name)s has a coordinator (%(share)s %% of a full-time post).",
                "%(name)s has %(n)s coordinator posts (%(share)s %% of a full-time post in all).",
                len(facts.posts),
            )
            % {"name": municipality.name, "n": len(facts.posts), "share": facts.coordinator_share_percent}
        )
    elif facts.team:
        summary.append(_("%(name)s has no coordinator but works with a violence team.") % {"name": municipality.name})
    else:
        summary.append(_("%(name)s has neither a coordinator nor a violence team.") % {"name": municipality.name})
    totals = Counter(v.status for _r, v in check.results)
    summary.append(
        _("Health check – good: %(good)s, needs attention: %(attention)s, risk: %(risk)s, unknown: %(unknown)s.")
        % {
            "good": totals[Status.GOOD],
            "attention": totals[Status.ATTENTION],
            "risk": totals[Status.RISK],
            "unknown": totals[Status.UNKNOWN],
        }
    )
    broken = [s.indicator.name for s in sections if s.reading.verdict in ("breaks_up", "breaks_down")]
    if broken:
        summary.append(
            _("After the coordinator started, these series broke their earlier trend: %(names)s.")
            % {"names": ", ".join(broken)}
        )

    def block(area):
        return AreaBlock(
            area,
            str(Area(area).label),
            rules=_rule_summaries([check], area),
            observations=[o for o in observations if o.area == area],
            sections=[s for s in sections if s.indicator.area == area and s.has_data],
        )

    method, sources = _method(figures, {municipality.pk})
    return Report(
        title=_("Work against violence in %(name)s %(year)s")
        % {"name": municipality.name, "year": year_rules.label(year, partial=partial)},
        year=year,
        as_of=as_of,
        county=municipality.county,
        municipality=municipality,
        text=ReportText.objects.filter(municipality=municipality, year=year).first(),
        summary=summary,
        setup=_setup_rows([check], _populations([municipality.pk], year)),
        areas=[block(a) for a in QUALITY_AREAS],
        factors=[block(a) for a in SUCCESS_FACTORS],
        statistics=[],
        method=method,
        sources=sources,
        partial=partial,
    )
