"""The API's schema: served at a stable URL, kept in the repository, and what the API does.

schemathesis generates calls from the served schema (the committed file, which the first test
holds equal to it) and sends them through Django's WSGI handler: no answer is a server error,
and every answer has a documented status and conforms to its schema. The examples are bounded
and drawn the same on every run (derandomized), so that the test is red or green for the code.
"""

import json

import pytest
import schemathesis
from django.core.cache import cache
from django.core.signals import request_finished, request_started
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections
from django.test import override_settings
from hypothesis import HealthCheck, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import response_schema_conformance, status_code_conformance

from fridsam.integrations.api import SCHEMA_FILE
from fridsam.integrations.tests.conftest import make_credential

pytestmark = pytest.mark.django_db


def test_the_committed_schema_is_the_served_one(client):
    response = client.get("/api/v1/openapi.json")
    assert response.status_code == 200
    assert response.json() == json.loads(SCHEMA_FILE.read_text(encoding="utf-8")), (
        "fridsam/integrations/openapi.json is stale: run manage.py api_schema and commit it"
    )


schema = schemathesis.openapi.from_path(str(SCHEMA_FILE))
schema.app = get_wsgi_application()


@pytest.fixture
def connection_kept():
    """Django's WSGI handler closes the database connection when a request ends (the test client
    keeps it, and so must this test: the test's transaction lives on it)."""
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


@pytest.fixture
def token(world, connection_kept):
    cache.clear()
    return make_credential(world.own)[1]


@override_settings(FRIDSAM_API_RATE_LIMIT=100_000)
@schema.parametrize()
@settings(
    max_examples=20,
    derandomize=True,
    database=None,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow, HealthCheck.filter_too_much],
)
def test_the_api_answers_as_its_schema_says(case, token):
    if isinstance(case.body, dict) and isinstance(case.body.get("items"), list):
        case.body["items"] = case.body["items"][:20]  # the bulk is measured by the benchmark, not here
    case.call_and_validate(
        headers={"Authorization": f"Bearer {token}"},
        checks=[not_a_server_error, status_code_conformance, response_schema_conformance],
    )
