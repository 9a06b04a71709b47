"""Writing figures that Fridsam computes (from case follow-up, collaboration agreements…) as
``IndicatorValue(source="computed")``, so every page, export and report treats them like entered
figures. A figure entered or imported by hand for the same municipality, indicator and year
stands: the computed one never overwrites it (ADR 0011)."""

from __future__ import annotations

from django.utils import timezone

from fridsam.statistics.models import FrozenYear, IndicatorValue, ValueSource


def freeze(municipality_id: int, years) -> None:
    """Keep the computed figures of these years as they are from now on (the records behind them
    are about to be culled: ADR 0031)."""
    FrozenYear.system_objects.bulk_create(
        [FrozenYear(municipality_id=municipality_id, year=y) for y in sorted(set(years)) if y],
        ignore_conflicts=True,
    )


def write_computed(
    targets: set[tuple],
    figures: dict[tuple, dict[str, tuple[int, int | None]]],
    indicator_ids: dict[str, int],
    *,
    sums: dict[str, tuple[str, ...]] | None = None,
) -> int:
    """Bring the computed values of *targets* ((municipality id, year) pairs) in line with *figures*
    (indicator key → (count, denominator) per target). A value entered by hand stands; a target
    without a figure loses its computed value; *sums* names computed totals that are dropped when
    one of their parts was entered by hand. A frozen year (:func:`freeze`) is left as it is."""
    if targets:
        frozen = set(
            FrozenYear.system_objects.filter(
                municipality_id__in={m for m, _ in targets}, year__in={y for _, y in targets}
            ).values_list("municipality_id", "year")
        )
        targets = set(targets) - frozen
    if not targets or not indicator_ids:
        return 0
    by_id = {v: k for k, v in indicator_ids.items()}
    municipality_ids = sorted({m for m, _ in targets})
    years = sorted({y for _, y in targets})
    existing = {}
    for value in IndicatorValue.system_objects.filter(
        municipality_id__in=municipality_ids, year__in=years, indicator_id__in=list(by_id)
    ).only("id", "municipality_id", "indicator_id", "year", "count", "denominator", "source"):
        if (value.municipality_id, value.year) in targets:
            existing[(value.municipality_id, by_id[value.indicator_id], value.year)] = value
    now = timezone.now()
    create, update, delete = [], [], []
    for municipality_id, year in targets:
        wanted = dict(figures.get((municipality_id, year), {}))
        by_hand = {
            key
            for key in indicator_ids
            if (v := existing.get((municipality_id, key, year))) is not None and v.source != ValueSource.COMPUTED
        }
        for key, parts in (sums or {}).items():
            if by_hand & set(parts):
                wanted.pop(key, None)  # a sum of hand-entered and computed parts would not add up
        for key, indicator_id in indicator_ids.items():
            current = existing.get((municipality_id, key, year))
            if key in by_hand:
                continue
            figure = wanted.get(key)
            if figure is None:
                if current is not None:
                    delete.append(current.pk)
            elif current is None:
                create.append(
                    IndicatorValue(
                        municipality_id=municipality_id,
                        indicator_id=indicator_id,
                        year=year,
                        count=figure[0],
                        denominator=figure[1],
                        source=ValueSource.COMPUTED,
                        updated_at=now,
                    )
                )
            elif (current.count, current.denominator) != figure:
                current.count, current.denominator, current.updated_at = figure[0], figure[1], now
                update.append(current)
    if delete:
        IndicatorValue.system_objects.filter(pk__in=delete).delete()
    if update:
        IndicatorValue.system_objects.bulk_update(update, ["count", "denominator", "updated_at"], batch_size=500)
    if create:
        IndicatorValue.system_objects.bulk_create(create, batch_size=1000)
    return len(create) + len(update) + len(delete)
