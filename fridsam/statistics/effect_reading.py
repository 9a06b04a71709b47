"""The stored effect estimate (fridsam.statistics.effects) in words, for the page and the county report.

The tone is the evaluation's: an association is "consistent with" the coordinator, never caused by
them; the interval is always given; the groups compared are named with their sizes (numbers of
municipalities, never of people); a group too small for its own estimate is said to be so.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from fridsam.statistics.charts import event_study_chart, fmt
from fridsam.statistics.effects import MIN_COMPARISON, MIN_GROUP, MIN_TREATED, NATIONAL, Estimate
from fridsam.statistics.models import EffectEstimate, EffectVerdict, Indicator

LEVELS = {
    "full_time": gettext_lazy("full-time posts"),
    "part_time": gettext_lazy("part-time posts"),
    "own": gettext_lazy("a post of the municipality's own"),
    "shared": gettext_lazy("a post shared with other municipalities"),
    "strategic": gettext_lazy("purely strategic work"),
    "case_handling": gettext_lazy("combined with case handling"),
}


@dataclass
class EffectRow:
    label: str
    municipalities: int
    estimate: str
    interval: str


@dataclass
class EffectReading:
    verdict: str
    verdict_label: str
    text: str
    effect: str | None
    interval: str | None
    never_treated_only: str | None
    sizes: str
    pre_trend: str
    event: list[EffectRow]
    groups: list[EffectRow]
    groups_note: str
    chart: str
    computed_at: object
    practice: str | None = None  # said first when any municipality's figures are generated practice data


def _pct(value: float) -> str:
    return f"{'+' if value > 0 else ''}{fmt(value, 1)} %"


def _interval_text(interval) -> str:
    _e, lower, upper = interval.percent
    return _("%(lower)s to %(upper)s") % {"lower": _pct(lower), "upper": _pct(upper)}


def practice_note(result: Estimate) -> str | None:
    """Whether the estimate rests on practice data (the demo county, the national benchmark): its
    figures are generated, and it must never be read as a finding about real municipalities."""
    if not result.practice:
        return None
    if result.practice >= result.municipalities:
        return ngettext(
            "The %(n)s municipality in this estimate is practice data: its figures are generated (the demo "
            "county, the national benchmark data), not a real municipality's. The estimate shows how the method "
            "reads such figures, not what coordinators achieve.",
            "All %(n)s municipalities in this estimate are practice data: their figures are generated (the demo "
            "county, the national benchmark data), not real municipalities'. The estimate shows how the method "
            "reads such figures, not what coordinators achieve.",
            result.practice,
        ) % {"n": result.practice}
    return ngettext(
        "%(n)s of the %(all)s municipalities in this estimate is practice data: its figures are generated (the "
        "demo county, the national benchmark data), not a real municipality's, and they weigh in the estimate.",
        "%(n)s of the %(all)s municipalities in this estimate are practice data: their figures are generated (the "
        "demo county, the national benchmark data), not real municipalities', and they weigh in the estimate.",
        result.practice,
    ) % {"n": result.practice, "all": result.municipalities}


def read(stored: EffectEstimate) -> EffectReading:
    result = Estimate.from_json(stored.result)
    sizes = _(
        "Municipalities with figures for %(first)s–%(last)s: %(all)s. Of them, got a coordinator with years "
        "before and after to compare: %(treated)s; had none in these years: %(never)s; got one only later: "
        "%(later)s."
    ) % {
        "all": result.municipalities,
        "first": result.years[0] if result.years else "–",
        "last": result.years[-1] if result.years else "–",
        "treated": result.treated,
        "never": result.never_treated,
        "later": result.later,
    }
    if result.started_before:
        sizes += " " + ngettext(
            "%(n)s municipality had a coordinator before its first year with figures and cannot be compared.",
            "%(n)s municipalities had a coordinator before their first year with figures and cannot be compared.",
            result.started_before,
        ) % {"n": result.started_before}
    if result.left:
        sizes += " " + ngettext(
            "In %(n)s municipality the coordinator left; its years after that are left out.",
            "In %(n)s municipalities the coordinator left; their years after that are left out.",
            result.left,
        ) % {"n": result.left}
    effect = interval = never_only = None
    if result.overall is not None:
        estimate_pct = result.overall.percent[0]
        effect = _pct(estimate_pct)
        interval = _interval_text(result.overall)
    if result.never_treated_only is not None:
        never_only = _("%(effect)s (95 %% interval %(interval)s)") % {
            "effect": _pct(result.never_treated_only.percent[0]),
            "interval": _interval_text(result.never_treated_only),
        }
    if result.verdict == EffectVerdict.TOO_LITTLE:
        text = _(
            "Too little data for an estimate: it needs at least %(treated)s municipalities that got a coordinator, "
            "with years before and after, and at least %(comparison)s that had none in these years: with fewer, an "
            "interval clustered by municipality cannot be trusted. A county's handful of municipalities can rarely "
            "say more than each municipality's own before/after reading."
        ) % {"treated": MIN_TREATED, "comparison": MIN_COMPARISON}
    elif result.verdict == EffectVerdict.PRE_TREND:
        text = _(
            "No reading: before the start, the municipalities that got a coordinator were already moving apart "
            "from those that had not (see the years before the start below), so the comparison after the start "
            "cannot be read as the coordinator's. The estimate is %(effect)s (95 %% interval %(interval)s)."
        ) % {"effect": effect, "interval": interval}
    elif result.verdict == EffectVerdict.ASSOCIATION:
        text = _(
            "An association consistent with the coordinator: from the start, the municipalities with a "
            "coordinator lie %(effect)s from where those without one would put them (95 %% interval "
            "%(interval)s). This is an association, not proof that the coordinator caused it: more cases found "
            "may mean better detection, and other changes at the same time cannot be ruled out."
        ) % {"effect": effect, "interval": interval}
    else:
        text = _(
            "No association that can be seen: the estimate is %(effect)s, and the 95 %% interval (%(interval)s) "
            "includes no change. This does not show that the coordinator makes no difference, only that these "
            "figures cannot tell it apart from none."
        ) % {"effect": effect, "interval": interval}

    shown_before = [e for e in result.event if e.years_since < 0 and e.interval is not None]
    if result.verdict == EffectVerdict.TOO_LITTLE:
        pre_trend = _("No check of the years before: too little data.")
    elif not shown_before:
        pre_trend = _("No check of the years before: too few municipalities have figures that far back.")
    elif result.pre_trend_mean is None:
        pre_trend = _("No check of the years before: no municipality that never had a coordinator to compare with.")
    elif result.pre_trend_flagged:
        pre_trend = _(
            "The check of the years before the start fails: before the start, the municipalities that got a "
            "coordinator already changed by %(mean)s a year against those that never had one (the bound of the "
            "check is ±%(bound)s)."
        ) % {"mean": _pct(100 * result.pre_trend_mean), "bound": fmt(100 * 1.96 * result.pre_trend_bound, 1) + " %"}
    else:
        pre_trend = _(
            "The check of the years before the start holds: before the start, the municipalities that got a "
            "coordinator changed by %(mean)s a year against those that never had one, within the bound of the "
            "check (±%(bound)s), so the two groups moved alike."
        ) % {"mean": _pct(100 * result.pre_trend_mean), "bound": fmt(100 * 1.96 * result.pre_trend_bound, 1) + " %"}

    event = []
    points = []
    for e in result.event:
        if e.interval is None:
            event.append(EffectRow(str(e.years_since), e.municipalities, _("too few"), ""))
            continue
        pct = e.interval.percent
        points.append((e.years_since, *pct))
        event.append(EffectRow(str(e.years_since), e.municipalities, _pct(pct[0]), _interval_text(e.interval)))
    groups = [
        EffectRow(
            str(LEVELS.get(g.level, g.level)),
            g.municipalities,
            _pct(g.interval.percent[0]) if g.interval else _("too few"),
            _interval_text(g.interval) if g.interval else "",
        )
        for g in result.groups
    ]
    groups_note = (
        _(
            "How the function is organised is compared when a group has at least %(n)s municipalities that got a "
            "coordinator; a group with fewer is named with its size and not estimated."
        )
        % {"n": MIN_GROUP}
        if groups
        else _("How the function is organised is not compared: there is too little data.")
    )
    return EffectReading(
        verdict=result.verdict,
        verdict_label=EffectVerdict(result.verdict).label,
        text=text,
        effect=effect,
        interval=interval,
        never_treated_only=never_only,
        sizes=sizes,
        pre_trend=pre_trend,
        event=event,
        groups=groups,
        groups_note=groups_note,
        chart=event_study_chart(points, title=_("Event study: the difference per year since the start, per cent"))
        if points
        else "",
        computed_at=stored.computed_at,
        practice=practice_note(result),
    )


@dataclass
class SummaryRow:
    indicator: object
    verdict: str | None  # None: not computed yet
    verdict_label: str
    effect: str
    interval: str


def summary_rows(scope: str) -> tuple[list[SummaryRow], str | None]:
    """Every active indicator's stored estimate for *scope* in a line (the national analyst's start
    page), and the note on practice data of the estimate resting on the most of it."""
    stored = {e.indicator_id: e for e in EffectEstimate.objects.filter(scope=scope)}
    rows, most = [], None
    for indicator in Indicator.objects.filter(is_active=True):
        estimate = stored.get(indicator.pk)
        if estimate is None:
            rows.append(SummaryRow(indicator, None, _("Not computed yet"), "", ""))
            continue
        result = Estimate.from_json(estimate.result)
        if result.practice and (most is None or result.practice > most.practice):
            most = result
        rows.append(
            SummaryRow(
                indicator,
                result.verdict,
                EffectVerdict(result.verdict).label,
                _pct(result.overall.percent[0]) if result.overall else "",
                _interval_text(result.overall) if result.overall else "",
            )
        )
    return rows, practice_note(most) if most is not None else None


def stored_for(scope: str, indicator) -> EffectEstimate | None:
    return EffectEstimate.objects.filter(scope=scope, indicator=indicator).select_related("indicator").first()


def is_national(scope: str) -> bool:
    return scope == NATIONAL
