"""What a credential reads of the statistics: the catalogue and the figures, taken from
:func:`fridsam.statistics.selectors.load_figures` as every page takes them, so the API hides the
same cells as the county's pages (ADR 0010, 0017)."""

from __future__ import annotations

from fridsam.organisations.models import Municipality
from fridsam.statistics import selectors
from fridsam.statistics.selectors import GROUPS


def indicator_catalogue() -> list[dict]:
    return [
        {
            "key": i.key,
            "name": i.name,
            "description": i.description,
            "area": i.area,
            "unit": i.unit,
            "obtained": i.obtained,
            "counts_people": i.counts_people,
            "kolada_kpi": i.kolada_kpi,
            "definitions": [
                {"valid_from": d.valid_from, "text": d.text, "change_note": d.change_note} for d in i.definitions.all()
            ],
        }
        for i in selectors.indicators()
    ]


def figures_for(credential, years: list[int]) -> dict:
    """A municipality's credential: its own exact figures. A county's: every municipality's and the
    totals, suppressed (the county analyst's view)."""
    county_id = credential.county_id or credential.municipality.county_id
    municipalities = list(Municipality.objects.filter(county_id=county_id).select_related("county"))
    if credential.municipality_id:
        figures = selectors.load_figures(municipalities, years, exact_ids={credential.municipality_id})
        shown = [m for m in figures.municipalities if m.pk == credential.municipality_id]
        groups = []
    else:
        figures = selectors.load_figures(municipalities, years)
        shown = figures.municipalities
        groups = list(GROUPS)
    rows = []
    for indicator in figures.indicators:
        for who in [*shown, *groups]:
            code = getattr(who, "code", who)
            for year in figures.years:
                cell = figures.cell(indicator, who, year)
                if not cell.has_figure and not cell.hidden:
                    continue
                value = selectors.measure(indicator, cell)
                rows.append(
                    {
                        "indicator": indicator.key,
                        "municipality": code,
                        "year": year,
                        "count": None if cell.hidden else cell.count,
                        "denominator": None if cell.hidden else cell.denominator,
                        "value": None if value is None else round(value, 2),
                        "hidden": cell.hidden,
                        "partial_year": figures.is_partial(year),
                        "_kpi": indicator.kolada_kpi or indicator.key,
                    }
                )
    return {"municipalities": [m.code for m in shown], "years": figures.years, "figures": rows}


def kolada_values(figures: dict) -> dict:
    """Kolada's ``values`` shape, which the statistics import reads too."""
    values = [
        {
            "kpi": row["_kpi"],
            "municipality": row["municipality"],
            "period": row["year"],
            "values": [
                {
                    "gender": "T",
                    "count": 0 if row["hidden"] or row["value"] is None else 1,
                    "status": "suppressed" if row["hidden"] else "",
                    "value": row["value"],
                }
            ],
        }
        for row in figures["figures"]
    ]
    return {"count": len(values), "values": values}
