"""The statistics computed from follow-up records (indicators with ``obtained = computed``).

Three grouped queries count a municipality's records by year: records opened (by category, with
screening and risk assessment), interventions started (protected housing, its nights,
referrals to perpetrator programmes) and records closed (by outcome). The figures are written as
``IndicatorValue(source="computed")`` through the statistics models, so every statistics page,
export and report shows them with the same small-number protection as entered figures.

* :func:`refresh` recomputes one municipality's affected years; the services call it in the
  transaction that changes a record (incremental: a few indexed queries, not a rescan).
* :func:`recompute_all` rebuilds every computed figure (``manage.py recompute_followup_statistics``).

A figure entered or imported by hand for the same municipality, indicator and year stands: the
computed one never overwrites it (ADR 0011). A year without any record activity has no computed
figures (nothing is not zero).
"""

from __future__ import annotations

from collections.abc import Iterable

from django.db import transaction
from django.db.models import Count, Exists, F, OuterRef, Q, Sum

from fridsam.followup.models import (
    GOAL_MET_REASONS,
    Category,
    FollowUpRecord,
    Intervention,
    InterventionKind,
    Outcome,
)
from fridsam.statistics.computed import write_computed
from fridsam.statistics.models import Indicator, IndicatorValue, ValueSource

# indicator key → (numerator field, denominator field or None) of the tallies below.
COMPUTED = {
    "vinr_adults": ("adults", None),
    "vinr_children_exposed": ("children_exposed", None),
    "vinr_children_witnessed": ("children_witnessed", None),
    "vinr_all": ("all_victims", None),
    "screening_rate": ("adults_screened", "adults"),
    "risk_assessment_rate": ("adults_risk_assessed", "adults"),
    "protected_housing": ("protected_housing_adults", None),
    "protected_housing_nights": ("protected_housing_nights", None),
    "perpetrator_referrals": ("perpetrator_referrals", None),
    "closed_violence_ended": ("closed_ended", "closed"),
    # SKR's three yearly key figures (Kolada), per 10 000 adults: ADR 0037.
    "skr_adults_actualised": ("adults", None),
    "skr_adults_intervention": ("adults_with_intervention", None),
    "skr_adults_goal_met": ("adults_closed_goal_met", None),
}
# What the grouped queries count (all_victims is their sum).
COMPUTED_FIELDS = (
    "adults",
    "children_exposed",
    "children_witnessed",
    "adults_screened",
    "adults_risk_assessed",
    "protected_housing_adults",
    "protected_housing_nights",
    "perpetrator_referrals",
    "closed",
    "closed_ended",
    "adults_with_intervention",
    "adults_closed_goal_met",
)
SUMS = {"vinr_all": ("vinr_adults", "vinr_children_exposed", "vinr_children_witnessed")}

Tally = dict[str, int]


def _has_intervention() -> Q:
    return Q(Exists(Intervention.system_objects.filter(record_id=OuterRef("pk"))))


def _opened(filters: Q) -> Iterable[dict]:
    adult = Q(category=Category.ADULT_VICTIM)
    return (
        FollowUpRecord.system_objects.filter(filters)
        .values("municipality_id", year_=F("opened_year"))
        .annotate(
            adults=Count("id", filter=adult),
            children_exposed=Count("id", filter=Q(category=Category.CHILD_EXPOSED)),
            children_witnessed=Count("id", filter=Q(category=Category.CHILD_WITNESSED)),
            adults_screened=Count("id", filter=adult & Q(screening_on__isnull=False)),
            adults_risk_assessed=Count("id", filter=adult & Q(risk_assessed_on__isnull=False)),
            adults_with_intervention=Count("id", filter=adult & _has_intervention()),
        )
        .order_by()
    )


def _interventions(filters: Q) -> Iterable[dict]:
    housing = Q(kind=InterventionKind.PROTECTED_HOUSING)
    return (
        Intervention.system_objects.filter(
            filters, kind__in=[InterventionKind.PROTECTED_HOUSING, InterventionKind.PERPETRATOR_PROGRAMME]
        )
        .values("municipality_id", year_=F("started_year"))
        .annotate(
            protected_housing_adults=Count(
                "record_id", distinct=True, filter=housing & Q(record__category=Category.ADULT_VICTIM)
            ),
            protected_housing_nights=Sum("quantity", filter=housing, default=0),
            perpetrator_referrals=Count(
                "record_id", distinct=True, filter=Q(kind=InterventionKind.PERPETRATOR_PROGRAMME)
            ),
        )
        .order_by()
    )


def _closed(filters: Q) -> Iterable[dict]:
    return (
        FollowUpRecord.system_objects.filter(filters, closed_year__isnull=False)
        .values("municipality_id", year_=F("closed_year"))
        .annotate(
            closed=Count("id"),
            closed_ended=Count("id", filter=Q(outcome=Outcome.ENDED)),
            adults_closed_goal_met=Count(
                "id",
                filter=Q(category=Category.ADULT_VICTIM, closure_reason__in=GOAL_MET_REASONS) & _has_intervention(),
            ),
        )
        .order_by()
    )


def compute(municipality_ids: list[int] | None = None, years: Iterable[int] | None = None) -> dict[tuple, Tally]:
    """(municipality id, year) → tally, for the municipality-years with any record activity."""
    years = sorted(set(years)) if years is not None else None

    def where(year_field: str) -> Q:
        q = Q()
        if municipality_ids is not None:
            q &= Q(municipality_id__in=municipality_ids)
        if years is not None:
            q &= Q(**{f"{year_field}__in": years})
        return q

    tallies: dict[tuple, Tally] = {}
    for rows in (_opened(where("opened_year")), _interventions(where("started_year")), _closed(where("closed_year"))):
        for row in rows:
            key = (row.pop("municipality_id"), row.pop("year_"))
            tallies.setdefault(key, {}).update({k: int(v or 0) for k, v in row.items()})
    for tally in tallies.values():
        for name in COMPUTED_FIELDS:
            tally.setdefault(name, 0)
        tally["all_victims"] = tally["adults"] + tally["children_exposed"] + tally["children_witnessed"]
    return tallies


def figures_of(tally: Tally) -> dict[str, tuple[int, int | None]]:
    """indicator key → (count, denominator) of one municipality-year. A share over nobody is left out."""
    result = {}
    for key, (numerator, denominator) in COMPUTED.items():
        if denominator is None:
            result[key] = (tally[numerator], None)
        elif tally[denominator]:
            result[key] = (tally[numerator], tally[denominator])
    return result


def _indicators() -> dict[str, int]:
    return dict(Indicator.objects.filter(key__in=list(COMPUTED), is_active=True).values_list("key", "id"))


def _write(targets: set[tuple], tallies: dict[tuple, Tally], indicator_ids: dict[str, int]) -> int:
    """Bring the computed values of *targets* ((municipality id, year) pairs) in line with *tallies*."""
    return write_computed(targets, {t: figures_of(tally) for t, tally in tallies.items()}, indicator_ids, sums=SUMS)


def refresh(municipality_id: int, years: Iterable[int]) -> int:
    """Recompute one municipality's computed figures for *years* (the years a change touched)."""
    years = {y for y in years if y}
    if not years:
        return 0
    tallies = compute([municipality_id], years)
    return _write({(municipality_id, y) for y in years}, tallies, _indicators())


def recompute_all() -> int:
    """Rebuild every computed figure from the records."""
    indicator_ids = _indicators()
    with transaction.atomic():
        tallies = compute()
        targets = set(tallies)
        targets |= set(
            IndicatorValue.system_objects.filter(
                source=ValueSource.COMPUTED, indicator_id__in=list(indicator_ids.values())
            ).values_list("municipality_id", "year")
        )
        return _write(targets, tallies, indicator_ids)


def years_touched(record: FollowUpRecord) -> set[int]:
    """The statistics years a record contributes to (opened, closed, its interventions)."""
    years = {record.opened_on.year}
    if record.closed_on:
        years.add(record.closed_on.year)
    years.update(i.started_on.year for i in record.interventions.all())
    return years
