"""Every API operation, called with the credential of every other tenant, as the URL sweep does
for the pages (tests/test_url_sweep.py, which leaves the API's URLs to this file).

Generated from the served schema, so a new operation is covered the day it is written (its sample
call goes in SAMPLES). The own municipality has a pushed record and a figure no other municipality
has; a credential of the neighbour municipality, of a municipality in another county and of
another county calls every operation: none sees the own municipality's code or figure, none
changes its record, and without a credential every operation answers 401.
"""

from __future__ import annotations

import json

import pytest

from fridsam.followup.models import FollowUpRecord, Intervention
from fridsam.integrations.api import SCHEMA_FILE
from fridsam.integrations.tests.conftest import Api, intervention_item, make_credential, record_item
from fridsam.statistics.models import Indicator, IndicatorValue

MARKER_COUNT = 7777
REFERENCE = "SWEEP-API-1"

# A sample call of each operation: (method, path, query or body), aimed at the own tenant's data.
SAMPLES = {
    ("post", "/api/v1/followup/push"): {
        "items": [record_item(REFERENCE, age_band="45-64"), intervention_item(REFERENCE, started_on="2026-03-06")]
    },
    ("get", "/api/v1/statistics/indicators"): {},
    ("get", "/api/v1/statistics/figures"): {"year_from": 2024, "year_to": 2026},
    ("get", "/api/v1/statistics/figures/kolada"): {"year_from": 2024, "year_to": 2026},
}


def operations():
    schema = json.loads(SCHEMA_FILE.read_text(encoding="utf-8"))
    return sorted((method, path) for path, item in schema["paths"].items() for method in item)


OPERATIONS = operations()


def test_every_operation_has_a_sample_call():
    assert set(OPERATIONS) == set(SAMPLES), "add the new operation's sample call to SAMPLES"


@pytest.fixture
def own_data(world, client):
    Api(client, make_credential(world.own)[1]).push([record_item(REFERENCE), intervention_item(REFERENCE)])
    IndicatorValue.objects.create(
        municipality=world.own.municipality,
        indicator=Indicator.objects.get(key="vinr_children_witnessed"),
        year=2025,
        count=MARKER_COUNT,
    )
    return FollowUpRecord.objects.get(municipality=world.own.municipality)


def _call(api, method, path, sample):
    path = path.removeprefix("/api/v1")
    return api.post(path, sample) if method == "post" else api.get(path, **sample)


OUTSIDERS = {
    "neighbour municipality": lambda w: make_credential(w.neighbour, name="Grannens system"),
    "municipality of another county": lambda w: make_credential(w.foreign, name="Främmande system"),
    "another county": lambda w: make_credential(w.foreign, permissions=["read_statistics"], county=True),
}


@pytest.mark.django_db
@pytest.mark.parametrize(("method", "path"), OPERATIONS, ids=[f"{m} {p}" for m, p in OPERATIONS])
@pytest.mark.parametrize("outsider", list(OUTSIDERS))
def test_no_operation_reaches_another_municipalitys_data(world, client, own_data, method, path, outsider):
    record = own_data
    before = (
        FollowUpRecord.objects.filter(pk=record.pk).values().get(),
        Intervention.objects.filter(record=record).count(),
    )
    _credential, token = OUTSIDERS[outsider](world)
    response = _call(Api(client, token), method, path, SAMPLES[(method, path)])
    assert response.status_code < 500
    body = response.content.decode()
    assert f'"{world.own.municipality.code}"' not in body, f"{method} {path} shows the own municipality to {outsider}"
    assert str(MARKER_COUNT) not in body
    after = (
        FollowUpRecord.objects.filter(pk=record.pk).values().get(),
        Intervention.objects.filter(record=record).count(),
    )
    assert after == before, f"{method} {path} changed the own municipality's record as {outsider}"


@pytest.mark.django_db
@pytest.mark.parametrize(("method", "path"), OPERATIONS, ids=[f"{m} {p}" for m, p in OPERATIONS])
def test_every_operation_needs_a_credential(world, client, method, path):
    response = _call(Api(client, None), method, path, SAMPLES[(method, path)])
    assert response.status_code == 401
    # A logged-in person is not a machine client either.
    world.act_as(client, world.own.users["manager"])
    assert _call(Api(client, None), method, path, SAMPLES[(method, path)]).status_code == 401


@pytest.mark.django_db
@pytest.mark.parametrize(("method", "path"), OPERATIONS, ids=[f"{m} {p}" for m, p in OPERATIONS])
def test_the_own_credential_reaches_every_operation(world, client, own_data, method, path):
    response = _call(Api(client, make_credential(world.own)[1]), method, path, SAMPLES[(method, path)])
    assert response.status_code == 200, response.content
