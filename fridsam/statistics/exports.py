"""Every table to CSV and XLSX, the files municipalities live in. A cell that begins with
``= + - @`` (or a tab or carriage return) is neutralised with a leading apostrophe, so a
spreadsheet never runs it as a formula."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Sequence

from django.http import HttpResponse
from openpyxl import Workbook
from openpyxl.styles import Font

DANGEROUS = ("=", "+", "-", "@", "\t", "\r")


def neutralise(value: object) -> object:
    if isinstance(value, str) and value.startswith(DANGEROUS):
        return "'" + value
    return value


def _rows(header: Sequence[str], rows: Iterable[Sequence[object]]):
    yield [neutralise(h) for h in header]
    for row in rows:
        yield [neutralise("" if v is None else v) for v in row]


def csv_bytes(header: Sequence[str], rows: Iterable[Sequence[object]]) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=";", lineterminator="\r\n")
    for row in _rows(header, rows):
        writer.writerow([str(v).replace(".", ",") if isinstance(v, float) else v for v in row])
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")  # the BOM makes Excel read UTF-8


def xlsx_bytes(header: Sequence[str], rows: Iterable[Sequence[object]], *, title: str = "Fridsam") -> bytes:
    workbook = Workbook(write_only=False)
    sheet = workbook.active
    sheet.title = title[:31]
    for i, row in enumerate(_rows(header, rows)):
        sheet.append(list(row))
        if i == 0:
            for cell in sheet[1]:
                cell.font = Font(bold=True)
    for column in sheet.columns:
        width = max(len(str(c.value or "")) for c in column)
        sheet.column_dimensions[column[0].column_letter].width = min(50, max(10, width + 2))
    # Text cells stay text: a neutralised formula must not be evaluated by openpyxl either.
    for row in sheet.iter_rows():
        for cell in row:
            if isinstance(cell.value, str):
                cell.data_type = "s"
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def download(filename: str, header, rows, *, kind: str) -> HttpResponse:
    rows = list(rows)
    if kind == "xlsx":
        data = xlsx_bytes(header, rows)
        content_type = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    else:
        data = csv_bytes(header, rows)
        content_type = "text/csv; charset=utf-8"
    response = HttpResponse(data, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{filename}.{kind}"'
    return response
