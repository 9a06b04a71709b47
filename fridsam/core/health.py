"""What a load balancer and monitoring ask of a server (``/halsa/``, ``/halsa/redo/``).

Liveness: the process answers; it depends on nothing else, so a database that is down never gets
every server restarted. Readiness: the server can do its work — the database answers, the cache
stores and returns a value, and the queue's broker takes connections (when one is configured;
without one the tasks run in-process and there is nothing to reach). Each check is bounded by a
short timeout and reports how long it took; a failing check names only its kind of error.
"""

from __future__ import annotations

import time
import uuid

from django.conf import settings
from django.core.cache import cache
from django.db import connection
from kombu import Connection

TIMEOUT = 2.0  # seconds, per check


def _database() -> None:
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
        cursor.fetchone()


def _cache() -> None:
    key = f"fridsam:health:{uuid.uuid4().hex}"
    cache.set(key, "1", timeout=10)
    found = cache.get(key)
    cache.delete(key)
    if found != "1":
        raise RuntimeError("the cache did not return what was stored")


def _queue() -> str | None:
    if not settings.CELERY_BROKER_URL:
        return "in-process"
    with Connection(settings.CELERY_BROKER_URL, connect_timeout=TIMEOUT) as broker:
        broker.ensure_connection(max_retries=1, timeout=TIMEOUT)
    return None


CHECKS = {"database": _database, "cache": _cache, "queue": _queue}


def readiness() -> tuple[bool, dict]:
    results = {}
    for name, check in CHECKS.items():
        started = time.perf_counter()
        try:
            note = check()
        except Exception as error:  # a check that fails for any reason makes the server not ready
            results[name] = {"status": "error", "error": type(error).__name__}
        else:
            results[name] = {"status": "ok", **({"mode": note} if note else {})}
        results[name]["ms"] = round((time.perf_counter() - started) * 1000, 1)
    return all(r["status"] == "ok" for r in results.values()), results
