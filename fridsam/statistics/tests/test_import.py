"""Getting the numbers in: files of every shape, every kind of bad row, all or nothing."""

from __future__ import annotations

import io
import json
from unittest import mock

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError

from fridsam.accounts.selectors import tenancy_for_user
from fridsam.core.models import AccessAction, AccessLogEntry
from fridsam.core.roles import Role
from fridsam.statistics import services
from fridsam.statistics.models import Indicator, IndicatorValue, ValueSource
from fridsam.statistics.services import Figure, ImportFailed

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english")]

HEADER = "kommunkod;kommun;indikator;år;antal;nämnare"


def _csv(*rows: str, header: str = HEADER, encoding: str = "utf-8") -> bytes:
    return "\n".join([header, *rows]).encode(encoding)


def _import(world, data: bytes, name: str = "statistik.csv", role=Role.COORDINATOR):
    return services.import_file(filename=name, data=data, tenancy=tenancy_for_user(user=world.own.users[role]))


def _errors(world, data, **kwargs):
    with pytest.raises(ImportFailed) as failure:
        _import(world, data, **kwargs)
    return failure.value.result.errors


def _values(world):
    return {
        (v.indicator.key, v.year): (v.count, v.denominator, v.value)
        for v in IndicatorValue.objects.filter(municipality=world.own.municipality).select_related("indicator")
    }


def test_a_good_file_is_imported_and_logged(world):
    code = world.own.municipality.code
    result = _import(
        world,
        _csv(
            f"{code};Ort;investigations;2023;25;",
            f"{code};Ort;screening_rate;2023;40;50",
            f"{code};Ort;protected_housing;2023;;",  # a template row left empty
        ),
    )
    assert (result.created, result.updated, result.unchanged, result.skipped) == (2, 0, 0, 1)
    assert _values(world) == {("investigations", 2023): (25, None, None), ("screening_rate", 2023): (40, 50, None)}
    entry = AccessLogEntry.objects.get(action=AccessAction.IMPORT)
    assert entry.municipality_id == world.own.municipality.pk and "2 nya" in entry.detail


def test_importing_the_same_file_again_changes_nothing(world):
    code = world.own.municipality.code
    data = _csv(f"{code};Ort;investigations;2023;25;")
    _import(world, data)
    before = list(IndicatorValue.objects.values_list("pk", "count", "updated_at"))
    result = _import(world, data)
    assert (result.created, result.updated, result.unchanged) == (0, 0, 1)
    assert list(IndicatorValue.objects.values_list("pk", "count", "updated_at")) == before


def test_a_changed_figure_is_updated(world):
    code = world.own.municipality.code
    _import(world, _csv(f"{code};Ort;investigations;2023;25;"))
    result = _import(world, _csv(f"{code};Ort;investigations;2023;26;"))
    assert (result.created, result.updated) == (0, 1)
    assert _values(world)[("investigations", 2023)] == (26, None, None)


def test_every_bad_row_is_listed_and_nothing_is_saved(world):
    own, foreign = world.own.municipality.code, world.foreign.municipality.code
    errors = _errors(
        world,
        _csv(
            f"{own};Ort;investigations;2023;25;",  # good, but not saved
            f"{foreign};Annan;investigations;2023;5;",  # another county
            f"{own};Ort;no_such_indicator;2023;5;",
            f"{own};Ort;investigations;tjugo;5;",
            f"{own};Ort;investigations;1999;5;",
            f"{own};Ort;investigations;2022;fem;",
            f"{own};Ort;investigations;2021;-3;",
            f"{own};Ort;investigations;2020;2,5;",
            f"{own};Ort;screening_rate;2023;40;",  # a share without "out of"
            f"{own};Ort;screening_rate;2022;60;50",  # more than "out of"
            f"{own};Ort;investigations;2019;5;10",  # "out of" on a count
            f"{own};Ort;investigations;2023;30;",  # duplicate of line 2
        ),
    )
    by_line = {}
    for line, message in errors:
        by_line.setdefault(line, []).append(message)
    assert set(by_line) == set(range(3, 14))
    assert "not one you may report for" in by_line[3][0]
    assert "Unknown indicator" in by_line[4][0]
    assert "is not a year" in by_line[5][0]
    assert "is not a year" in by_line[6][0]
    assert "not a whole number" in by_line[7][0]
    assert "between 0 and" in by_line[8][0]
    assert "not a whole number" in by_line[9][0]
    assert "both the number and what it is out of" in by_line[10][0]
    assert "cannot be larger" in by_line[11][0]
    assert "only used for shares" in by_line[12][0]
    assert "line 2" in by_line[13][0]
    assert IndicatorValue.objects.count() == 0
    assert not AccessLogEntry.objects.filter(action=AccessAction.IMPORT).exists()


def test_sums_that_do_not_add_up_are_rejected(world):
    code = world.own.municipality.code
    errors = _errors(
        world,
        _csv(
            f"{code};Ort;vinr_adults;2023;10;",
            f"{code};Ort;vinr_children_exposed;2023;3;",
            f"{code};Ort;vinr_children_witnessed;2023;5;",
            f"{code};Ort;vinr_all;2023;20;",
        ),
    )
    assert errors == [(5, mock.ANY)] and "add up to 18" in errors[0][1]


def test_wrong_columns_are_named(world):
    errors = _errors(world, _csv("1980;x;2023;4", header="kod;indikator;period;antal"))
    assert errors[0][0] is None
    assert "Missing: kommunkod, år" in errors[0][1] and "Not recognised: kod, period" in errors[0][1]


def test_excel_cp1252_csv_and_utf8_with_bom_are_both_read(world):
    code = world.own.municipality.code
    row = f"{code};Västerås;investigations;2023;25;"
    assert _import(world, _csv(row, encoding="cp1252")).created == 1
    IndicatorValue.objects.all().delete()
    assert _import(world, b"\xef\xbb\xbf" + _csv(row)).created == 1
    # Commas instead of semicolons, and the leading zero dropped by a spreadsheet, are understood.
    assert _import(world, _csv(row.replace(";", ","), header=HEADER.replace(";", ","))).unchanged == 1


def test_xlsx_files_are_read_like_csv(world):
    from openpyxl import Workbook

    workbook = Workbook()
    sheet = workbook.active
    sheet.append(HEADER.split(";"))
    sheet.append([int(world.own.municipality.code), "Ort", "investigations", 2023, 25, None])
    sheet.append([world.own.municipality.code, "Ort", "screening_rate", 2023.0, 12.0, 40])
    buffer = io.BytesIO()
    workbook.save(buffer)
    result = _import(world, buffer.getvalue(), name="statistik.xlsx")
    assert result.created == 2
    assert _values(world)[("screening_rate", 2023)] == (12, 40, None)


def test_a_file_that_is_not_a_workbook_or_of_another_kind_is_refused(world):
    assert "Excel workbook" in _errors(world, b"not a zip", name="statistik.xlsx")[0][1]
    assert "CSV, XLSX or Kolada" in _errors(world, b"x", name="statistik.pdf")[0][1]


def test_kolada_json_is_matched_by_key_figure(world):
    Indicator.objects.filter(key="kolada_adults_opened").update(kolada_kpi="N12345")
    code = world.own.municipality.code
    document = {
        "values": [
            {
                "kpi": "N12345",
                "municipality": code,
                "period": 2023,
                "values": [
                    {"gender": "K", "count": 1, "status": "", "value": 70.0},
                    {"gender": "T", "count": 1, "status": "", "value": 41.2},
                ],
            },
            {
                "kpi": "N12345",
                "municipality": code,
                "period": 2022,
                "values": [{"gender": "T", "count": 0, "status": "Missing", "value": None}],
            },
        ]
    }
    result = _import(world, json.dumps(document).encode(), name="kolada.json")
    assert (result.created, result.skipped) == (1, 1)
    value = IndicatorValue.objects.get()
    assert (str(value.value), value.source) == ("41.20", ValueSource.KOLADA)

    document["values"][0]["kpi"] = "N99999"
    errors = _errors(world, json.dumps(document).encode(), name="kolada.json")
    assert errors == [(1, mock.ANY)] and "N99999 is not linked" in errors[0][1]
    assert "not valid JSON" in _errors(world, b"{", name="kolada.json")[0][1]


def test_a_coordinator_imports_only_for_their_own_municipality(world):
    own, neighbour = world.own.municipality.code, world.neighbour.municipality.code
    errors = _errors(
        world,
        _csv(f"{own};Ort;investigations;2023;25;", f"{neighbour};Granne;investigations;2023;5;"),
        role=Role.COORDINATOR,
    )
    assert [line for line, _m in errors] == [3]
    assert services.writable_municipalities(tenancy_for_user(user=world.own.users[Role.SOCIAL_WORKER])) == {}


def test_a_crash_in_the_middle_of_an_import_leaves_nothing(world):
    own = world.own.municipality.code
    data = _csv(f"{own};Ort;investigations;2023;25;", f"{own};Ort;investigations;2022;20;")
    with (
        mock.patch("fridsam.statistics.services._log", side_effect=IntegrityError("disk full")),
        pytest.raises(IntegrityError),
    ):
        _import(world, data)
    assert IndicatorValue.objects.count() == 0


def test_the_entry_form_service_validates_saves_removes_and_logs(world):
    municipality = world.own.municipality
    user = world.own.users[Role.COORDINATOR]
    changed = services.year_save(
        municipality=municipality,
        year=2024,
        figures={"investigations": Figure(count=12), "screening_rate": Figure(count=5, denominator=9)},
        user=user,
    )
    assert changed == 2
    assert (
        services.year_save(
            municipality=municipality, year=2024, figures={"investigations": Figure(count=12)}, user=user
        )
        == 0
    )
    assert (
        services.year_save(municipality=municipality, year=2024, figures={"investigations": Figure()}, user=user) == 1
    )
    assert set(_values(world)) == {("screening_rate", 2024)}
    assert AccessLogEntry.objects.filter(action=AccessAction.CHANGE, object_id=municipality.code).count() == 2
    with pytest.raises(ValidationError) as error:
        services.year_save(
            municipality=municipality, year=2024, figures={"screening_rate": Figure(count=10, denominator=9)}, user=user
        )
    assert "screening_rate" in error.value.error_dict


def test_population_is_imported_with_the_figures(world):
    from fridsam.organisations.models import MunicipalityPopulation

    code = world.own.municipality.code
    result = _import(
        world,
        _csv(
            f"{code};Ort;befolkning;2019;21000;",
            f"{code};Ort;befolkning_vuxna;2019;16500;",
            f"{code};Ort;investigations;2019;30;",
        ),
    )
    assert result.created == 1
    population = MunicipalityPopulation.objects.get(municipality=world.own.municipality, year=2019)
    assert (population.total, population.adults) == (21000, 16500)
    assert _import(world, _csv(f"{code};Ort;befolkning;2019;21000;")).municipalities == 0  # unchanged
    errors = _errors(world, _csv(f"{code};Ort;befolkning_vuxna;2018;500;", f"{code};Ort;befolkning;2019;100;"))
    assert [line for line, _m in errors] == [2, 3]
    assert "inhabitants (befolkning) is missing" in errors[0][1] and "more adults than inhabitants" in errors[1][1]
