"""Hostile files for the upload tests, generated in a fraction of a second, and the process's
memory as the kernel counts it.

The XLSX bomb is a real workbook: the sheet's rows are one block of identical rows deflated once
(after a full flush the compressor starts afresh, so the same input gives the same bytes) and
repeated, so millions of rows cost a few megabytes and no compression time.
"""

from __future__ import annotations

import re
import struct
import tracemalloc
import zlib
from contextlib import contextmanager
from dataclasses import dataclass
from xml.sax.saxutils import escape

MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
RELS = "http://schemas.openxmlformats.org/package/2006/relationships"
OFFICE = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"

CONTENT_TYPES = (
    b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    b'<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
    b'<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
    b'<Default Extension="xml" ContentType="application/xml"/>'
    b'<Override PartName="/xl/workbook.xml" '
    b'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
    b'<Override PartName="/xl/worksheets/sheet1.xml" '
    b'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>'
    b"</Types>"
)
ROOT_RELS = (
    f'<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="{RELS}">'
    f'<Relationship Id="rId1" Type="{OFFICE}/officeDocument" Target="xl/workbook.xml"/></Relationships>'
).encode()
WORKBOOK = (
    f'<?xml version="1.0" encoding="UTF-8"?><workbook xmlns="{MAIN}" xmlns:r="{OFFICE}">'
    '<sheets><sheet name="Blad1" sheetId="1" r:id="rId1"/></sheets></workbook>'
).encode()
WORKBOOK_RELS = (
    f'<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="{RELS}">'
    f'<Relationship Id="rId1" Type="{OFFICE}/worksheet" Target="worksheets/sheet1.xml"/></Relationships>'
).encode()
SHEET_START = f'<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="{MAIN}"><sheetData>'.encode()
SHEET_END = b"</sheetData></worksheet>"


@dataclass
class Member:
    name: str
    compressed: bytes
    size: int  # uncompressed, as written in the headers
    crc: int
    method: int = 8  # deflate


def deflated(name: str, data: bytes, *, level: int = 9) -> Member:
    compressor = zlib.compressobj(level, zlib.DEFLATED, -15)
    return Member(name, compressor.compress(data) + compressor.flush(), len(data), zlib.crc32(data))


def repeated(name: str, start: bytes, block: bytes, times: int, end: bytes) -> Member:
    """*start*, then *block* *times* times, then *end*, deflated without deflating it all."""
    compressor = zlib.compressobj(9, zlib.DEFLATED, -15)
    head = compressor.compress(start) + compressor.flush(zlib.Z_FULL_FLUSH)
    body = compressor.compress(block) + compressor.flush(zlib.Z_FULL_FLUSH)
    tail = compressor.compress(end) + compressor.flush()
    crc = zlib.crc32(start)
    for _ in range(times):
        crc = zlib.crc32(block, crc)
    crc = zlib.crc32(end, crc)
    return Member(name, head + body * times + tail, len(start) + len(block) * times + len(end), crc)


def zip_archive(members: list[Member]) -> bytes:
    """A ZIP file written by hand, so that a test may also state sizes that are not true."""
    out, directory = bytearray(), bytearray()
    for m in members:
        name = m.name.encode()
        offset = len(out)
        out += struct.pack(
            "<4s2B4HL2L2H", b"PK\x03\x04", 20, 0, 0, m.method, 0, 0x21, m.crc, len(m.compressed), m.size, len(name), 0
        )
        out += name + m.compressed
        directory += struct.pack(
            "<4s4B4HL2L5H2L",
            b"PK\x01\x02",
            20,
            0,
            20,
            0,
            0,
            m.method,
            0,
            0x21,
            m.crc,
            len(m.compressed),
            m.size,
            len(name),
            0,
            0,
            0,
            0,
            0,
            offset,
        )
        directory += name
    end = struct.pack("<4s4H2LH", b"PK\x05\x06", 0, 0, len(members), len(members), len(directory), len(out), 0)
    return bytes(out + directory + end)


def row_xml(values) -> bytes:
    cells = "".join(f'<c t="inlineStr"><is><t>{escape(str(v))}</t></is></c>' for v in values)
    return f"<row>{cells}</row>".encode()


def workbook(header, rows=(), *, repeat_row=None, times: int = 0, sheet: Member | None = None) -> bytes:
    """An XLSX workbook: *header*, the *rows*, then *repeat_row* *times* times."""
    start = SHEET_START + row_xml(header) + b"".join(row_xml(r) for r in rows)
    if sheet is None:
        if repeat_row is not None and times:
            per_block = 4000
            block = row_xml(repeat_row) * per_block
            whole, rest = divmod(times, per_block)
            sheet = repeated("xl/worksheets/sheet1.xml", start, block, whole, row_xml(repeat_row) * rest + SHEET_END)
        else:
            sheet = deflated("xl/worksheets/sheet1.xml", start + SHEET_END)
    return zip_archive(
        [
            deflated("[Content_Types].xml", CONTENT_TYPES),
            deflated("_rels/.rels", ROOT_RELS),
            deflated("xl/workbook.xml", WORKBOOK),
            deflated("xl/_rels/workbook.xml.rels", WORKBOOK_RELS),
            sheet,
        ]
    )


def xlsx_bomb(header, row, rows: int = 3_000_000) -> bytes:
    """The attack of the report: a few megabytes holding millions of identical rows."""
    return workbook(header, repeat_row=row, times=rows)


def _status(field: str) -> int:
    with open("/proc/self/status") as status:
        return int(re.search(rf"^{field}:\s+(\d+) kB", status.read(), re.M).group(1)) * 1024


@dataclass
class Growth:
    bytes: int = 0
    how: str = ""


@contextmanager
def memory_growth():
    """How far the process's memory rose above where it stood, at its highest, inside the block.

    Linux: the resident set's high-water mark (VmHWM), reset first through /proc/self/clear_refs,
    so it counts every allocation (C libraries too) and only those inside the block. Elsewhere:
    tracemalloc's peak of Python's own allocations."""
    growth = Growth()
    try:
        with open("/proc/self/clear_refs", "w") as clear:
            clear.write("5")
        before = _status("VmRSS")
    except OSError:
        tracemalloc.start()
        try:
            yield growth
            growth.bytes, growth.how = tracemalloc.get_traced_memory()[1], "tracemalloc peak"
        finally:
            tracemalloc.stop()
        return
    yield growth
    growth.bytes, growth.how = _status("VmHWM") - before, "VmHWM - VmRSS before"
