"""Pushing follow-up data through the API, over HTTP with an integration credential."""

import datetime

import pytest
from django.test import override_settings

from fridsam.core import references
from fridsam.core.models import AccessAction, AccessLogEntry
from fridsam.followup.models import FollowUpRecord, Intervention, RecordEvent, Status
from fridsam.integrations.models import IntegrationCredential, Permission
from fridsam.integrations.tests.conftest import (
    Api,
    closure_item,
    intervention_item,
    make_credential,
    record_item,
)
from fridsam.statistics.models import IndicatorValue

pytestmark = pytest.mark.django_db


def _case():
    return [record_item(), intervention_item(), closure_item()]


def test_a_case_is_opened_given_an_intervention_and_closed_in_one_call(world, api, credential):
    response = api.push(_case())
    assert response.status_code == 200, response.content
    assert response.json() == {
        "created": 1, "updated": 0, "closed": 1, "interventions_added": 1, "interventions_changed": 0, "unchanged": 0,
    }  # fmt: skip
    record = FollowUpRecord.objects.get()
    assert record.municipality == world.own.municipality and record.unit == world.own.unit
    assert record.owner is None and record.via == "Treserva"
    assert record.status == Status.CLOSED and record.closed_on == datetime.date(2026, 5, 20)
    assert record.reference_hash == references.reference_hash(world.own.municipality, "ifo-2026-0001")
    assert Intervention.objects.get().quantity == 12
    assert [e.kind for e in RecordEvent.objects.order_by("pk")] == ["opened", "closed"]
    # The statistics are computed as the services compute them.
    values = {
        v.indicator.key: v.count
        for v in IndicatorValue.objects.filter(municipality=world.own.municipality, year=2026, source="computed")
    }
    assert values["vinr_adults"] == 1
    assert values["protected_housing_nights"] == 12
    assert values["closed_violence_ended"] == 1


def test_the_same_payload_twice_changes_nothing(world, api):
    assert api.push(_case()).status_code == 200
    record = FollowUpRecord.objects.get()
    entries = AccessLogEntry.objects.count()
    response = api.push(_case())
    assert response.status_code == 200
    assert response.json()["unchanged"] == 3
    assert response.json()["created"] == response.json()["closed"] == 0
    again = FollowUpRecord.objects.get()
    assert again.updated_at == record.updated_at
    assert Intervention.objects.count() == 1 and RecordEvent.objects.count() == 2
    # Only the call itself is logged.
    assert AccessLogEntry.objects.count() == entries + 1


def test_an_update_changes_the_record_and_is_logged_under_the_credentials_name(world, api, credential):
    api.push([record_item()])
    response = api.push([record_item(age_band="45-64"), intervention_item(quantity=20)])
    assert response.json()["updated"] == 1 and response.json()["interventions_added"] == 1
    response = api.push([intervention_item(quantity=25)])
    assert response.json()["interventions_changed"] == 1
    assert FollowUpRecord.objects.get().age_band == "45-64"
    assert Intervention.objects.get().quantity == 25
    rows = AccessLogEntry.objects.filter(object_type="followup.followuprecord").order_by("sequence")
    assert [r.action for r in rows] == [
        AccessAction.CREATE,
        AccessAction.CHANGE,
        AccessAction.CHANGE,
        AccessAction.CHANGE,
    ]
    assert {r.username for r in rows} == {credential[0].log_name}
    assert {r.role for r in rows} == {"integration"}
    assert all(r.user_id is None and r.municipality_id == world.own.municipality.pk for r in rows)
    calls = AccessLogEntry.objects.filter(object_type="integrations.call")
    assert calls.count() == 3 and {c.username for c in calls} == {credential[0].log_name}


def test_a_call_with_bad_items_saves_nothing_and_names_every_bad_item(world, api):
    items = [
        record_item("IFO-1"),
        record_item("IFO-2", category="child_exposed", age_band="25-44"),
        intervention_item("IFO-1", started_on="2026-01-01"),
        closure_item("IFO-9"),
        record_item("IFO-3"),
        {"type": "record", "reference": "IFO-4"},
    ]
    response = api.push(items)
    assert response.status_code == 422
    errors = response.json()["errors"]
    assert {e["index"] for e in errors} == {1, 2, 3, 5}
    assert "age_band" in {e["field"] for e in errors if e["index"] == 1}
    assert {e["field"] for e in errors if e["index"] == 2} == {"started_on"}
    assert {e["field"] for e in errors if e["index"] == 5} >= {"opened_on", "category"}
    assert FollowUpRecord.objects.count() == 0
    assert not IndicatorValue.objects.filter(source="computed").exists()


@pytest.mark.parametrize(
    "number",
    [
        "19121212-1212",
        "121212-1212",
        "121212 1212",
        "121212–1212",
        "１２１２１２－１２１２",
        "1212121212",
        "121212\u200b1212",
    ],
)
def test_personal_identity_numbers_are_refused_in_every_typographic_form(api, number):
    response = api.push([record_item(number)])
    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == "reference"
    response = api.push([record_item("IFO-5", note=f"Klienten {number} ringde")])
    assert response.status_code == 422
    assert [e["field"] for e in response.json()["errors"]] == ["note"]
    assert FollowUpRecord.objects.count() == 0


def test_the_messages_are_swedish(api):
    response = api.push([record_item("121212-1212")])
    assert "personnummer" in response.json()["errors"][0]["message"]
    assert "sparades" in response.json()["detail"]


def test_at_most_a_thousand_items_per_call(api):
    response = api.push([record_item(f"IFO-{i}") for i in range(1001)])
    assert response.status_code == 422
    assert FollowUpRecord.objects.count() == 0


def test_a_closed_record_is_not_changed_and_a_closing_is_not_replaced(api):
    api.push(_case())
    response = api.push([record_item(age_band="45-64")])
    assert response.status_code == 422
    response = api.push([closure_item(outcome="reduced")])
    assert response.status_code == 422
    assert FollowUpRecord.objects.get().age_band == "25-44"


def test_a_record_cannot_move_past_its_interventions(api):
    api.push([record_item(), intervention_item()])
    response = api.push([record_item(opened_on="2026-04-01")])
    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == "opened_on"


def test_a_record_of_another_municipality_with_the_same_reference_is_not_touched(world, client, api):
    neighbour = Api(client, make_credential(world.neighbour)[1])
    assert neighbour.push([record_item()]).json()["created"] == 1
    assert api.push([record_item(age_band="45-64")]).json()["created"] == 1
    by_municipality = dict(FollowUpRecord.objects.values_list("municipality__code", "age_band"))
    assert by_municipality == {"1983": "25-44", "1980": "45-64"}


def test_without_a_valid_credential_the_api_answers_401(world, client, credential):
    record, token = credential
    for header in (None, "Bearer nonsense", f"Bearer {token}x", f"Basic {token}"):
        headers = {"Authorization": header} if header else {}
        response = client.post("/api/v1/followup/push", {"items": []}, content_type="application/json", headers=headers)
        assert response.status_code == 401, header
        assert response["WWW-Authenticate"] == "Bearer"
    IntegrationCredential.objects.filter(pk=record.pk).update(expires_on=datetime.date(2025, 1, 1))
    assert Api(client, token).push([]).status_code == 401


def test_a_revoked_credential_is_refused(world, client, credential):
    from fridsam.integrations.services import credential_revoke

    credential_revoke(credential=credential[0], user=world.own.users["manager"])
    assert Api(client, credential[1]).push([record_item()]).status_code == 401


def test_a_credential_does_only_what_it_may(world, client):
    reader = Api(client, make_credential(world.own, permissions=[Permission.READ_STATISTICS])[1])
    assert reader.push([record_item()]).status_code == 403
    pusher = Api(client, make_credential(world.own, permissions=[Permission.PUSH_FOLLOWUP])[1])
    assert pusher.get("/statistics/figures").status_code == 403
    county = Api(client, make_credential(world.own, permissions=[Permission.READ_STATISTICS], county=True)[1])
    assert county.push([record_item()]).status_code == 403
    assert FollowUpRecord.objects.count() == 0


@override_settings(FRIDSAM_API_RATE_LIMIT=3)
def test_calls_are_rate_limited_per_credential(world, client, api):
    from django.core.cache import cache

    cache.clear()
    statuses = [api.get("/statistics/indicators").status_code for _ in range(4)]
    assert statuses == [200, 200, 200, 429]
    response = api.get("/statistics/indicators")
    assert 1 <= int(response["Retry-After"]) <= 60
    other = Api(client, make_credential(world.own, name="Lifecare")[1])
    assert other.get("/statistics/indicators").status_code == 200
    cache.clear()


def test_a_pushed_record_is_read_by_the_manager_and_given_to_a_social_worker(world, client, api):
    from django.urls import reverse

    api.push([record_item()])
    record = FollowUpRecord.objects.get()
    worker, manager = world.own.users["social_worker"], world.own.users["manager"]
    world.act_as(client, worker)
    assert client.get(reverse("followup:record_detail", args=[record.pk])).status_code == 404
    world.act_as(client, manager)
    # The manager reads it after giving a purpose, as for any record not their own.
    assert client.get(reverse("followup:record_detail", args=[record.pk])).status_code == 302
    client.post(reverse("followup:purpose"), {"purpose": "allocation", "detail": ""})
    listing = client.get(reverse("followup:record_list") + "?vy=alla")
    assert "Inskickat av Treserva" in listing.content.decode()
    response = client.post(reverse("followup:record_reassign", args=[record.pk]), {"owner": worker.pk})
    assert response.status_code == 302
    world.act_as(client, worker)
    page = client.get(reverse("followup:record_detail", args=[record.pk]))
    assert page.status_code == 200 and "Treserva" in page.content.decode()
