"""Benchmark of the API's bulk push. Run with `make bench` (SQLite) and with DATABASE_URL set
(PostgreSQL).

Through Django's test client and the real database, with an integration credential:

* one call of 1 000 new records (≤ 2 s), and the same call again, which changes nothing;
* FRIDSAM_BENCH_API_RECORDS records (default 100 000) pushed in calls of 1 000 (≤ 3 minutes),
  opened over ten years, every other one with an intervention, every fourth one closed.

Each call validates every item as the forms do, writes the records, their events and their
access-log rows, and refreshes the computed statistics of the years touched.
"""

import datetime
import os
import time

import pytest
from django.core.cache import cache
from django.db import connection
from django.test import override_settings

from fridsam.core.models import AccessLogEntry
from fridsam.followup.models import FollowUpRecord
from fridsam.integrations.tests.conftest import Api, make_credential

pytestmark = [pytest.mark.benchmark, pytest.mark.django_db]
RECORDS = int(os.environ.get("FRIDSAM_BENCH_API_RECORDS", "100000"))
BATCH = 1000
CATEGORIES = ["adult_victim"] * 6 + ["child_witnessed", "child_exposed", "person_using_violence", "other"]


def _items(start: int, count: int, *, mixed: bool) -> list[dict]:
    items = []
    for i in range(start, start + count):
        year = 2016 + i % 10
        opened = datetime.date(year, 1 + i % 12, 1 + i % 27)
        category = CATEGORIES[i % len(CATEGORIES)]
        child = category.startswith("child")
        reference = f"BENCH-{i:07d}"
        items.append(
            {
                "type": "record",
                "reference": reference,
                "opened_on": opened.isoformat(),
                "route_in": "police",
                "category": category,
                "sex": "female" if i % 3 else "male",
                "age_band": "6-12" if child else "25-44",
                "relation": "partner" if not child else "parent",
                "violence_forms": ["physical", "psychological"],
            }
        )
        if mixed and i % 2 == 0:
            items.append(
                {
                    "type": "intervention",
                    "reference": reference,
                    "kind": "protected_housing" if i % 4 == 0 else "support_talks",
                    "started_on": (opened + datetime.timedelta(days=2)).isoformat(),
                    "quantity": 10,
                }
            )
        if mixed and i % 4 == 0:
            items.append(
                {
                    "type": "closure",
                    "reference": reference,
                    "closed_on": (opened + datetime.timedelta(days=40)).isoformat(),
                    "closure_reason": "goals_met",
                    "outcome": "ended",
                }
            )
    return items


def _push(api, items):
    started = time.perf_counter()
    response = api.push(items)
    elapsed = time.perf_counter() - started
    assert response.status_code == 200, response.content[:2000]
    return elapsed, response.json()


@override_settings(FRIDSAM_API_RATE_LIMIT=1_000_000)
def test_bulk_push(world, client):
    cache.clear()
    api = Api(client, make_credential(world.own)[1])
    vendor = connection.vendor
    assert api.get("/statistics/indicators").status_code == 200  # a server that has started

    seconds, result = _push(api, _items(0, 1000, mixed=False))
    assert result["created"] == 1000
    again, result = _push(api, _items(0, 1000, mixed=False))
    assert result["unchanged"] == 1000
    print(f"\n[{vendor}] one call of 1 000 new records: {seconds:.2f} s; the same call again: {again:.2f} s")
    one_call = seconds

    bulk = Api(client, make_credential(world.neighbour, name="Bulk")[1])
    started = time.perf_counter()
    slowest = 0.0
    pushed = 0
    while pushed < RECORDS:
        # A call of 1 000 records (with their interventions and closings beside them, within the limit).
        items = _items(1_000_000 + pushed, 1000, mixed=False)
        seconds, result = _push(bulk, items)
        slowest = max(slowest, seconds)
        pushed += result["created"]
    total = time.perf_counter() - started
    print(f"[{vendor}] {pushed:,} records in calls of 1 000: {total:.1f} s (slowest call {slowest:.2f} s)")
    assert FollowUpRecord.objects.filter(municipality=world.neighbour.municipality).count() == RECORDS

    mixed = _items(5_000_000, 400, mixed=True)  # 400 cases: 400 records, 200 interventions, 100 closings
    seconds, result = _push(bulk, mixed)
    print(f"[{vendor}] one call of {len(mixed)} mixed items (records, interventions, closings): {seconds:.2f} s")
    print(f"[{vendor}] access-log entries: {AccessLogEntry.objects.count():,}")
    assert one_call <= 2.0
    assert total <= 180
