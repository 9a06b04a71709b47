"""A municipality's records in SKR's SU-Kvinnofrid variable set: adults subjected to violence, one
row per record numbered only in the file, read with a purpose and logged (ADR 0038)."""

import csv
import datetime
import io

import pytest

from fridsam.core.models import AccessLogEntry
from fridsam.core.roles import Role
from fridsam.followup import services
from fridsam.followup.suv import VARIABLES

pytestmark = pytest.mark.django_db


def _url(world, year=2026):
    return f"/kommuner/{world.own.municipality.code}/uppfoljning/su-kvinnofrid/{year}.csv"


def test_the_file_holds_the_variables_and_no_record_number_or_hash(world, make_record, login):
    worker = world.own.users[Role.SOCIAL_WORKER]
    record = make_record(
        children_in_household=2, police_report="yes", violence_forms=["physical", "honour"], protected_identity=True
    )
    services.intervention_add(
        record=record,
        kind="protected_housing",
        started_on=datetime.date(2026, 3, 5),
        quantity=14,
        children_placed=2,
        children_with_own_decision=2,
        schooling="new_school",
        user=worker,
    )
    services.record_close(
        record=record,
        closed_on=datetime.date(2026, 4, 1),
        reason="goals_partly_met",
        outcome="reduced",
        client_view="better",
        user=worker,
    )
    make_record(reference="IFO-2026-0002", category="child_witnessed", age_band="6-12")  # not an adult: left out
    client = login(world.own.users[Role.COORDINATOR])
    response = client.get(_url(world))
    assert response.status_code == 302 and response["Location"].startswith("/uppfoljning/syfte/")
    client.post("/uppfoljning/syfte/", {"purpose": "quality", "detail": "", "next": _url(world)})
    response = client.get(_url(world))
    assert response.status_code == 200
    text = response.content.decode("utf-8-sig")
    header, *rows = list(csv.reader(io.StringIO(text), delimiter=";"))
    assert header == ["lopnummer", *(v.code for v in VARIABLES)]
    assert len(rows) == 1
    row = dict(zip(header, rows[0], strict=True))
    assert row["lopnummer"] == "1" and row["kommun"] == world.own.municipality.code
    assert (row["vald_fysiskt"], row["vald_sexuellt"], row["hederskontext"]) == ("1", "0", "1")
    assert (row["barn_i_hushallet"], row["polisanmalan"], row["skyddade_personuppgifter"]) == ("2", "1", "1")
    assert (row["insats_skyddat_boende"], row["vardygn_skyddat_boende"]) == ("1", "14")
    assert (row["malet_uppnatt"], row["valdet_vid_avslut"], row["egen_bedomning"]) == ("delvis", "reduced", "better")
    assert record.number not in text and record.reference_hash not in text
    entry = AccessLogEntry.objects.filter(action="export", detail__startswith="SU-Kvinnofrid").get()
    assert entry.purpose.startswith("Kvalitet") or entry.purpose


def test_only_the_coordinators_and_the_whole_municipalitys_managers_export(world, make_record, login):
    make_record()
    assert login(world.own.users[Role.SOCIAL_WORKER]).get(_url(world)).status_code == 404
    assert login(world.neighbour.users[Role.COORDINATOR]).get(_url(world)).status_code == 404
    assert login(world.own.users[Role.COUNTY_ANALYST]).get(_url(world)).status_code == 404
    assert login(world.own.users[Role.COORDINATOR]).get(_url(world, 2999)).status_code == 404
