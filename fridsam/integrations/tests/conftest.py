import datetime

import pytest

from fridsam.core.roles import Role
from fridsam.integrations import services
from fridsam.integrations.models import Permission

ALL = [Permission.PUSH_FOLLOWUP, Permission.READ_STATISTICS]


def make_credential(tenant, permissions=ALL, county=False, name="Treserva"):
    credential, token = services.credential_create(
        name=name,
        municipality=None if county else tenant.municipality,
        unit=None if county else tenant.unit,
        county=tenant.county if county else None,
        permissions=permissions,
        expires_on=datetime.date.today() + datetime.timedelta(days=365),
        user=tenant.users[Role.COUNTY_ANALYST if county else Role.MANAGER],
    )
    return credential, token


@pytest.fixture
def credential(world):
    return make_credential(world.own)


class Api:
    """The API through HTTP (Django's test client), with a credential's token."""

    def __init__(self, client, token):
        self.client = client
        self.token = token

    def headers(self):
        return {"Authorization": f"Bearer {self.token}"} if self.token else {}

    def get(self, path, **params):
        return self.client.get(f"/api/v1{path}", params, headers=self.headers())

    def post(self, path, body):
        return self.client.post(f"/api/v1{path}", body, content_type="application/json", headers=self.headers())

    def push(self, items):
        return self.post("/followup/push", {"items": items})


@pytest.fixture
def api(client, credential):
    return Api(client, credential[1])


def record_item(reference="IFO-2026-0001", **overrides):
    item = {
        "type": "record",
        "reference": reference,
        "opened_on": "2026-03-02",
        "route_in": "police",
        "category": "adult_victim",
        "sex": "female",
        "age_band": "25-44",
        "relation": "partner",
        "violence_forms": ["physical", "psychological"],
    }
    item.update(overrides)
    return {k: v for k, v in item.items() if v is not None}


def intervention_item(reference="IFO-2026-0001", **overrides):
    item = {
        "type": "intervention",
        "reference": reference,
        "kind": "protected_housing",
        "started_on": "2026-03-05",
        "quantity": 12,
    }
    item.update(overrides)
    return {k: v for k, v in item.items() if v is not None}


def closure_item(reference="IFO-2026-0001", **overrides):
    item = {
        "type": "closure",
        "reference": reference,
        "closed_on": "2026-05-20",
        "closure_reason": "goals_met",
        "outcome": "ended",
        "client_view": "better",
    }
    item.update(overrides)
    return {k: v for k, v in item.items() if v is not None}
