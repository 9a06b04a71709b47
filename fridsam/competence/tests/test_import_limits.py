"""The training-record import within bounds (ADR 0016): the bomb of the report through the real
page, the row cap, the first hundred bad rows and a sheet that claims more than it has."""

from __future__ import annotations

import gc
import time

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from fridsam.competence import services
from fridsam.competence.models import TrainingRecord
from fridsam.competence.tests import factories
from fridsam.core import uploads
from fridsam.core.roles import Role
from fridsam.core.tests import bombs

pytestmark = pytest.mark.django_db
MB = uploads.MB


def _page(world, login, name: str, data: bytes):
    factories.course(world.own.county, "WEB")
    client = login(world.own.users[Role.COORDINATOR])
    url = reverse("competence:import", args=[world.own.municipality.code])
    assert client.get(url).status_code == 200  # templates and catalogue loaded
    gc.collect()
    with bombs.memory_growth() as growth:
        started = time.perf_counter()
        response = client.post(url, {"file": SimpleUploadedFile(name, data)})
        elapsed = time.perf_counter() - started
    print(f"\n{name}: {len(data) / MB:.2f} MB -> {elapsed:.2f} s, +{growth.bytes / MB:.0f} MB ({growth.how})")
    return response.content.decode(), elapsed, growth


def test_the_xlsx_bomb_gets_a_swedish_error_within_five_seconds(world, login):
    data = bombs.xlsx_bomb(["användare", "kurs", "datum"], ["nobody", "WEB", "2025-01-01"])  # 3 000 000 rows
    page, elapsed, growth = _page(world, login, "utb.xlsx", data)
    assert "Inget importerades: 1 rad behöver rättas." in page
    assert "(xl/worksheets/sheet1.xml) är komprimerad mer än 100 gånger" in page
    assert elapsed < 5, elapsed
    assert growth.bytes < 100 * MB, growth
    assert len(page) < 100_000  # was a page of 95 MB
    assert not TrainingRecord.objects.exists()


def test_500_bad_rows_show_the_first_100_and_how_many_more(world, login):
    data = ("användare;kurs;datum\n" + "".join(f"nobody{n};WEB;2025-01-01\n" for n in range(500))).encode()
    page, _elapsed, _growth = _page(world, login, "utb.csv", data)
    assert "Inget importerades: 500 rader behöver rättas." in page
    assert page.count("är inte anställd i kommunen") == 100
    assert "”nobody99”" in page and "”nobody100”" not in page
    assert "… och ytterligare 400 rader behöver rättas. Rätta dem som visas och importera filen igen." in page


def test_a_file_of_60000_rows_gets_the_row_cap_error(world):
    factories.course(world.own.county, "WEB")
    person = world.own.users[Role.SOCIAL_WORKER].username
    data = ("användare;kurs;datum\n" + f"{person};WEB;2025-01-01\n" * 60_000).encode()
    result = services.records_import(
        municipality=world.own.municipality, filename="utb.csv", data=data, user=world.own.users[Role.COORDINATOR]
    )
    assert [message for _line, message in result.errors] == [str(uploads.too_many_rows())]
    assert not TrainingRecord.objects.exists()


def test_a_sheet_that_claims_the_whole_grid_is_imported_by_the_rows_it_has(world):
    # Its dimension says A1:XFD1048576; read by it, the rows were a million, each 16 384 wide.
    factories.course(world.own.county, "WEB")
    person = world.own.users[Role.SOCIAL_WORKER].username
    cells = "".join(f'<c t="inlineStr"><is><t>{v}</t></is></c>' for v in (person, "WEB", "2025-01-01"))
    xml = (
        f'<?xml version="1.0"?><worksheet xmlns="{bombs.MAIN}"><dimension ref="A1:XFD1048576"/><sheetData>'
        '<row><c t="inlineStr"><is><t>användare</t></is></c><c t="inlineStr"><is><t>kurs</t></is></c>'
        f'<c t="inlineStr"><is><t>datum</t></is></c></row><row>{cells}</row></sheetData></worksheet>'
    ).encode()
    data = bombs.workbook([], sheet=bombs.deflated("xl/worksheets/sheet1.xml", xml))
    started = time.perf_counter()
    result = services.records_import(
        municipality=world.own.municipality, filename="utb.xlsx", data=data, user=world.own.users[Role.COORDINATOR]
    )
    assert time.perf_counter() - started < 5
    assert (result.created, list(result.errors)) == (1, [])
