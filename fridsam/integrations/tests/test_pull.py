"""Reading the statistics through the API: a municipality's own figures, the county's suppressed ones."""

import pytest

from fridsam.integrations.tests.conftest import Api, make_credential
from fridsam.organisations.models import MunicipalityPopulation
from fridsam.statistics.models import Indicator, IndicatorValue

pytestmark = pytest.mark.django_db


@pytest.fixture
def figures(world):
    """2024: a small count (3) in the own municipality, a large one (40) in its neighbour."""
    for tenant, count in ((world.own, 3), (world.neighbour, 40), (world.foreign, 77)):
        MunicipalityPopulation.objects.update_or_create(
            municipality=tenant.municipality, year=2024, defaults={"total": 20_000, "adults": 16_000}
        )
        IndicatorValue.objects.create(
            municipality=tenant.municipality, indicator=Indicator.objects.get(key="vinr_adults"), year=2024, count=count
        )


def _cells(body, indicator="vinr_adults", year=2024):
    return {f["municipality"]: f for f in body["figures"] if f["indicator"] == indicator and f["year"] == year}


def test_a_municipality_reads_its_own_figures_exactly_and_nothing_else(world, client, figures):
    api = Api(client, make_credential(world.own)[1])
    response = api.get("/statistics/figures", year_from=2022, year_to=2024)
    assert response.status_code == 200
    body = response.json()
    assert body["municipalities"] == ["1980"] and body["years"] == [2022, 2023, 2024]
    cells = _cells(body)
    assert set(cells) == {"1980"}
    assert cells["1980"]["count"] == 3 and not cells["1980"]["hidden"]
    assert cells["1980"]["value"] == 1.88  # per 10 000 adults


def test_a_county_reads_its_municipalities_with_small_numbers_hidden(world, client, figures):
    api = Api(client, make_credential(world.own, permissions=["read_statistics"], county=True)[1])
    body = api.get("/statistics/figures", year_from=2024, year_to=2024).json()
    cells = _cells(body)
    assert "0380" not in cells  # another county
    assert cells["1980"]["hidden"] and cells["1980"]["count"] is None and cells["1980"]["value"] is None
    assert cells["1983"]["hidden"]  # it would give the own municipality's away beside the county's total
    assert cells["county"]["count"] == 43
    assert "3" not in {str(f["count"]) for f in body["figures"]}


def test_the_figures_in_koladas_format(world, client, figures):
    api = Api(client, make_credential(world.own)[1])
    body = api.get("/statistics/figures/kolada", year_from=2024, year_to=2024).json()
    entry = next(v for v in body["values"] if v["kpi"] == "vinr_adults")
    assert entry == {
        "kpi": "vinr_adults",
        "municipality": "1980",
        "period": 2024,
        "values": [{"gender": "T", "count": 1, "status": "", "value": 1.88}],
    }
    assert body["count"] == len(body["values"])


def test_the_kolada_format_is_what_the_statistics_import_reads(world, client, figures):
    from fridsam.statistics.importers import parse_kolada

    Indicator.objects.filter(key="vinr_adults").update(kolada_kpi="N12345")
    api = Api(client, make_credential(world.own)[1])
    raw = api.get("/statistics/figures/kolada", year_from=2024, year_to=2024).content
    rows = list(parse_kolada(raw).rows)
    assert any(r.kolada_kpi == "N12345" and r.municipality == "1980" and r.year == "2024" for r in rows)


def test_the_indicator_catalogue(world, client):
    api = Api(client, make_credential(world.own)[1])
    body = api.get("/statistics/indicators").json()
    keys = {i["key"] for i in body}
    assert {"vinr_adults", "screening_rate", "protected_housing_nights"} <= keys
    assert all(i["definitions"] for i in body)


def test_a_range_of_years_is_bounded(world, client):
    api = Api(client, make_credential(world.own)[1])
    assert api.get("/statistics/figures", year_from=2024, year_to=2020).status_code == 422
    assert api.get("/statistics/figures", year_from=2000, year_to=2030).status_code == 422
    assert api.get("/statistics/figures", year_from=1990).status_code == 422
