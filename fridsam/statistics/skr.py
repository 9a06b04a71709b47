"""SKR's three yearly key figures on violence in close relationships, as Fridsam computes them from
case follow-up, beside the figures imported from Kolada, and the file SKR's yearly collection and
Kolada use (ADR 0037).

A key figure's value is a rate per 10 000 adult inhabitants (18 and over), one value per
municipality, year and gender; Fridsam reports the total, gender ``T``. A cell without a value
says why, by Kolada's conventions, in every export:

* ``..`` (secrecy): hidden by the small-number protection for this reader (ADR 0010);
* *Bortfall* (missing): the municipality reports the key figure, but there is no figure for the
  year (no follow-up records, or no adult population to divide by);
* *Ej tillämpligt* (not applicable): the municipality does not report this key figure (it may
  report one, two or all three).

The Kolada ids are those an administrator linked to the imported Kolada indicators; none is
guessed. A computed key figure whose counterpart has no id is exported without one, and the page
says so. "Källa: Kolada" is written beside figures imported from Kolada, never beside Fridsam's own.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from django.db import transaction
from django.utils import timezone

from fridsam.core.audit import log_access
from fridsam.core.models import AccessAction
from fridsam.statistics import years as year_rules
from fridsam.statistics.charts import fmt
from fridsam.statistics.models import Indicator, KeyFigureReporting, ValueSource
from fridsam.statistics.selectors import Cell, Figures, measure

KEY_FIGURES = ("skr_adults_actualised", "skr_adults_intervention", "skr_adults_goal_met")
GENDER_TOTAL = "T"
SECRET = ".."  # noqa: S105 - Kolada's mark for a secret cell, not a password
MISSING = "Bortfall"
NOT_APPLICABLE = "Ej tillämpligt"
ATTRIBUTION = "Källa: Kolada"
COLLECTION_HEADER = ["kpi", "kommun_id", "kommun", "period", "kon", "antal", "varde", "status"]


@dataclass
class KeyFigureCell:
    shown: str  # the value as the page shows it, or the status
    value: float | None  # per 10 000 adults, one decimal; None when there is no value to give
    count: int | None
    status: str  # "" when there is a value, else SECRET, MISSING or NOT_APPLICABLE


@dataclass
class KeyFigureRow:
    indicator: Indicator
    counterpart: Indicator | None
    year: int
    computed: KeyFigureCell
    national: KeyFigureCell | None  # the counterpart's figure (imported or entered), None: no counterpart
    national_from_kolada: bool
    reported: bool
    year_label: str = ""  # "2026 (hittills, delår)" while the year lasts (ADR 0025)

    @property
    def kolada_id(self) -> str:
        return self.counterpart.kolada_kpi if self.counterpart else ""


def reported_keys(municipality_ids) -> dict[int, set[str]]:
    """The key figures each municipality reports: all three unless it said otherwise."""
    result = {mid: set(KEY_FIGURES) for mid in municipality_ids}
    for row in KeyFigureReporting.objects.filter(municipality_id__in=list(municipality_ids)):
        result[row.municipality_id] = set(row.indicator_keys) & set(KEY_FIGURES)
    return result


def reporting_save(*, municipality, indicator_keys, user) -> KeyFigureReporting:
    """Say which key figures *municipality* reports (the coordinators and managers; ADR 0017)."""
    keys = [k for k in KEY_FIGURES if k in set(indicator_keys)]
    with transaction.atomic():
        row, _created = KeyFigureReporting.objects.update_or_create(
            municipality=municipality,
            defaults={"indicator_keys": keys, "updated_by": user, "updated_at": timezone.now()},
        )
        log_access(
            action=AccessAction.CHANGE,
            object_type="statistics.keyfigurereporting",
            object_id=municipality.code,
            municipality=municipality,
            user=user,
            detail=",".join(keys) or "-",
        )
    return row


def _cell(indicator: Indicator, cell: Cell, *, reported: bool) -> KeyFigureCell:
    if not reported:
        return KeyFigureCell(NOT_APPLICABLE, None, None, NOT_APPLICABLE)
    if cell.hidden:
        return KeyFigureCell(SECRET, None, None, SECRET)
    value = measure(indicator, cell)
    if value is None:
        return KeyFigureCell(MISSING, None, None, MISSING)
    # One decimal, half up as the published figures are (6,25 → 6,3), not Python's half to even.
    value = float(Decimal(str(value)).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP))
    return KeyFigureCell(fmt(value), value, cell.count, "")


def key_figure_indicators(figures: Figures) -> list[Indicator]:
    by_key = {i.key: i for i in figures.indicators}
    return [by_key[k] for k in KEY_FIGURES if k in by_key]


def rows_for(figures: Figures, municipality, reported: set[str]) -> list[KeyFigureRow]:
    """Each key figure and year of *municipality*: Fridsam's computed figure and its counterpart's."""
    by_id = {i.pk: i for i in figures.indicators}
    rows = []
    for indicator in key_figure_indicators(figures):
        counterpart = by_id.get(indicator.counterpart_id)
        for year in figures.years:
            is_reported = indicator.key in reported
            national = None
            from_kolada = False
            if counterpart is not None:
                other = figures.cell(counterpart, municipality, year)
                national = _cell(counterpart, other, reported=True)
                from_kolada = other.source == ValueSource.KOLADA and other.has_figure
            rows.append(
                KeyFigureRow(
                    indicator,
                    counterpart,
                    year,
                    _cell(indicator, figures.cell(indicator, municipality, year), reported=is_reported),
                    national,
                    from_kolada,
                    is_reported,
                    year_rules.label(year, partial=figures.is_partial(year)),
                )
            )
    return rows


def collection_rows(figures: Figures, reported: dict[int, set[str]]) -> list[list]:
    """The collection file's rows: key figure, municipality, year, gender T, count, value, status."""
    result = []
    for municipality in figures.municipalities:
        for row in rows_for(figures, municipality, reported.get(municipality.pk, set(KEY_FIGURES))):
            cell = row.computed
            result.append(
                [
                    row.kolada_id or row.indicator.key,
                    municipality.code,
                    municipality.name,
                    row.year,
                    GENDER_TOTAL,
                    cell.count if cell.count is not None else "",
                    cell.shown if cell.status else cell.value,
                    cell.status,
                ]
            )
    return result


def kolada_json(figures: Figures, reported: dict[int, set[str]]) -> bytes:
    """The same figures in the shape of Kolada's API (v3 ``values``), which Fridsam's import reads:
    a cell without a value has ``"value": null`` and its status."""
    values = []
    for municipality in figures.municipalities:
        for row in rows_for(figures, municipality, reported.get(municipality.pk, set(KEY_FIGURES))):
            cell = row.computed
            values.append(
                {
                    "kpi": row.kolada_id or row.indicator.key,
                    "municipality": municipality.code,
                    "period": row.year,
                    "values": [
                        {
                            "gender": GENDER_TOTAL,
                            "count": 1 if cell.value is not None else 0,
                            "status": cell.status or None,
                            "value": cell.value,
                        }
                    ],
                }
            )
    return json.dumps({"count": len(values), "values": values}, ensure_ascii=False, indent=1).encode("utf-8")


def missing_ids(figures: Figures) -> list[Indicator]:
    """The key figures whose Kolada id no administrator has linked yet."""
    by_id = {i.pk: i for i in figures.indicators}
    return [i for i in key_figure_indicators(figures) if not (c := by_id.get(i.counterpart_id)) or not c.kolada_kpi]
