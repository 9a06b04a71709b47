"""Uploaded files, read within bounds: the one reader every upload path goes through (ADR 0016).

A file is measured before it is believed. The request stops storing a file past
``MAX_UPLOAD_BYTES`` (:class:`UploadLimitHandler`); each form states its own limit
(:class:`UploadField`). A ZIP container (XLSX, DOCX, ODF) is judged by its central directory
before anything is unpacked: the number of members, the sum of their uncompressed sizes and the
compression ratio of each. A workbook's XML is then scanned as a stream, part by part, counting
rows, columns, cells and elements, before openpyxl reads it (openpyxl itself parses through
defusedxml). CSV is decoded and split as a stream with the same caps, JSON is parsed only when
its size and its count of values are within bounds. A cap raises :class:`FileError` with a
Swedish message as soon as it is passed; imports report at most ``MAX_ERRORS`` bad rows
(:class:`ErrorList`) and say how many more there were.
"""

from __future__ import annotations

import codecs
import csv
import io
import json
import re
import struct
import unicodedata
import xml.parsers.expat
import zipfile
import zlib
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field

from django import forms
from django.core.files.uploadedfile import UploadedFile
from django.core.files.uploadhandler import FileUploadHandler
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from openpyxl import load_workbook

from fridsam.core.validators import contains_personal_identity_number

MB = 1024 * 1024

MAX_UPLOAD_BYTES = 20 * MB  # the largest file any form takes: past it, the request stores nothing
TABLE_MAX_BYTES = 20 * MB  # CSV and XLSX imports (statistics, training records)
MAX_ROWS = 50_000  # rows of one file below its header: the whole country's ten years are ~35 000
MAX_COLUMNS = 50  # the templates have three to seven
MAX_CELLS = 500_000  # cells of a workbook, empty or not: 50 000 rows of ten columns
MAX_ERRORS = 100  # bad rows listed; the rest are counted
CSV_MAX_LINE = 10_000  # characters of one line
CSV_MAX_LINES_PER_ROW = 20  # lines one row may span (line breaks inside quotation marks)
ZIP_MAX_MEMBERS = 500  # an XLSX has about ten, a DOCX with pictures some dozens
ZIP_MAX_DIRECTORY = ZIP_MAX_MEMBERS * 1024  # bytes of the central directory
ZIP_MAX_RATIO = 100  # uncompressed / compressed size of a member (Apache POI's limit too)
ZIP_RATIO_FROM = 1 * MB  # smaller members may be compressed as they like
XLSX_MAX_UNPACKED = 50 * MB  # a workbook's members together; 50 000 template rows are ~15 MB
XML_MAX_ELEMENTS = 100_000  # elements of a part besides a sheet's rows and the shared strings
XML_MAX_ROW_ELEMENTS = MAX_COLUMNS * 8  # elements inside one row (cells, values, rich-text runs)
XML_MAX_STRING_ELEMENTS = 100  # elements inside one shared string
XLSX_MAX_SHARED_STRINGS = 200_000
JSON_MAX_DEPTH = 20
JSON_MAX_VALUES = 100_000  # unless the caller says otherwise (Kolada: see statistics.importers)

SPREADSHEET_NAMESPACES = {
    "http://schemas.openxmlformats.org/spreadsheetml/2006/main",
    "http://purl.oclc.org/ooxml/spreadsheetml/main",
}


class FileError(Exception):
    """The file as a whole cannot be read; the message is for the person who sent it."""


def number(n: int) -> str:
    """A whole number as Swedish text writes it: 50 000."""
    return f"{n:,}".replace(",", "\u00a0")


def too_large(max_bytes: int) -> FileError:
    return FileError(_("The file is larger than %(max)s MB.") % {"max": number(max_bytes // MB)})


def too_many_rows() -> FileError:
    return FileError(
        _("The file has more than %(max)s rows. Split it into several files, for example one per year.")
        % {"max": number(MAX_ROWS)}
    )


def too_many_columns(line: int) -> FileError:
    return FileError(
        _("Row %(line)s has more than %(max)s columns. Remove the columns that are not in the template.")
        % {"line": line, "max": MAX_COLUMNS}
    )


def too_many_cells() -> FileError:
    return FileError(
        _("The file has more than %(max)s cells. Split it into several files, for example one per year.")
        % {"max": number(MAX_CELLS)}
    )


def not_a_workbook() -> FileError:
    return FileError(_("The file could not be read as an Excel workbook (.xlsx)."))


def too_complex() -> FileError:
    return FileError(
        _(
            "The workbook is more complex than an import file needs to be. Copy the sheet into a new, "
            "plain workbook or save it as CSV, and try again."
        )
    )


# --- The request -------------------------------------------------------------------------------


class OversizedUpload(UploadedFile):
    """What the request keeps of a file past the limit: its name and how large it was, no content."""

    def __init__(self, name, content_type, size, charset=None, content_type_extra=None):
        super().__init__(io.BytesIO(), name, content_type, size, charset, content_type_extra)


class UploadLimitHandler(FileUploadHandler):
    """First of ``FILE_UPLOAD_HANDLERS``: the handlers after it (memory, temporary file) stop
    receiving a file once it passes ``MAX_UPLOAD_BYTES``; the rest of it is counted and dropped,
    and the form receives an :class:`OversizedUpload` that its field refuses with the size."""

    limit = MAX_UPLOAD_BYTES

    def new_file(self, *args, **kwargs):
        super().new_file(*args, **kwargs)
        self.received = 0

    def receive_data_chunk(self, raw_data, start):
        self.received += len(raw_data)
        return None if self.received > self.limit else raw_data

    def file_complete(self, file_size):
        if self.received > self.limit:
            return OversizedUpload(
                self.file_name, self.content_type, self.received, self.charset, self.content_type_extra
            )
        return None


class UploadField(forms.FileField):
    """A file of at most *max_bytes*, refused by the form before anything reads it."""

    def __init__(self, *, max_bytes: int, **kwargs):
        self.max_bytes = min(max_bytes, MAX_UPLOAD_BYTES)
        super().__init__(**kwargs)

    def to_python(self, data):
        upload = super().to_python(data)
        if upload is not None and upload.size > self.max_bytes:
            raise forms.ValidationError(str(too_large(self.max_bytes)), code="file_too_large")
        return upload


def read_upload(upload, max_bytes: int) -> bytes:
    """The content of an uploaded file, read in chunks and never more than *max_bytes* + 1."""
    if upload.size is not None and upload.size > max_bytes:
        raise too_large(max_bytes)
    data = bytearray()
    for chunk in upload.chunks():
        data += chunk
        if len(data) > max_bytes:
            raise too_large(max_bytes)
    return bytes(data)


def check_size(data: bytes, max_bytes: int) -> None:
    if len(data) > max_bytes:
        raise too_large(max_bytes)


# --- Errors of an import ---------------------------------------------------------------------


class ErrorList(list):
    """The first *limit* errors of an import; the others are only counted (``more``)."""

    def __init__(self, items: Iterable = (), limit: int = MAX_ERRORS):
        super().__init__()
        self.limit = limit
        self.more = 0
        self.extend(items)

    def append(self, item) -> None:
        if len(self) < self.limit:
            super().append(item)
        else:
            self.more += 1

    def extend(self, items) -> None:
        for item in items:
            self.append(item)

    def __iadd__(self, items):
        self.extend(items)
        return self

    @property
    def total(self) -> int:
        return len(self) + self.more


# --- ZIP containers --------------------------------------------------------------------------


def _directory_size(data: bytes, unreadable) -> int:
    """The central directory's size, from the end record (ZIP64 too), as zipfile will find it."""
    end = len(data) - 22
    if end >= 0 and data[end : end + 4] == b"PK\x05\x06" and data[-2:] == b"\0\0":
        position = end
    else:
        position = data.rfind(b"PK\x05\x06", max(0, len(data) - 22 - 65535))
    if position < 0 or len(data) - position < 22:
        raise unreadable()
    size = struct.unpack("<L", data[position + 12 : position + 16])[0]
    locator = position - 20
    if locator >= 0 and data[locator : locator + 4] == b"PK\x06\x07":
        offset = struct.unpack("<Q", data[locator + 8 : locator + 16])[0]
        record = data[offset : offset + 56]
        if len(record) < 56 or record[:4] != b"PK\x06\x06":
            raise unreadable()
        size = struct.unpack("<Q", record[40:48])[0]
    return size


def open_zip(data: bytes, *, max_unpacked: int, max_members: int = ZIP_MAX_MEMBERS, unreadable=None) -> zipfile.ZipFile:
    """A ZIP container whose central directory is within bounds, before any member is unpacked:
    the directory's size and member count, the sum of the uncompressed sizes, and the ratio of
    each member of ``ZIP_RATIO_FROM`` or more. zipfile never unpacks more than a member's stated
    size (and checks its CRC), so the stated sizes bound what reading can cost. *unreadable* makes
    the error for a file that is no ZIP at all (by default: not an Excel workbook)."""
    unreadable = unreadable or not_a_workbook
    if _directory_size(data, unreadable) > ZIP_MAX_DIRECTORY:
        raise _too_many_members(max_members)
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, ValueError, EOFError, NotImplementedError):
        raise unreadable() from None
    members = archive.infolist()
    if len(members) > max_members:
        raise _too_many_members(max_members)
    total = 0
    for member in members:
        if member.compress_type not in (zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED) or member.flag_bits & 0x1:
            raise unreadable()  # other methods (bzip2, LZMA) and encryption: no Office file uses them
        total += member.file_size
        if member.file_size >= ZIP_RATIO_FROM and member.file_size > ZIP_MAX_RATIO * max(member.compress_size, 1):
            raise FileError(
                _(
                    "A part of the file (%(name)s) is compressed more than %(max)s times, which an ordinary "
                    "file never is. The file was not read."
                )
                % {"name": member.filename[:100], "max": ZIP_MAX_RATIO}
            )
    if total > max_unpacked:
        raise FileError(
            _("Unpacked, the file would be larger than %(max)s MB. The file was not read.")
            % {"max": number(max_unpacked // MB)}
        )
    return archive


def _too_many_members(max_members: int) -> FileError:
    return FileError(
        _("The file is made of more than %(max)s parts, which an ordinary file never is. The file was not read.")
        % {"max": number(max_members)}
    )


# --- XLSX --------------------------------------------------------------------------------------


def _looks_like_xml(head: bytes) -> bool:
    return (
        head.lstrip(b" \t\r\n").startswith(b"<")
        or head[:3] == codecs.BOM_UTF8
        or head[:2]
        in (
            codecs.BOM_UTF16_LE,
            codecs.BOM_UTF16_BE,
            b"<\0",
            b"\0<",
        )
    )


def _xml_name(name: str) -> bool:
    return name.lower().endswith((".xml", ".rels", ".vml"))


def _column(reference: str) -> int:
    column = 0
    for character in reference:
        if not character.isalpha():
            break
        column = column * 26 + (ord(character.upper()) - 64)
    return column


def _whole(text: str) -> int:
    try:
        return int(float(text))
    except (ValueError, OverflowError):
        raise not_a_workbook() from None


@dataclass
class _Totals:
    cells: int = 0
    strings: int = 0


def _names(local: str) -> frozenset[str]:
    return frozenset(f"{namespace}}}{local}" for namespace in SPREADSHEET_NAMESPACES)


ROW, STRING, SHEET_DATA = _names("row"), _names("si"), _names("sheetData")
OUTSIDE = 1 << 30  # the depth of "no such element open"


class _PartScan:
    """Counts one XML part's elements as expat reports them and raises at the first cap passed.
    Called for every element of a sheet, so it is kept short."""

    def __init__(self, totals: _Totals):
        self.totals = totals
        self.depth = 0
        self.data_depth = self.row_depth = self.string_depth = OUTSIDE
        self.row = self.rows = self.column = self.inside = self.elements = 0

    def start(self, name, attributes):
        depth = self.depth = self.depth + 1
        if depth > self.row_depth:
            self.inside += 1
            if self.inside > XML_MAX_ROW_ELEMENTS:
                raise too_complex()
            if depth == self.row_depth + 1:  # openpyxl reads every child of a row as a cell
                reference = attributes.get("r")
                self.column = _column(reference) if reference else self.column + 1
                if self.column > MAX_COLUMNS:
                    raise too_many_columns(self.row)
                self.totals.cells += 1
                if self.totals.cells > MAX_CELLS:
                    raise too_many_cells()
        elif depth > self.string_depth:
            self.inside += 1
            if self.inside > XML_MAX_STRING_ELEMENTS:
                raise too_complex()
        elif depth == self.data_depth + 1 and name in ROW:
            reference = attributes.get("r")
            self.row = _whole(reference) if reference else self.row + 1
            self.rows += 1
            if self.row > MAX_ROWS + 1 or self.rows > MAX_ROWS + 1:
                raise too_many_rows()
            self.row_depth, self.column, self.inside = depth, 0, 0
        elif depth == 2 and name in STRING:
            self.totals.strings += 1
            if self.totals.strings > XLSX_MAX_SHARED_STRINGS:
                raise too_complex()
            self.string_depth, self.inside = depth, 0
        else:
            if name in SHEET_DATA:
                self.data_depth = depth
            self.elements += 1
            if self.elements > XML_MAX_ELEMENTS:
                raise too_complex()

    def end(self, name):
        depth = self.depth
        if depth == self.row_depth:
            self.row_depth = OUTSIDE
        elif depth == self.string_depth:
            self.string_depth = OUTSIDE
        elif depth == self.data_depth:
            self.data_depth = OUTSIDE
        self.depth = depth - 1


def _forbidden(*args):
    raise FileError(
        _("The file contains XML declarations (a DTD or entities) that an Excel file never has. The file was not read.")
    )


def scan_workbook(archive: zipfile.ZipFile) -> None:
    """Stream every XML part of a workbook through expat once, within the caps, before openpyxl
    reads any of it: every part named .xml/.rels/.vml and every other part whose first bytes after
    any whitespace look like XML. Parts that are not XML (pictures) are left alone: openpyxl does
    not parse them, and a sheet that is not XML fails in openpyxl at once."""
    totals = _Totals()
    for member in archive.infolist():
        if member.is_dir():
            continue
        scan = _PartScan(totals)
        parser = xml.parsers.expat.ParserCreate(namespace_separator="}")
        parser.StartElementHandler = scan.start
        parser.EndElementHandler = scan.end
        parser.StartDoctypeDeclHandler = _forbidden
        parser.EntityDeclHandler = _forbidden
        try:
            with archive.open(member) as stream:
                # Whatever whitespace comes first (XML may start with it; the member's stated
                # size bounds it), the part is judged by its first other bytes, and by its name.
                pending = [stream.read(64 * 1024)]
                while pending[-1] and not b"".join(pending).lstrip(b" \t\r\n"):
                    pending.append(stream.read(64 * 1024))
                head = b"".join(pending)
                if not (_xml_name(member.filename) or _looks_like_xml(head.lstrip(b" \t\r\n")[:8] or head[:8])):
                    continue
                parser.Parse(head, False)
                chunk = stream.read(64 * 1024)
                while chunk:
                    parser.Parse(chunk, False)
                    chunk = stream.read(64 * 1024)
                parser.Parse(b"", True)
        except (xml.parsers.expat.ExpatError, zipfile.BadZipFile, zlib.error, EOFError, OSError, ValueError):
            raise not_a_workbook() from None


def xlsx_rows(data: bytes) -> Iterator[tuple[int, list]]:
    """The first sheet's rows as (line, values), after :func:`open_zip` and :func:`scan_workbook`
    and one row at a time; the sheet's stated dimensions are ignored (a sheet may claim a million
    rows it does not have)."""
    with open_zip(data, max_unpacked=XLSX_MAX_UNPACKED) as archive:
        scan_workbook(archive)

    try:
        workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True, keep_links=False)
    except FileError:
        raise
    except Exception as error:  # openpyxl raises many kinds for a file that is not a workbook
        raise not_a_workbook() from error
    return _sheet_rows(workbook)


def _sheet_rows(workbook) -> Iterator[tuple[int, list]]:
    try:
        if not workbook.worksheets:
            raise FileError(_("The file is empty."))
        sheet = workbook.worksheets[0]
        sheet.reset_dimensions()
        for line, values in enumerate(sheet.iter_rows(values_only=True), start=1):
            if line > MAX_ROWS + 1:
                raise too_many_rows()
            if len(values) > MAX_COLUMNS:
                raise too_many_columns(line)
            yield line, list(values)
    except FileError:
        raise
    except Exception as error:
        raise not_a_workbook() from error
    finally:
        workbook.close()


# --- CSV ---------------------------------------------------------------------------------------


def _encoding(data: bytes) -> str:
    """UTF-8 (with or without BOM) or, failing that, Excel's cp1252; checked in chunks."""
    if data.startswith(codecs.BOM_UTF8):
        return "utf-8-sig"
    decoder = codecs.getincrementaldecoder("utf-8")()
    try:
        for start in range(0, len(data), MB):
            decoder.decode(data[start : start + MB])
        decoder.decode(b"", final=True)
    except UnicodeDecodeError:
        return "cp1252"  # Excel's "CSV (semikolonavgränsad)" on Swedish Windows
    return "utf-8"


def csv_rows(data: bytes) -> Iterator[tuple[int, list]]:
    """The rows of a CSV file as (line, values), decoded and split as a stream: the first line
    chooses ``;`` or ``,``; a line, a row and the number of rows and filled columns are capped."""
    stream = io.TextIOWrapper(io.BytesIO(data), encoding=_encoding(data), newline="")
    lines = _Lines(stream)
    try:
        first = lines.peek()
    except UnicodeDecodeError:
        raise _undecodable() from None
    delimiter = ";" if first.count(";") >= first.count(",") else ","
    return _csv_records(csv.reader(lines, delimiter=delimiter), lines)


def _undecodable() -> FileError:
    return FileError(_("The file's characters could not be read. Save it as CSV UTF-8 and try again."))


class _Lines:
    """Physical lines for csv.reader, each at most ``CSV_MAX_LINE`` characters, and at most
    ``CSV_MAX_LINES_PER_ROW`` of them for one row."""

    def __init__(self, stream):
        self.stream = stream
        self.number = 0
        self.pending = 0
        self.first = None

    def peek(self) -> str:
        self.first = self._read()
        return self.first

    def _read(self) -> str:
        line = self.stream.readline(CSV_MAX_LINE + 1)
        if len(line) > CSV_MAX_LINE:
            raise FileError(
                _("Row %(line)s is longer than %(max)s characters.")
                % {"line": self.number + 1, "max": number(CSV_MAX_LINE)}
            )
        return line

    def __iter__(self):
        return self

    def __next__(self) -> str:
        if self.first is not None:
            line, self.first = self.first, None
        else:
            line = self._read()
        if not line:
            raise StopIteration
        self.number += 1
        self.pending += 1
        if self.pending > CSV_MAX_LINES_PER_ROW:
            raise FileError(
                _("A quotation mark on row %(line)s is never closed.") % {"line": self.number - self.pending + 1}
            )
        return line


def _csv_records(reader, lines: _Lines) -> Iterator[tuple[int, list]]:
    rows = 0
    try:
        for values in reader:
            lines.pending = 0
            rows += 1
            if rows > MAX_ROWS + 1:
                raise too_many_rows()
            if len(values) > MAX_COLUMNS:
                if any(v.strip() for v in values[MAX_COLUMNS:]):
                    raise too_many_columns(reader.line_num)
                del values[MAX_COLUMNS:]
            yield reader.line_num, values
    except csv.Error:
        raise FileError(
            _("Row %(line)s could not be read: check its quotation marks.") % {"line": lines.number}
        ) from None
    except UnicodeDecodeError:
        raise _undecodable() from None


# --- Tables (CSV or XLSX) ----------------------------------------------------------------------


def normalise(header: object) -> str:
    """A column heading as compared: lower case, without accents, spaces or underscores."""
    text = unicodedata.normalize("NFKD", str(header or "").strip().lower())
    return "".join(c for c in text if not unicodedata.combining(c)).replace(" ", "").replace("_", "")


QUOTE_MAX = 40  # characters of a cell a problem quotes back
_WORD = re.compile(r"[^\W\d]*[^\W\d_][^\W\d]*")  # letters, with underscores (an indicator's key)


def quotable(value: object) -> str | None:
    """A cell's text as a problem may quote it back to the person who uploaded the file, or None
    when it must not be: it holds a personal identity number, or reads as a person's name — two
    words of letters or more, whatever separates them (a space, a comma, an invisible
    character). What an import keeps and shows of its problems never holds a client's name or
    number, even from a client list uploaded by mistake. A key with underscores is one word, so
    a misspelt indicator is still quoted; a long text is shortened."""
    text = unicodedata.normalize("NFKC", cell_text(value))
    if contains_personal_identity_number(text) or len(_WORD.findall(text)) >= 2:
        return None
    return text if len(text) <= QUOTE_MAX else text[: QUOTE_MAX - 1] + "…"


_EXTENSION = re.compile(r"[A-Za-z0-9]{1,8}")


def _starts_a_word(text: str, i: int) -> bool:
    """A capital after a small letter ("FatimaHassan"), or the last capital of a run before a small
    letter ("HASSANFatima"): where words run together begin."""
    if i == 0 or not text[i].isupper():
        return False
    return text[i - 1].islower() or (text[i - 1].isupper() and i + 1 < len(text) and text[i + 1].islower())


def shown_name(filename: str) -> str:
    """An uploaded file's name as Fridsam keeps and shows it (a task's label, the access log): the
    name when it may be quoted (:func:`quotable`: a client list may be named after the client),
    else "uploaded file" with the name's extension. An upload's name may lose its invisible
    characters on the way, so words run together count as two (:func:`_starts_a_word`)."""
    name = filename.replace("\\", "/").rsplit("/", 1)[-1]
    stem, dot, extension = name.rpartition(".")
    if not dot or not _EXTENSION.fullmatch(extension):
        stem, extension = name, ""
    spaced = "".join(" " + c if _starts_a_word(stem, i) else c for i, c in enumerate(stem))
    # Spacing adds words and no digits, so a stem quotable spaced is quotable as it is.
    shown = quotable(stem) if stem.strip() and quotable(spaced) is not None else _("uploaded file")
    return f"{shown}.{extension.lower()}" if extension else shown


def unrecognised(headings: list[str]) -> str:
    """The headings a file has that the template has not, as a problem lists them: those that may
    be quoted (:func:`quotable`), and how many others."""
    shown = [q for q in (quotable(h) for h in headings) if q is not None]
    others = len(headings) - len(shown)
    if others:
        shown.append(
            ngettext(
                "%(n)s column whose heading is not repeated here",
                "%(n)s columns whose headings are not repeated here",
                others,
            )
            % {"n": others}
        )
    return _("Not recognised: %(unknown)s.") % {"unknown": ", ".join(shown)}


def cell_text(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


class Rows:
    """Rows of a file, read as they are iterated. A cap passed in the middle of the file ends the
    iteration and is kept in ``error`` (or in the error of the rows these were made from): the
    caller then reports it instead of the rows' own problems."""

    def __init__(self, rows: Iterable, source: Rows | None = None):
        self._rows = iter(rows)
        self._error: FileError | None = None
        self.source = source

    @property
    def error(self) -> FileError | None:
        return self._error or (self.source.error if self.source is not None else None)

    def __iter__(self):
        try:
            yield from self._rows
        except FileError as error:
            self._error = error


@dataclass
class Table:
    header: list
    rows: Rows  # (line, values) with at least one value filled in
    kind: str = ""
    fields: set = field(default_factory=set)


def _filled(rows: Iterable[tuple[int, list]]) -> Iterator[tuple[int, list]]:
    for line, values in rows:
        if any(cell_text(v) for v in values):
            yield line, values


def open_table(filename: str, data: bytes, *, max_bytes: int = TABLE_MAX_BYTES) -> Table:
    """A CSV or XLSX file's header and its rows (a stream). Raises FileError for the file's shape."""
    check_size(data, max_bytes)
    name = filename.lower()
    if name.endswith(".xlsx"):
        rows, kind = xlsx_rows(data), "xlsx"
    elif name.endswith((".csv", ".txt")):
        rows, kind = csv_rows(data), "csv"
    else:
        raise FileError(_("Choose a CSV or XLSX file."))
    header = next(rows, None)
    if header is None:
        raise FileError(_("The file is empty."))
    return Table(header=header[1], rows=Rows(_filled(rows)), kind=kind)


def read_table(filename: str, data: bytes, columns: dict[str, str], *, template: list[str], required=()) -> Table:
    """Rows of a CSV or XLSX file as dicts: *columns* maps a normalised heading to a field; each
    row holds its fields as text and its ``line``. The table's ``fields`` are those of its header."""
    table = open_table(filename, data)
    names = [normalise(h) for h in table.header]
    unknown = [str(h) for h, n in zip(table.header, names, strict=False) if n and n not in columns]
    missing = [f for f in required if f not in [columns.get(n) for n in names]]
    if unknown or missing:
        message = _("The columns do not match the template (%(columns)s).") % {"columns": ", ".join(template)}
        if unknown:
            message += " " + unrecognised(unknown)
        raise FileError(message)
    positions = [(position, columns[n]) for position, n in enumerate(names) if n in columns]

    def records():
        for line, values in table.rows:
            row = {"line": line}
            for position, name in positions:
                row[name] = cell_text(values[position]) if position < len(values) else ""
            yield row

    return Table(
        header=table.header,
        rows=Rows(records(), source=table.rows),
        kind=table.kind,
        fields={name for _position, name in positions},
    )


# --- JSON --------------------------------------------------------------------------------------


def load_json(data: bytes | str, *, max_bytes: int, max_depth: int = JSON_MAX_DEPTH, max_values: int = JSON_MAX_VALUES):
    """A JSON document of at most *max_bytes*, *max_values* values (counted from its commas and
    brackets before parsing, an upper bound) and *max_depth* levels. Raises FileError."""
    raw = data.encode() if isinstance(data, str) else data
    check_size(raw, max_bytes)
    if raw.count(b",") + raw.count(b"[") + raw.count(b"{") + 1 > max_values:
        raise FileError(_("The file holds more than %(max)s values.") % {"max": number(max_values)})
    text = data if isinstance(data, str) else _decode_json(raw)
    try:
        document = json.loads(text)
    except RecursionError:
        raise _too_deep(max_depth) from None
    except ValueError as error:
        raise FileError(_("The file is not valid JSON: %(error)s") % {"error": error}) from None
    if _depth(document) > max_depth:
        raise _too_deep(max_depth)
    return document


def _decode_json(raw: bytes) -> str:
    if raw.startswith(codecs.BOM_UTF8):
        raw = raw[3:]
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError:
        try:
            return raw.decode("cp1252")
        except UnicodeDecodeError:
            raise _undecodable() from None


def _too_deep(max_depth: int) -> FileError:
    return FileError(_("The file is nested more than %(max)s levels deep.") % {"max": max_depth})


def _depth(document) -> int:
    deepest, stack = 0, [(document, 1)]
    while stack:
        value, depth = stack.pop()
        if isinstance(value, dict):
            value = value.values()
        elif not isinstance(value, list):
            continue
        deepest = max(deepest, depth)
        stack.extend((v, depth + 1) for v in value if isinstance(v, dict | list))
    return deepest


# --- Attachments -------------------------------------------------------------------------------

SIGNATURES = {
    ".pdf": (b"%PDF",),
    ".png": (b"\x89PNG\r\n\x1a\n",),
    ".jpg": (b"\xff\xd8\xff",),
    ".jpeg": (b"\xff\xd8\xff",),
    ".docx": (b"PK\x03\x04",),
    ".xlsx": (b"PK\x03\x04",),
    ".pptx": (b"PK\x03\x04",),
    ".odt": (b"PK\x03\x04",),
    ".ods": (b"PK\x03\x04",),
}
ATTACHMENT_MAX_UNPACKED = 200 * MB


def check_attachment(upload, extension: str) -> None:
    """An attachment is what its name says: its first bytes match the type, an Office or
    OpenDocument file is a ZIP within the bounds of :func:`open_zip`, text is text. Raises FileError."""
    upload.seek(0)
    head = upload.read(8192)
    upload.seek(0)
    wrong = FileError(_("The file's content does not match its type (%(extension)s).") % {"extension": extension})
    if extension == ".txt":
        if b"\0" in head:
            raise wrong
        return
    signatures = SIGNATURES.get(extension)
    if signatures is None:
        raise wrong
    if extension == ".pdf":
        if b"%PDF" not in head[:1024]:
            raise wrong  # readers accept the marker anywhere in the first kilobyte
        return
    if not head.startswith(signatures):
        raise wrong
    if signatures == (b"PK\x03\x04",):
        data = read_upload(upload, MAX_UPLOAD_BYTES)
        upload.seek(0)
        open_zip(data, max_unpacked=ATTACHMENT_MAX_UNPACKED, unreadable=lambda: wrong).close()
