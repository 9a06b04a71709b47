"""Reading indicator files: CSV (UTF-8, UTF-8 with BOM or Excel's cp1252; ``;`` or ``,``), XLSX and
Kolada-format JSON (the API's ``values`` shape). Parsing only turns a file into rows with their
line numbers and the errors of the file's shape; :mod:`fridsam.statistics.services` validates
every row and saves all or nothing. Every file is read through :mod:`fridsam.core.uploads`, as a
stream within its caps (ADR 0016): ``Parsed.rows`` is read as the service iterates it, and a cap
passed on the way shows in ``Parsed.error``.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

from django.utils.translation import gettext as _

from fridsam.core import uploads
from fridsam.core.uploads import FileError

__all__ = ["FileError", "parse", "to_decimal", "to_int"]

MAX_BYTES = uploads.TABLE_MAX_BYTES
# Kolada JSON is parsed whole, so it is bounded tighter: a whole country's ten years of three key
# figures are 9 000 entries of ~20 values, 2 MB; at these caps parsing grows the process ~60 MB.
KOLADA_MAX_BYTES = 10 * uploads.MB
KOLADA_MAX_VALUES = 600_000
# The keys by which Kolada's API names the next page of an answer (v3, and v2 before it).
KOLADA_NEXT_PAGE = ("next_page", "next_url")

# Column (normalised header) → field. The template uses the first spelling of each.
COLUMNS = {
    "kommunkod": "municipality",
    "kommun": "municipality_name",
    "indikator": "indicator",
    "ar": "year",
    "antal": "count",
    "namnare": "denominator",
    "varde": "value",
}
REQUIRED = ("municipality", "indicator", "year")
TEMPLATE_HEADER = ["kommunkod", "kommun", "indikator", "år", "antal", "nämnare"]


@dataclass
class RawRow:
    line: int
    municipality: str = ""
    indicator: str = ""
    kolada_kpi: str = ""
    year: str = ""
    count: str = ""
    denominator: str = ""
    value: str = ""


@dataclass
class Parsed:
    rows: Iterable[RawRow] = ()
    errors: list[tuple[int | None, str]] = field(default_factory=uploads.ErrorList)
    skipped: int = 0  # rows without a figure (a template's empty rows, Kolada's missing values)
    kind: str = ""
    source: uploads.Rows | None = None

    @property
    def error(self) -> FileError | None:
        """A cap passed while the rows were read: the file is refused as a whole."""
        return self.source.error if self.source is not None else None


_normalise = uploads.normalise
_cell = uploads.cell_text


def _table(table: uploads.Table, parsed: Parsed) -> Parsed:
    header = table.header
    names = [_normalise(h) for h in header]
    known = {n: COLUMNS[n] for n in names if n in COLUMNS}
    missing = [h for h in ("kommunkod", "indikator", "år") if _normalise(h) not in known]
    unknown = [str(h) for h, n in zip(header, names, strict=False) if n and n not in COLUMNS]
    has_figure = "count" in known.values() or "value" in known.values()
    if missing or unknown or not has_figure:
        message = _("The columns do not match the template (%(columns)s).") % {"columns": ", ".join(TEMPLATE_HEADER)}
        if missing or not has_figure:
            message += " " + _("Missing: %(missing)s.") % {
                "missing": ", ".join([*missing, *([] if has_figure else ["antal"])])
            }
        if unknown:
            message += " " + uploads.unrecognised(unknown)
        raise FileError(message)
    positions = {field_name: names.index(n) for n, field_name in known.items()}

    def rows():
        for line, values in table.rows:
            row = RawRow(line=line)
            for field_name, position in positions.items():
                if field_name == "municipality_name":
                    continue
                setattr(row, field_name, _cell(values[position]) if position < len(values) else "")
            if not row.count and not row.value and not row.denominator:
                parsed.skipped += 1
                continue
            yield row

    parsed.rows, parsed.source, parsed.kind = rows(), table.rows, table.kind
    return parsed


def parse_csv(data: bytes, errors=None) -> Parsed:
    return _table(uploads.open_table("file.csv", data), Parsed(errors=_errors(errors)))


def parse_xlsx(data: bytes, errors=None) -> Parsed:
    return _table(uploads.open_table("file.xlsx", data), Parsed(errors=_errors(errors)))


def _errors(errors):
    return errors if errors is not None else uploads.ErrorList()


def parse_kolada(data: bytes, errors=None) -> Parsed:
    """Kolada's data, as its API v3 answers ``/v3/data/kpi/<id>/municipality/<id>/year/<years>``:
    ``{"count", "values": [{"kpi", "municipality", "period", "values": [{"gender", "count", "status",
    "value"}]}], "next_page"|"next_url", …}``. The older v2 answer has the same ``values`` and stays
    readable. The total (gender "T") is read; K and M are left out. A value that Kolada has no
    figure for (``null``: bortfall, not applicable or secret) is skipped, never stored as zero. A file
    that is one page of several (a next page is named) is refused: the rest would be missing."""
    document = uploads.load_json(data, max_bytes=KOLADA_MAX_BYTES, max_values=KOLADA_MAX_VALUES)
    entries = document.get("values") if isinstance(document, dict) else document
    if not isinstance(entries, list):
        raise FileError(_('The file has no list of values (Kolada\'s "values").'))
    if isinstance(document, dict) and any(document.get(k) for k in KOLADA_NEXT_PAGE):
        raise FileError(
            _("The file is one page of Kolada's answer and more pages follow: save every page, or ask for fewer.")
        )
    if len(entries) > uploads.MAX_ROWS:
        raise uploads.too_many_rows()
    parsed = Parsed(kind="kolada", errors=_errors(errors))

    def rows():
        for number, entry in enumerate(entries, start=1):
            if not isinstance(entry, dict) or not {"kpi", "municipality", "period", "values"} <= set(entry):
                parsed.errors.append((number, _("The entry lacks kpi, municipality, period or values.")))
                continue
            values = entry["values"] if isinstance(entry["values"], list) else []
            totals = [v for v in values if isinstance(v, dict) and v.get("gender") == "T" and not v.get("isdeleted")]
            if not totals:
                parsed.errors.append((number, _('The entry has no total (gender "T").')))
                continue
            value = totals[0].get("value")
            if value is None:
                parsed.skipped += 1
                continue
            yield RawRow(
                line=number,
                municipality=str(entry["municipality"]).strip(),
                kolada_kpi=str(entry["kpi"]).strip(),
                year=str(entry["period"]).strip(),
                value=str(value),
            )

    parsed.rows = rows()
    return parsed


def parse(filename: str, data: bytes, errors=None) -> Parsed:
    """The file's rows, read as they are iterated; *errors* (an ErrorList) receives the problems
    of the file's shape found on the way. Raises FileError for what is wrong before the first row."""
    uploads.check_size(data, MAX_BYTES)
    name = filename.lower()
    if name.endswith(".xlsx"):
        return parse_xlsx(data, errors)
    if name.endswith(".json"):
        return parse_kolada(data, errors)
    if name.endswith((".csv", ".txt")):
        return parse_csv(data, errors)
    raise FileError(_("Choose a CSV, XLSX or Kolada JSON file."))


def to_int(text: str) -> int | None:
    """A whole number as written in a Swedish file ("1 234", "12", "12,0"); None when it is not."""
    cleaned = text.replace("\u00a0", "").replace(" ", "")
    try:
        number = Decimal(cleaned.replace(",", "."))
    except InvalidOperation:
        return None
    if not number.is_finite() or number != number.to_integral_value():
        return None
    return int(number)


def to_decimal(text: str) -> Decimal | None:
    try:
        number = Decimal(text.replace("\u00a0", "").replace(" ", "").replace(",", "."))
    except InvalidOperation:
        return None
    return number if number.is_finite() else None
