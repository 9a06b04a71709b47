"""Reading indicator files: CSV (UTF-8, UTF-8 with BOM or Excel's cp1252; ``;`` or ``,``), XLSX and
Kolada-format JSON (the API's ``values`` shape). Parsing only turns a file into rows with their
line numbers and the errors of the file's shape; :mod:`fridsam.statistics.services` validates
every row and saves all or nothing.
"""

from __future__ import annotations

import csv
import io
import json
import unicodedata
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

from django.utils.translation import gettext as _

MAX_BYTES = 20 * 1024 * 1024

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
    rows: list[RawRow] = field(default_factory=list)
    errors: list[tuple[int | None, str]] = field(default_factory=list)
    skipped: int = 0  # rows without a figure (a template's empty rows, Kolada's missing values)
    kind: str = ""


class FileError(Exception):
    """The file as a whole cannot be read."""


def _normalise(header: object) -> str:
    text = unicodedata.normalize("NFKD", str(header or "").strip().lower())
    return "".join(c for c in text if not unicodedata.combining(c)).replace(" ", "").replace("_", "")


def _cell(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


def _decode(data: bytes) -> str:
    if data.startswith(b"\xef\xbb\xbf"):
        return data[3:].decode("utf-8")
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        # Excel's "CSV (semikolonavgränsad)" on Swedish Windows writes cp1252.
        return data.decode("cp1252")


def _table(header: list[object], body, parsed: Parsed) -> Parsed:
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
            message += " " + _("Not recognised: %(unknown)s.") % {"unknown": ", ".join(unknown)}
        raise FileError(message)
    positions = {field_name: names.index(n) for n, field_name in known.items()}
    for line, values in body:
        values = list(values)
        if not any(_cell(v) for v in values):
            continue
        row = RawRow(line=line)
        for field_name, position in positions.items():
            if field_name == "municipality_name":
                continue
            setattr(row, field_name, _cell(values[position]) if position < len(values) else "")
        if not row.count and not row.value and not row.denominator:
            parsed.skipped += 1
            continue
        parsed.rows.append(row)
    return parsed


def parse_csv(data: bytes) -> Parsed:
    text = _decode(data)
    first = text.split("\n", 1)[0]
    delimiter = ";" if first.count(";") >= first.count(",") else ","
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    try:
        header = next(reader)
    except StopIteration:
        raise FileError(_("The file is empty.")) from None
    return _table(header, ((reader.line_num, values) for values in reader), Parsed(kind="csv"))


def parse_xlsx(data: bytes) -> Parsed:
    from openpyxl import load_workbook

    try:
        workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception as error:  # openpyxl raises many kinds for a file that is not a workbook
        raise FileError(_("The file could not be read as an Excel workbook (.xlsx).")) from error
    try:
        sheet = workbook.worksheets[0]
        rows = sheet.iter_rows(values_only=True)
        header = next(rows, None)
        if header is None:
            raise FileError(_("The file is empty."))
        return _table(list(header), ((i, values) for i, values in enumerate(rows, start=2)), Parsed(kind="xlsx"))
    finally:
        workbook.close()


def parse_kolada(data: bytes) -> Parsed:
    """Kolada's ``values`` shape: ``{"values": [{"kpi", "municipality", "period", "values": [{"gender",
    "count", "status", "value"}]}]}``. The total (gender "T") is read; K and M are left out."""
    try:
        document = json.loads(_decode(data))
    except (ValueError, UnicodeDecodeError) as error:
        raise FileError(_("The file is not valid JSON.")) from error
    entries = document.get("values") if isinstance(document, dict) else document
    if not isinstance(entries, list):
        raise FileError(_('The file has no list of values (Kolada\'s "values").'))
    parsed = Parsed(kind="kolada")
    for number, entry in enumerate(entries, start=1):
        if not isinstance(entry, dict) or not {"kpi", "municipality", "period", "values"} <= set(entry):
            parsed.errors.append((number, _("The entry lacks kpi, municipality, period or values.")))
            continue
        totals = [v for v in entry["values"] or [] if isinstance(v, dict) and v.get("gender") == "T"]
        if not totals:
            parsed.errors.append((number, _('The entry has no total (gender "T").')))
            continue
        value = totals[0].get("value")
        if value is None:
            parsed.skipped += 1
            continue
        parsed.rows.append(
            RawRow(
                line=number,
                municipality=str(entry["municipality"]).strip(),
                kolada_kpi=str(entry["kpi"]).strip(),
                year=str(entry["period"]).strip(),
                value=str(value),
            )
        )
    return parsed


def read_table(filename: str, data: bytes, columns: dict[str, str], *, template: list[str], required=()) -> list[dict]:
    """Any other import's rows from a CSV or XLSX file: *columns* maps a normalised header to a
    field; each row is a dict of the fields plus its ``line``. Raises FileError for the file's shape."""
    if len(data) > MAX_BYTES:
        raise FileError(_("The file is larger than 20 MB."))
    name = filename.lower()
    if name.endswith(".xlsx"):
        from openpyxl import load_workbook

        try:
            workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
        except Exception as error:  # openpyxl raises many kinds for a file that is not a workbook
            raise FileError(_("The file could not be read as an Excel workbook (.xlsx).")) from error
        try:
            table = list(workbook.worksheets[0].iter_rows(values_only=True))
        finally:
            workbook.close()
        body = list(enumerate(table[1:], start=2))
    elif name.endswith((".csv", ".txt")):
        text = _decode(data)
        first = text.split("\n", 1)[0]
        reader = csv.reader(
            io.StringIO(text, newline=""), delimiter=";" if first.count(";") >= first.count(",") else ","
        )
        table = list(reader)
        body = [(i, values) for i, values in enumerate(table[1:], start=2)]
    else:
        raise FileError(_("Choose a CSV or XLSX file."))
    if not table:
        raise FileError(_("The file is empty."))
    names = [_normalise(h) for h in table[0]]
    unknown = [str(h) for h, n in zip(table[0], names, strict=False) if n and n not in columns]
    missing = [f for f in required if f not in [columns.get(n) for n in names]]
    if unknown or missing:
        message = _("The columns do not match the template (%(columns)s).") % {"columns": ", ".join(template)}
        if unknown:
            message += " " + _("Not recognised: %(unknown)s.") % {"unknown": ", ".join(unknown)}
        raise FileError(message)
    rows = []
    for line, values in body:
        values = list(values)
        if not any(_cell(v) for v in values):
            continue
        row = {"line": line}
        for position, n in enumerate(names):
            if n in columns:
                row[columns[n]] = _cell(values[position]) if position < len(values) else ""
        rows.append(row)
    return rows


def parse(filename: str, data: bytes) -> Parsed:
    if len(data) > MAX_BYTES:
        raise FileError(_("The file is larger than 20 MB."))
    name = filename.lower()
    if name.endswith(".xlsx"):
        return parse_xlsx(data)
    if name.endswith(".json"):
        return parse_kolada(data)
    if name.endswith((".csv", ".txt")):
        return parse_csv(data)
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
