"""SKR's three key figures: computed from the follow-up records per 10 000 adults, shown beside the
imported Kolada figures ("Källa: Kolada" only there), exported in the collection format with
Kolada's marks for secrecy, bortfall and not applicable, and read back by the Kolada v3 import."""

import csv
import datetime
import io
import json

import pytest
from django.utils import timezone

from fridsam.core.models import AccessLogEntry
from fridsam.core.roles import Role
from fridsam.followup import services as followup
from fridsam.statistics.models import Indicator, IndicatorValue, ValueSource

pytestmark = pytest.mark.django_db

YEAR = 2025


def _records(tenant, n: int, *, with_intervention: int, goal_met: int, prefix: str):
    worker = tenant.users[Role.SOCIAL_WORKER]
    for i in range(n):
        record = followup.record_create(
            owner=worker,
            municipality=tenant.municipality,
            unit=tenant.unit,
            reference=f"{prefix}-{i}",
            fields={
                "opened_on": datetime.date(YEAR, 2, 1 + i),
                "route_in": "police",
                "category": "adult_victim",
                "sex": "female",
                "age_band": "25-44",
                "relation": "partner",
                "violence_forms": ["physical"],
                "protected_identity": False,
            },
        )
        if i < with_intervention:
            followup.intervention_add(
                record=record, kind="support_talks", started_on=datetime.date(YEAR, 3, 1), quantity=4, user=worker
            )
        if i < goal_met:
            followup.record_close(
                record=record,
                closed_on=datetime.date(YEAR, 9, 1),
                reason="goals_met" if i % 2 else "goals_partly_met",
                outcome="reduced",
                client_view="",
                user=worker,
            )


@pytest.fixture
def figures(world):
    """Own: 6 adults actualised in 2025, 5 with an intervention, 4 closed with the goal (partly) met;
    the neighbour: 2 adults (a small number). The world has 8 000 adults in each in 2025."""
    _records(world.own, 6, with_intervention=5, goal_met=4, prefix="A")
    _records(world.neighbour, 2, with_intervention=1, goal_met=0, prefix="B")
    Indicator.objects.filter(key="kolada_adults_opened").update(kolada_kpi="TEST-K1")
    Indicator.objects.filter(key="kolada_adults_intervention").update(kolada_kpi="TEST-K2")
    return world


def _computed(world, key):
    return IndicatorValue.objects.get(municipality=world.own.municipality, indicator__key=key, year=YEAR)


def _csv(response):
    text = response.content.decode("utf-8-sig")
    return list(csv.reader(io.StringIO(text), delimiter=";"))


def test_the_three_key_figures_are_computed_from_the_records(figures):
    assert _computed(figures, "skr_adults_actualised").count == 6
    assert _computed(figures, "skr_adults_intervention").count == 5
    # Closed because the goal was fully or partly met, with an intervention: the fifth closed
    # record had none and is not counted.
    assert _computed(figures, "skr_adults_goal_met").count == 4
    assert {v.source for v in IndicatorValue.objects.filter(indicator__key__startswith="skr_")} == {
        ValueSource.COMPUTED
    }


def test_the_page_shows_them_per_10000_adults_beside_kolada_with_its_attribution(figures, login):
    IndicatorValue.objects.create(
        municipality=figures.own.municipality,
        indicator=Indicator.objects.get(key="kolada_adults_opened"),
        year=YEAR,
        value="8.1",
        source=ValueSource.KOLADA,
    )
    client = login(figures.own.users[Role.COORDINATOR])
    response = client.get(f"/kommuner/{figures.own.municipality.code}/statistik/skr/")
    assert response.status_code == 200
    page = response.content.decode()
    assert "7,5" in page and "8,1" in page  # 6 of 8 000 adults; Kolada's own figure beside it
    # This year is not over: it is marked as such (ADR 0025).
    this_year = timezone.localdate().year
    assert f"{this_year} (hittills, delår)" in page and "Året är inte slut" in page
    # The attribution stands under the key figure whose imported column came from Kolada, and only there.
    sections = page.split('id="kf-')
    opened = next(s for s in sections if s.startswith("skr_adults_actualised"))
    intervention = next(s for s in sections if s.startswith("skr_adults_intervention"))
    assert "Källa: Kolada" in opened and "Källa: Kolada" not in intervention
    # The key figure without a linked Kolada id is named.
    assert "Kolada id" in page or "Kolada-id" in page


def test_the_collection_file_marks_bortfall_and_not_applicable(figures, login):
    client = login(figures.own.users[Role.COORDINATOR])
    url = f"/kommuner/{figures.own.municipality.code}/statistik/skr/"
    client.post(url, {"key_figures": ["skr_adults_actualised", "skr_adults_intervention"]})
    response = client.get(url + "?format=csv")
    assert response.status_code == 200 and response["Content-Disposition"].endswith('.csv"')
    header, *rows = _csv(response)
    assert header == ["kpi", "kommun_id", "kommun", "period", "kon", "antal", "varde", "status"]
    by = {(r[0], r[3]): r for r in rows}
    assert by[("TEST-K1", str(YEAR))][4:] == ["T", "6", "7,5", ""]
    assert by[("TEST-K2", str(YEAR))][5:] == ["5", "6,3", ""]
    assert by[("TEST-K1", str(YEAR - 1))][6:] == ["Bortfall", "Bortfall"]  # no records that year
    # Not reported by the municipality; no Kolada id linked: named by Fridsam's identifier.
    assert by[("skr_adults_goal_met", str(YEAR))][6:] == ["Ej tillämpligt", "Ej tillämpligt"]
    assert AccessLogEntry.objects.filter(action="export", object_type="statistics.indicatorvalue").exists()


def test_the_county_file_hides_small_numbers_as_secret(figures, login):
    client = login(figures.own.users[Role.COUNTY_ANALYST])
    county = figures.own.municipality.county
    response = client.get(f"/lan/{county.code}/statistik/skr/?ar={YEAR}&format=csv")
    assert response.status_code == 200
    _header, *rows = _csv(response)
    neighbour = [r for r in rows if r[1] == figures.neighbour.municipality.code and r[0] == "TEST-K1"]
    assert neighbour and neighbour[0][5:] == ["", "..", ".."]
    assert all(r[5] not in ("1", "2") for r in rows)
    page = client.get(f"/lan/{county.code}/statistik/skr/?ar={YEAR}")
    assert page.status_code == 200 and "Källa: Kolada" not in page.content.decode()


def test_the_kolada_json_export_reads_back_through_the_v3_import(figures, login):
    client = login(figures.own.users[Role.COORDINATOR])
    response = client.get(f"/kommuner/{figures.own.municipality.code}/statistik/skr/?format=json")
    document = json.loads(response.content)
    entry = next(v for v in document["values"] if v["kpi"] == "TEST-K1" and v["period"] == YEAR)
    assert entry["values"] == [{"gender": "T", "count": 1, "status": None, "value": 7.5}]
    missing = next(v for v in document["values"] if v["kpi"] == "TEST-K1" and v["period"] == YEAR - 1)
    assert missing["values"][0]["value"] is None and missing["values"][0]["status"] == "Bortfall"
    # Read back as Kolada figures: the unlinked key figure is refused, so import the linked ones.
    document["values"] = [v for v in document["values"] if v["kpi"].startswith("TEST-")]
    upload = io.BytesIO(json.dumps(document).encode())
    upload.name = "kolada.json"
    result = client.post("/statistik/import/", {"file": upload})
    assert result.status_code == 200, result.content.decode()[:2000]
    value = IndicatorValue.objects.get(
        municipality=figures.own.municipality, indicator__key="kolada_adults_opened", year=YEAR
    )
    assert (float(value.value), value.source) == (7.5, ValueSource.KOLADA)


def test_a_file_that_is_one_page_of_several_is_refused(figures, login):
    client = login(figures.own.users[Role.COORDINATOR])
    document = {"count": 9000, "values": [], "next_page": "https://api.kolada.se/v3/data/kpi/X?page=2"}
    upload = io.BytesIO(json.dumps(document).encode())
    upload.name = "kolada.json"
    response = client.post("/statistik/import/", {"file": upload})
    assert response.status_code == 400
    assert "more pages follow" in response.content.decode() or "fler sidor" in response.content.decode()


def test_only_the_municipalitys_coordinators_and_managers_say_what_it_reports(figures, login):
    client = login(figures.own.users[Role.SOCIAL_WORKER])
    url = f"/kommuner/{figures.own.municipality.code}/statistik/skr/"
    assert client.get(url).status_code == 200
    assert client.post(url, {"key_figures": []}).status_code == 404
    foreign = login(figures.foreign.users[Role.COORDINATOR])
    assert foreign.get(url).status_code == 404
