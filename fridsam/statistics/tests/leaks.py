"""Looking for hidden cells in what a viewer is sent.

:func:`small_counts` gives the own municipality and its neighbour figures of which several are
hidden (small counts and what would reveal them), with distinctive populations so that rates do
not come out as round numbers. :func:`twin_counts` changes every hidden cell to another value that
agrees with everything published (the same totals, the same visible cells): an answer that
differs between the two reveals something about the hidden cells, whether it writes them or lets
them be computed. :func:`hidden_cells` runs the suppression every county output runs and says, for
each hidden cell, how an output would have written it; :func:`leaks` reads an answer of any kind
(HTML, CSV, Excel, PDF) and returns the places where one of them is written where a figure goes: a
table cell, a chart label, a form value, a message ("is 3", "add up to 3"), a reading
("30 → 36 → 3"), "3 of 51". :func:`normalised` is an answer as text without what changes from
one request to the next (the CSRF token).
"""

from __future__ import annotations

import io
import re
from dataclasses import dataclass

from django.utils import translation

from fridsam.organisations.models import Municipality, MunicipalityPopulation
from fridsam.statistics.models import Indicator, IndicatorValue, Unit

# Inhabitants and adults, own and neighbour: different, so that no rate of one equals the other's
# or the county's.
POPULATIONS = ((21_317, 17_053), (13_729, 10_981))
YEARS = (2022, 2023, 2024)

# (indicator, year): (own, neighbour). Counts, or (number, out of) for shares.
FIGURES = {
    ("protected_housing", 2022): (30, 50),
    ("protected_housing", 2023): (36, 50),
    ("protected_housing", 2024): (3, 4711),
    ("vinr_adults", 2024): (31, 35),
    ("vinr_children_exposed", 2024): (3, 3),
    ("vinr_children_witnessed", 2024): (17, 26),
    # Risk assessments out of all actualised cases (vinr_all: 51 and 64), as the definition says.
    ("risk_assessment_rate", 2024): ((3, 51), (41, 64)),
    # SKR's key figure, as computed from the records (ADR 0037): the own count is small.
    ("skr_adults_actualised", 2024): (2, 47),
}


# The same published figures, other hidden values: own and neighbour trade a unit in every total.
TWIN = {
    ("protected_housing", 2024): (4, 4710),
    ("vinr_children_exposed", 2024): (4, 2),
    ("vinr_children_witnessed", 2024): (16, 27),
    ("risk_assessment_rate", 2024): ((4, 51), (40, 64)),
    ("skr_adults_actualised", 2024): (3, 46),
}


def twin_counts(world):
    """Give the hidden cells of :func:`small_counts` their twin values."""
    own, neighbour = world.own.municipality, world.neighbour.municipality
    for (key, year), values in TWIN.items():
        for municipality, value in zip((own, neighbour), values, strict=True):
            count, denominator = value if isinstance(value, tuple) else (value, None)
            IndicatorValue.objects.filter(municipality=municipality, indicator__key=key, year=year).update(
                count=count, denominator=denominator
            )


def small_counts(world):
    own, neighbour = world.own.municipality, world.neighbour.municipality
    for municipality, (total, adults) in zip((own, neighbour), POPULATIONS, strict=True):
        for year in YEARS:
            MunicipalityPopulation.objects.update_or_create(
                municipality=municipality, year=year, defaults={"total": total, "adults": adults}
            )
    indicators = {i.key: i for i in Indicator.objects.all()}
    for (key, year), values in FIGURES.items():
        for municipality, value in zip((own, neighbour), values, strict=True):
            count, denominator = value if isinstance(value, tuple) else (value, None)
            IndicatorValue.objects.create(
                municipality=municipality, indicator=indicators[key], year=year, count=count, denominator=denominator
            )
    return world


@dataclass(frozen=True)
class Hidden:
    """A hidden cell and the ways an output would write it."""

    where: str  # "indicator / municipality or group / year", for the failure message
    numbers: tuple[str, ...]  # the count, the rate or share, as the pages and files write them
    phrases: tuple[str, ...]  # "3 av 51"


def _spellings(value: float | int) -> set[str]:
    from fridsam.statistics.charts import fmt

    with translation.override("sv"):
        shown = fmt(value)
    spellings = {shown, shown.replace("\xa0", " "), shown.replace("\xa0", "")}
    if isinstance(value, float):
        spellings.add(str(round(value, 1)).replace(".", ","))  # the CSV files
        spellings.add(str(round(value, 1)))  # Excel cells read back
    else:
        spellings.add(str(value))
    return spellings


def hidden_cells(county, years=YEARS) -> list[Hidden]:
    """Every cell the county's viewers see hidden, as the outputs would have written it."""
    from fridsam.statistics.charts import fmt
    from fridsam.statistics.selectors import comparable, load_figures, measure

    municipalities = list(Municipality.objects.filter(county=county))
    names = {m.pk: m.name for m in municipalities}
    figures = load_figures(municipalities, years, exact_ids=frozenset())
    by_key = {i.key: i for i in figures.indicators}
    found = []
    for (key, who, year), cell in figures.cells.items():
        if not cell.hidden:
            continue
        indicator = by_key[key]
        cell.hidden = False  # a copy would do; the figures are thrown away
        numbers: set[str] = set()
        if cell.count is not None:
            numbers |= _spellings(cell.count)
        for value in (measure(indicator, cell), comparable(indicator, cell)):
            if value is not None:
                numbers |= _spellings(float(value))
        phrases = set()
        if indicator.unit == Unit.PERCENT and cell.count is not None and cell.denominator:
            with translation.override("sv"):
                n, d = fmt(cell.count), fmt(cell.denominator)
            phrases |= {f"{n} av {d}", f"{n} of {d}", f"{n} / {d}", f"{cell.count} / {cell.denominator}"}
        cell.hidden = True
        found.append(Hidden(f"{key} / {names.get(who, who)} / {year}", tuple(sorted(numbers)), tuple(sorted(phrases))))
    return found


def _number(value: str) -> str:
    """A number not part of a longer one (nor of an SVG coordinate such as 3.5)."""
    return rf"(?<![\d,.\xa0]){re.escape(value)}(?![\d]|[,.]\d|\xa0\d)"


def _html_patterns(value: str) -> list[str]:
    number = _number(value)
    return [
        rf">\s*{number}\s*<",  # a table cell, a chart label
        rf'value="{re.escape(value)}"',  # a form field
        rf"{number} (?:av|of|/|fall|ärenden?|cases?)\b",
        rf"→ {number}",
        rf"{number} →",
        rf"(?:tillsammans|add up to|är|is|blir|med|to|till) {number}",
    ]


def _distinctive(value: str) -> bool:
    return sum(c.isdigit() for c in value) >= 3


def text_of(response) -> tuple[str, str]:
    """The answer as text, and its kind: "html", "table" (CSV, Excel) or "pdf"."""
    content_type = response.get("Content-Type", "")
    if "pdf" in content_type:
        from pypdf import PdfReader

        return "\n".join(p.extract_text() for p in PdfReader(io.BytesIO(response.content)).pages), "pdf"
    if "spreadsheetml" in content_type:
        from openpyxl import load_workbook

        sheet = load_workbook(io.BytesIO(response.content)).active
        rows = [";".join("" if v is None else str(v) for v in row) for row in sheet.iter_rows(values_only=True)]
        return "\n".join(rows), "table"
    text = b"".join(response.streaming_content).decode() if response.streaming else response.content.decode()
    if "csv" in content_type:
        return text.lstrip("\ufeff").replace("\r\n", "\n"), "table"
    return text, "html"


def normalised(response) -> str:
    text, _kind = text_of(response)
    return re.sub(r'(name="csrfmiddlewaretoken" value=")[^"]+"', r'\1"', text)


def leaks(response, hidden: list[Hidden], *, small: bool = True) -> list[str]:
    """Where the answer writes a hidden cell: "<cell>: <what was found>" for each. ``small``:
    also look for short numbers (3, 1,4) in the places a figure goes; without it, only phrases
    ("3 av 51") and numbers of three digits or more, wherever they are."""
    text, kind = text_of(response)
    found = []
    for cell in hidden:
        for phrase in cell.phrases:
            if phrase in text:
                found.append(f"{cell.where}: “{phrase}”")
        for value in cell.numbers:
            if _distinctive(value):
                patterns = [_number(value)]
            elif not small:
                patterns = []
            elif kind == "table":
                patterns = [rf"(?m)(?:^|;){re.escape(value)}(?:;|$)"]
            elif kind == "html":
                patterns = _html_patterns(value)
            else:
                patterns = []
            for pattern in patterns:
                match = re.search(pattern, text)
                if match:
                    start = max(0, match.start() - 60)
                    found.append(f"{cell.where}: {value!r} in …{text[start : match.end() + 60]!r}…")
                    break
    return found
