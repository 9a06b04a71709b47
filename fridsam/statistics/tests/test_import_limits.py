"""Upload bombs and oversized files through the real import page, posted by a coordinator: a clear
Swedish error within seconds and a bounded growth of the process (ADR 0016)."""

from __future__ import annotations

import gc
import time

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from fridsam.core import uploads
from fridsam.core.roles import Role
from fridsam.core.tests import bombs
from fridsam.statistics import importers
from fridsam.statistics.models import IndicatorValue

pytestmark = pytest.mark.django_db

HEADER = ["kommunkod", "kommun", "indikator", "år", "antal", "nämnare"]
MB = uploads.MB


def _post(client, name: str, data: bytes):
    """Post the file; a large one becomes a task (ADR 0029), run in-process here, and its page is
    the answer."""
    gc.collect()
    with bombs.memory_growth() as growth:
        started = time.perf_counter()
        response = client.post(reverse("statistics:import"), {"file": SimpleUploadedFile(name, data)})
        if response.status_code == 302:
            response = client.get(response["Location"])
        elapsed = time.perf_counter() - started
    print(f"\n{name}: {len(data) / MB:.2f} MB -> {elapsed:.2f} s, +{growth.bytes / MB:.0f} MB ({growth.how})")
    return response, elapsed, growth


def _refused(response) -> bool:
    """Nothing imported: the import page (400) or the task's page, failed."""
    return response.status_code == 400 or 'data-status="failed"' in response.content.decode()


def _coordinator(world, login):
    client = login(world.own.users[Role.COORDINATOR])
    assert client.get(reverse("statistics:import")).status_code == 200  # templates and catalogue loaded
    return client


def test_the_xlsx_bomb_of_the_report_gets_a_swedish_error_within_five_seconds(world, login):
    code = world.own.municipality.code
    data = bombs.xlsx_bomb(HEADER, [code, "Västerås", "investigations", "2024", "x12", ""])  # 3 000 000 rows
    response, elapsed, growth = _post(_coordinator(world, login), "statistik.xlsx", data)
    page = response.content.decode()
    assert _refused(response)
    assert "Ingenting importerades: 1 fel att rätta." in page
    assert (
        "En del av filen (xl/worksheets/sheet1.xml) är komprimerad mer än 100 gånger, vilket en vanlig fil "
        "aldrig är. Filen har inte lästs." in page
    )
    assert elapsed < 5, elapsed
    assert growth.bytes < 100 * MB, growth
    assert len(response.content) < 100_000  # was a page of 302 MB listing every row
    assert not IndicatorValue.objects.exists()


def test_a_workbook_of_60000_ordinary_rows_gets_the_row_cap_within_five_seconds(world, login):
    code = world.own.municipality.code
    rows = b"".join(bombs.row_xml([code, "Västerås", "investigations", 2024, n % 997, ""]) for n in range(60_000))
    xml = bombs.SHEET_START + bombs.row_xml(HEADER) + rows + bombs.SHEET_END
    data = bombs.workbook([], sheet=bombs.deflated("xl/worksheets/sheet1.xml", xml, level=1))
    response, elapsed, growth = _post(_coordinator(world, login), "statistik.xlsx", data)
    assert "Filen har fler än 50\u00a0000 rader. Dela upp den i flera filer, till exempel en per år." in (
        response.content.decode()
    )
    assert elapsed < 5, elapsed
    assert growth.bytes < 100 * MB, growth


def test_a_csv_of_60000_rows_gets_the_row_cap_error(world, login):
    code = world.own.municipality.code
    lines = [";".join(HEADER)] + [f"{code};Västerås;investigations;{2016 + n % 10};{n % 50};" for n in range(60_000)]
    response, elapsed, growth = _post(_coordinator(world, login), "statistik.csv", "\n".join(lines).encode())
    page = response.content.decode()
    assert _refused(response)
    assert "Ingenting importerades: 1 fel att rätta." in page
    assert "Filen har fler än 50\u00a0000 rader." in page
    assert "Samma kommun" not in page  # the rows' own problems give way to the file's
    assert elapsed < 10, elapsed
    assert growth.bytes < 100 * MB, growth


def test_500_bad_rows_show_the_first_100_and_how_many_more(world, login):
    code = world.own.municipality.code
    lines = [";".join(HEADER)] + [f"{code};Västerås;investigations;{1000 + n};1;" for n in range(500)]
    response, _elapsed, _growth = _post(_coordinator(world, login), "statistik.csv", "\n".join(lines).encode())
    page = response.content.decode()
    assert "Ingenting importerades: 500 fel att rätta." in page
    assert page.count("är inte ett år mellan") == 100
    assert "Året ”1099”" in page and "”1100”" not in page  # the first hundred, in the file's order
    assert "… och ytterligare 400 fel. Rätta dem som visas och importera filen igen." in page


def test_a_file_over_20_mb_is_refused_before_it_is_stored_or_read(world, login):
    response, _elapsed, _growth = _post(_coordinator(world, login), "statistik.csv", b"x" * (21 * MB))
    assert "Filen är större än 20 MB." in response.content.decode()
    assert response.context["form"].errors["file"] == ["Filen är större än 20 MB."]


def test_kolada_json_at_its_caps_stays_within_bounds():
    # 600 000 values of fourteen letters: as much as the caps let through, parsed whole.
    worst = b"[" + b'"abcdefghijklmn",' * (importers.KOLADA_MAX_VALUES - 10) + b'"x"]'
    gc.collect()
    with bombs.memory_growth() as growth, pytest.raises(uploads.FileError, match="50\u00a0000"):
        importers.parse("kolada.json", worst)
    assert growth.bytes < 100 * MB, growth
    too_many = b"[" + b"0," * importers.KOLADA_MAX_VALUES + b"0]"
    with pytest.raises(uploads.FileError, match="600\u00a0000"):
        importers.parse("kolada.json", too_many)
