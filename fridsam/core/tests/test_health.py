"""Liveness and readiness for the load balancer (``/halsa/``, ``/halsa/redo/``)."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from tests.stack import REDIS_URL, redis_or_skip

pytestmark = pytest.mark.django_db

NOWHERE = "redis://127.0.0.1:1/0"  # nothing listens on port 1


def test_liveness_asks_nothing_of_the_database(client):
    with CaptureQueriesContext(connection) as queries:
        response = client.get("/halsa/")
    assert response.status_code == 200 and response.json() == {"status": "ok"}
    assert len(queries) == 0
    assert "no-cache" in response["Cache-Control"]


def test_readiness_checks_the_database_the_cache_and_the_queue(client):
    response = client.get("/halsa/redo/")
    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "ok"
    assert {name: check["status"] for name, check in body["checks"].items()} == {
        "database": "ok",
        "cache": "ok",
        "queue": "ok",
    }
    assert body["checks"]["queue"]["mode"] == "in-process"  # no broker: the tasks run in the request


def test_readiness_with_a_real_broker_and_cache_on_redis(client, settings):
    redis_or_skip()
    settings.CELERY_BROKER_URL = REDIS_URL
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": REDIS_URL}}
    body = client.get("/halsa/redo/").json()
    assert body["status"] == "ok" and "mode" not in body["checks"]["queue"]


def test_a_server_whose_queue_or_cache_is_gone_is_not_ready_but_alive(client, settings):
    settings.CELERY_BROKER_URL = NOWHERE
    response = client.get("/halsa/redo/")
    assert response.status_code == 503
    body = response.json()
    assert body["status"] == "unavailable"
    assert body["checks"]["queue"]["status"] == "error" and body["checks"]["database"]["status"] == "ok"
    assert body["checks"]["queue"]["ms"] < 6000  # bounded
    settings.CELERY_BROKER_URL = None
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": NOWHERE}}
    body = client.get("/halsa/redo/").json()
    assert body["checks"]["cache"]["status"] == "error" and body["checks"]["queue"]["status"] == "ok"
    assert client.get("/halsa/").status_code == 200  # alive all the same: nothing to restart
