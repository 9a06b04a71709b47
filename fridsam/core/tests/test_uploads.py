"""The bounded reader: ZIP containers judged before they are unpacked, workbooks scanned before
openpyxl reads them, CSV and JSON within their caps, and the errors of an import counted."""

from __future__ import annotations

import io
import time
import zipfile

import pytest
from django import forms
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import RequestFactory, override_settings
from django.utils import translation

from fridsam.core import uploads
from fridsam.core.tests import bombs

HEADER = ["kommunkod", "indikator", "år", "antal"]


@pytest.fixture(autouse=True)
def english():
    with translation.override("en"):
        yield


def _table(name: str, data: bytes):
    table = uploads.open_table(name, data)
    rows = list(table.rows)
    return table, rows


def _refused(name: str, data: bytes) -> str:
    """The message a file is refused with, whether before its first row or on the way."""
    try:
        table = uploads.open_table(name, data)
    except uploads.FileError as error:
        return str(error)
    for _row in table.rows:
        pass
    assert table.rows.error is not None, "the file was read"
    return str(table.rows.error)


def _sheet(xml: bytes) -> bytes:
    return bombs.workbook([], sheet=bombs.deflated("xl/worksheets/sheet1.xml", xml))


def _rows_xml(rows: int, *, start: int = 2) -> bytes:
    # Different rows (numbered cells), so that deflate packs them as an ordinary sheet: ~10 times.
    return b"".join(
        b'<row r="%d"><c r="A%d"><v>%d</v></c><c r="B%d" t="inlineStr"><is><t>x%d</t></is></c></row>'
        % (n, n, 1000 + n, n, n * 7919 % 100_003)
        for n in range(start, start + rows)
    )


# --- ZIP ---------------------------------------------------------------------------------------


def test_the_report_s_bomb_is_refused_from_its_central_directory_in_milliseconds():
    data = bombs.xlsx_bomb(HEADER, ["1980", "investigations", "2024", "x"])
    assert len(data) < 5 * uploads.MB  # 3 000 000 rows, 0.8 GB of XML
    started = time.perf_counter()
    with bombs.memory_growth() as growth:
        message = _refused("statistik.xlsx", data)
    assert "compressed more than 100 times" in message
    assert time.perf_counter() - started < 5
    assert growth.bytes < 20 * uploads.MB, growth


def test_a_member_compressed_too_much_is_refused_before_it_is_parsed():
    # 5 MB of one letter: not even XML, so parsing it would fail differently.
    data = _sheet(b"A" * (5 * uploads.MB))
    assert "(xl/worksheets/sheet1.xml) is compressed more than 100 times" in _refused("a.xlsx", data)
    # Below the ratio, the same kind of content is parsed, and found not to be a workbook.
    assert "could not be read as an Excel workbook" in _refused("a.xlsx", _sheet(b"A" * 1000))


def test_the_sum_of_the_uncompressed_sizes_is_bounded():
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_STORED) as archive:  # stored: ratio 1
        for n in range(3):
            archive.writestr(f"part{n}.bin", bytes(400_000))
    with pytest.raises(uploads.FileError, match=r"larger than 1 MB\. The file was not read"):
        uploads.open_zip(buffer.getvalue(), max_unpacked=1 * uploads.MB)
    assert uploads.open_zip(buffer.getvalue(), max_unpacked=2 * uploads.MB).namelist()


def test_a_zip_of_too_many_members_is_refused():
    members = [bombs.deflated(f"xl/m{n}.xml", b"<a/>") for n in range(uploads.ZIP_MAX_MEMBERS + 1)]
    assert "more than 500 parts" in _refused("a.xlsx", bombs.zip_archive(members))


def test_a_member_that_states_a_smaller_size_than_it_holds_is_read_only_that_far():
    # 30 MB of rows deflated into a member that claims 1 000 bytes: zipfile stops there and the
    # CRC does not match, so the file is refused without unpacking the rest.
    big = bombs.SHEET_START + _rows_xml(200_000) + bombs.SHEET_END
    honest = bombs.deflated("xl/worksheets/sheet1.xml", big, level=1)
    data = bombs.workbook([], sheet=bombs.Member(honest.name, honest.compressed, 1000, honest.crc))
    started = time.perf_counter()
    with bombs.memory_growth() as growth:
        message = _refused("a.xlsx", data)
    assert "could not be read as an Excel workbook" in message
    assert time.perf_counter() - started < 5
    assert growth.bytes < 20 * uploads.MB, growth


def test_a_file_that_is_not_a_zip_is_not_a_workbook():
    assert "could not be read as an Excel workbook" in _refused("a.xlsx", b"PK\x03\x04 and nothing else")


# --- XLSX --------------------------------------------------------------------------------------


def test_a_workbook_is_read_row_by_row_with_its_line_numbers():
    data = bombs.workbook(HEADER, [["1980", "investigations", "2024", "12"], ["", "", "", ""], ["1983", "x", 2024, 3]])
    table, rows = _table("a.xlsx", data)
    assert table.header == HEADER and table.kind == "xlsx"
    assert rows == [(2, ["1980", "investigations", "2024", "12"]), (4, ["1983", "x", "2024", "3"])]


def test_a_sheet_that_claims_the_whole_grid_is_read_by_the_rows_it_has():
    # A 1 kB sheet whose dimension says A1:XFD1048576: openpyxl would pad every row to 16 384
    # columns and add a million empty rows.
    xml = (
        f'<?xml version="1.0"?><worksheet xmlns="{bombs.MAIN}"><dimension ref="A1:XFD1048576"/><sheetData>'
        '<row r="1"><c r="A1" t="inlineStr"><is><t>kommunkod</t></is></c></row>'
        '<row r="2"><c r="A2"><v>1980</v></c></row></sheetData></worksheet>'
    ).encode()
    started = time.perf_counter()
    table, rows = _table("a.xlsx", _sheet(xml))
    assert time.perf_counter() - started < 5
    assert table.header == ["kommunkod"] and rows == [(2, [1980])]


def test_rows_past_the_cap_are_refused_by_the_scan_before_openpyxl_reads_them():
    # 60 000 different rows compress about ten times: the ZIP is ordinary, the rows are not.
    xml = bombs.SHEET_START + bombs.row_xml(HEADER) + _rows_xml(60_000) + bombs.SHEET_END
    data = bombs.workbook([], sheet=bombs.deflated("xl/worksheets/sheet1.xml", xml, level=1))
    started = time.perf_counter()
    with bombs.memory_growth() as growth:
        message = _refused("a.xlsx", data)
    elapsed = time.perf_counter() - started
    assert message == "The file has more than 50\u00a0000 rows. Split it into several files, for example one per year."
    assert elapsed < 5, elapsed
    assert growth.bytes < 100 * uploads.MB, growth


@pytest.mark.parametrize("prefix", [b" " * 8, b"\r\n\t " * 20_000, b""], ids=["spaces", "long-whitespace", "none"])
def test_a_part_that_starts_with_whitespace_is_scanned_too(prefix):
    """XML may start with whitespace and openpyxl reads it: so does the scan, before openpyxl."""
    cells = b"".join(b"<c><v>%d</v></c>" % (n * 7919 % 1_000_003) for n in range(1_000_000))
    xml = prefix + f'<worksheet xmlns="{bombs.MAIN}"><sheetData><row r="1">'.encode() + cells + bombs.SHEET_END
    data = bombs.workbook([], sheet=bombs.deflated("xl/worksheets/sheet1.xml", xml, level=1))
    started = time.perf_counter()
    with bombs.memory_growth() as growth:
        message = _refused("a.xlsx", data)
    assert "more than 50 columns" in message or "more than 500" in message, message
    assert time.perf_counter() - started < 5
    assert growth.bytes < 100 * uploads.MB, growth


def test_a_row_number_past_the_cap_is_refused_at_once():
    xml = bombs.SHEET_START + b'<row r="1048576"><c><v>1</v></c></row>' + bombs.SHEET_END
    assert "more than 50\u00a0000 rows" in _refused("a.xlsx", _sheet(xml))


def test_a_cell_past_the_column_cap_is_refused_with_its_row():
    xml = bombs.SHEET_START + b'<row r="1"><c r="A1"><v>1</v></c></row><row r="2"><c r="AY2"><v>1</v></c></row>'
    assert "Row 2 has more than 50 columns" in _refused("a.xlsx", _sheet(xml + bombs.SHEET_END))
    wide = bombs.SHEET_START + b"<row>" + b"<c><v>1</v></c>" * 51 + b"</row>" + bombs.SHEET_END
    assert "Row 1 has more than 50 columns" in _refused("a.xlsx", _sheet(wide))
    # openpyxl reads any child of a row as a cell, whatever its name.
    odd = bombs.SHEET_START + b'<row r="1"><x r="XFD1"/></row>' + bombs.SHEET_END
    assert "Row 1 has more than 50 columns" in _refused("a.xlsx", _sheet(odd))


def test_cells_past_the_cap_are_refused():
    row = b"<row>" + b"<c><v>1</v></c>" * 20 + b"</row>"
    sheet = bombs.repeated("xl/worksheets/sheet1.xml", bombs.SHEET_START, row * 100, 300, bombs.SHEET_END)
    data = bombs.workbook([], sheet=sheet)
    # 30 000 rows of 20 cells; a ratio under the cap is not what is tested here, so read directly.
    with pytest.raises(uploads.FileError, match="more than 500\u00a0000 cells"):
        uploads.scan_workbook(zipfile.ZipFile(io.BytesIO(data)))


def test_one_row_of_countless_rich_text_runs_is_refused():
    runs = b"<r><t>x</t></r>" * 1000
    xml = bombs.SHEET_START + b'<row><c t="inlineStr"><is>' + runs + b"</is></c></row>" + bombs.SHEET_END
    assert "more complex than an import file" in _refused("a.xlsx", _sheet(xml))


LAUGHS = b'<!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;">]>'


def test_a_document_type_declaration_is_refused_wherever_it_is():
    sheet = (
        b'<?xml version="1.0"?>' + LAUGHS + b'<worksheet xmlns="' + bombs.MAIN.encode() + b'"><sheetData>'
        b'<row><c t="inlineStr"><is><t>&lol2;</t></is></c></row></sheetData></worksheet>'
    )
    assert "XML declarations (a DTD or entities)" in _refused("a.xlsx", _sheet(sheet))
    strings = (
        b'<?xml version="1.0"?>' + LAUGHS + b'<sst xmlns="' + bombs.MAIN.encode() + b'"><si><t>&lol2;</t></si></sst>'
    )
    data = bombs.zip_archive([*_members(bombs.workbook(HEADER)), bombs.deflated("xl/sharedStrings.xml", strings)])
    assert "XML declarations (a DTD or entities)" in _refused("a.xlsx", data)


def _members(data: bytes) -> list[bombs.Member]:
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        return [bombs.deflated(name, archive.read(name)) for name in archive.namelist()]


def test_shared_strings_past_the_cap_are_refused():
    strings = b'<sst xmlns="' + bombs.MAIN.encode() + b'">' + b"<si><t>a</t></si>" * 200_001 + b"</sst>"
    data = bombs.zip_archive([*_members(bombs.workbook(HEADER)), bombs.deflated("xl/sharedStrings.xml", strings)])
    with pytest.raises(uploads.FileError, match="more complex than an import file"):
        uploads.scan_workbook(zipfile.ZipFile(io.BytesIO(data)))


# --- CSV ---------------------------------------------------------------------------------------


def test_csv_rows_are_read_as_a_stream_with_their_line_numbers():
    data = "kommunkod;kommun\n1980;Västerås\n\n1983;Köping\n".encode("cp1252")
    table, rows = _table("a.csv", data)
    assert table.header == ["kommunkod", "kommun"]
    assert rows == [(2, ["1980", "Västerås"]), (4, ["1983", "Köping"])]


def test_csv_rows_past_the_cap_are_refused():
    data = ("a;b\n" + "1;2\n" * 60_000).encode()
    assert _refused("a.csv", data).startswith("The file has more than 50\u00a0000 rows.")
    _table("a.csv", ("a;b\n" + "1;2\n" * 50_000).encode())  # exactly the cap is read


def test_csv_columns_past_the_cap_are_refused_unless_they_are_empty():
    assert "Row 2 has more than 50 columns" in _refused("a.csv", ("a;b\n" + "1;" * 50 + "x\n").encode())
    _header, rows = _table("a.csv", ("a;b\n1;2" + ";" * 80 + "\n").encode())  # Excel's trailing separators
    assert rows == [(2, ["1", "2", *[""] * 48])]


def test_a_csv_line_too_long_and_a_quotation_never_closed_are_refused():
    assert "Row 2 is longer than 10\u00a0000 characters" in _refused("a.csv", b"a;b\n" + b"x" * 20_000 + b"\n")
    unclosed = b'a;b\n1;"never closed\n' + b"more\n" * 100
    assert "A quotation mark on row 2 is never closed" in _refused("a.csv", unclosed)


def test_a_csv_file_of_one_long_line_is_refused_before_it_is_split():
    data = b";" * (19 * uploads.MB)
    with bombs.memory_growth() as growth:
        message = _refused("a.csv", data)
    assert "Row 1 is longer than" in message
    assert growth.bytes < 60 * uploads.MB, growth


def test_a_csv_file_neither_utf8_nor_windows_1252_is_refused_with_a_message():
    # 0x81 and 0x8D have no character in cp1252: this was an unhandled UnicodeDecodeError.
    assert _refused("a.csv", b"a;b\n\x81\x8d;x\n").startswith("The file's characters could not be read.")


def test_an_empty_file_and_another_kind_are_refused():
    assert _refused("a.csv", b"") == "The file is empty."
    assert _refused("a.pdf", b"%PDF") == "Choose a CSV or XLSX file."
    assert _refused("a.csv", b"x" * (20 * uploads.MB + 1)) == "The file is larger than 20 MB."


# --- JSON --------------------------------------------------------------------------------------


def test_json_within_bounds_is_parsed():
    assert uploads.load_json(b'{"values": [{"a": [1, 2]}]}', max_bytes=100) == {"values": [{"a": [1, 2]}]}


def test_json_too_deep_too_many_values_or_too_large_is_refused():
    with pytest.raises(uploads.FileError, match="nested more than 20 levels"):
        uploads.load_json(b"[" * 21 + b"]" * 21, max_bytes=1000)
    with pytest.raises(uploads.FileError, match="nested more than 20 levels"):
        deep = b"[" * 100_000 + b"]" * 100_000  # past Python's own recursion limit
        uploads.load_json(deep, max_bytes=uploads.MB, max_values=10**6)
    with pytest.raises(uploads.FileError, match="more than 1\u00a0000 values"):
        uploads.load_json(b"[" + b"0," * 1000 + b"0]", max_bytes=uploads.MB, max_values=1000)
    with pytest.raises(uploads.FileError, match="larger than 1 MB"):
        uploads.load_json(b" " * (uploads.MB + 1), max_bytes=uploads.MB)
    with pytest.raises(uploads.FileError, match="not valid JSON"):
        uploads.load_json(b"{", max_bytes=100)


# --- Errors of an import -----------------------------------------------------------------------


def test_an_error_list_keeps_the_first_hundred_and_counts_the_rest():
    errors = uploads.ErrorList()
    errors.extend((line, "bad") for line in range(2, 502))
    assert len(errors) == 100 and errors[0] == (2, "bad") and errors[-1] == (101, "bad")
    assert (errors.more, errors.total) == (400, 500)


# --- The request -------------------------------------------------------------------------------


class _Form(forms.Form):
    file = uploads.UploadField(max_bytes=1 * uploads.MB)


def _post_file(size: int):
    data = b"x" * size
    request = RequestFactory().post("/", {"file": SimpleUploadedFile("a.csv", data)})
    return request.FILES.get("file")


@override_settings(
    FILE_UPLOAD_HANDLERS=[
        "fridsam.core.uploads.UploadLimitHandler",
        "django.core.files.uploadhandler.MemoryFileUploadHandler",
        "django.core.files.uploadhandler.TemporaryFileUploadHandler",
    ]
)
def test_the_request_stores_nothing_of_a_file_past_the_limit(monkeypatch):
    monkeypatch.setattr(uploads.UploadLimitHandler, "limit", 1 * uploads.MB)
    small = _post_file(1000)
    assert small.read() == b"x" * 1000
    large = _post_file(3 * uploads.MB)
    assert isinstance(large, uploads.OversizedUpload)
    assert large.size >= 3 * uploads.MB and large.read() == b""
    form = _Form(files={"file": large})
    assert not form.is_valid() and form.errors["file"] == ["The file is larger than 1 MB."]


def test_the_field_refuses_a_file_over_its_own_limit_and_read_upload_is_bounded():
    upload = SimpleUploadedFile("a.csv", b"x" * (uploads.MB + 1))
    assert _Form(files={"file": upload}).errors["file"] == ["The file is larger than 1 MB."]
    with pytest.raises(uploads.FileError, match="larger than 1 MB"):
        uploads.read_upload(upload, uploads.MB)
    assert uploads.read_upload(SimpleUploadedFile("a.csv", b"abc"), uploads.MB) == b"abc"


# --- Attachments -------------------------------------------------------------------------------


def test_an_attachment_is_what_its_name_says():
    uploads.check_attachment(SimpleUploadedFile("a.pdf", b"%PDF-1.7\n..."), ".pdf")
    uploads.check_attachment(SimpleUploadedFile("a.xlsx", bombs.workbook(HEADER)), ".xlsx")
    uploads.check_attachment(SimpleUploadedFile("a.txt", "Rutin för …".encode()), ".txt")
    for name, content in (
        ("a.pdf", b"MZ\x90\x00"),
        ("a.docx", b"%PDF-1.4"),
        ("a.png", b"GIF89a"),
        ("a.txt", b"MZ\0\0"),
    ):
        extension = "." + name.rsplit(".", 1)[1]
        with pytest.raises(uploads.FileError, match="does not match its type"):
            uploads.check_attachment(SimpleUploadedFile(name, content), extension)


def test_an_attachment_that_is_a_zip_bomb_is_refused():
    bomb = bombs.xlsx_bomb(HEADER, ["1980", "investigations", "2024", "x"])
    with pytest.raises(uploads.FileError, match="compressed more than 100 times"):
        uploads.check_attachment(SimpleUploadedFile("rutin.docx", bomb), ".docx")


@pytest.mark.parametrize(
    "cell, quoted",
    [
        ("x", "x"),
        ("12,5 %", "12,5 %"),
        ("protected_housng", "protected_housng"),  # a misspelt key is one word
        ("Fatima", "Fatima"),  # a first name alone says nothing of whom
        ("2024", "2024"),
        ("Fatima Hassan", None),
        ("HASSAN, Fatima", None),
        ("Fatima\u200bHassan", None),  # an invisible separator separates
        ("Lejla\u202fO\u0308dmark", None),
        ("19121212-1212", None),
        ("121212\u20111212", None),
        ("a" * 60, "a" * 39 + "…"),
    ],
)
def test_a_problem_quotes_a_cell_only_when_it_can_be_no_clients_name_or_number(cell, quoted):
    assert uploads.quotable(cell) == quoted


@translation.override("sv")
def test_unrecognised_headings_are_named_when_they_may_be_and_counted_when_not():
    assert uploads.unrecognised(["antal2", "Fatima Hassan", "19121212-1212"]) == (
        "Känns inte igen: antal2, 2 kolumner vars rubriker inte återges här."
    )
    assert uploads.unrecognised(["Fatima Hassan"]) == "Känns inte igen: 1 kolumn vars rubrik inte återges här."


@pytest.mark.parametrize(
    ("name", "shown"),
    [
        ("statistik 2025.csv", "statistik 2025.csv"),
        ("utbildningar_astad.XLSX", "utbildningar_astad.xlsx"),
        ("Fatima Hassan.csv", "uppladdad fil.csv"),
        ("C:\\Users\\x\\HASSAN, Fatima.xlsx", "uppladdad fil.xlsx"),
        ("Fatima\u200bHassan.csv", "uppladdad fil.csv"),
        ("FatimaHassan.csv", "uppladdad fil.csv"),
        ("HASSANFatima.csv", "uppladdad fil.csv"),
        ("ÖDMARK.csv", "ÖDMARK.csv"),
        ("19121212-1212.csv", "uppladdad fil.csv"),
        ("121212–1212", "uppladdad fil"),
        ("Lejla Ödmark.c$v", "uppladdad fil"),
        (".csv", "uppladdad fil.csv"),
    ],
)
def test_a_file_is_named_as_uploaded_only_when_its_name_can_be_no_client(name, shown):
    with translation.override("sv"):
        assert uploads.shown_name(name) == shown
