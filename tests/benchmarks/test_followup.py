"""Benchmark of case follow-up at national scale. Run with `make bench`.

Builds 290 municipalities with ten social workers each and FRIDSAM_BENCH_RECORDS follow-up
records (default 1 000 000, opened over ten years, with an intervention on every other record),
then measures through Django's test client and the real database:

* the record list of a social worker and of a coordinator ("all records"), and a record page:
  query count (constant) and median server time over 20 requests (≤ 100 ms);
* recomputing every computed indicator for 290 municipalities × 10 years (≤ 10 s);
* the incremental update after one record changes (≤ 50 ms).
"""

import datetime
import os
import random
import statistics
import time

import pyotp
import pytest
from allauth.mfa.totp.internal.auth import TOTP
from django.contrib.auth.hashers import make_password

from fridsam.accounts.models import Membership, User
from fridsam.core.roles import Role
from fridsam.core.testing import count_queries
from fridsam.followup import services, tallies
from fridsam.followup.models import FollowUpRecord, Intervention
from fridsam.organisations.models import County, Municipality, Unit

pytestmark = [pytest.mark.benchmark, pytest.mark.django_db]
RECORDS = int(os.environ.get("FRIDSAM_BENCH_RECORDS", "1000000"))
MUNICIPALITIES = 290
WORKERS = 10
REQUESTS = 20
CATEGORIES = ["adult_victim"] * 6 + ["child_witnessed", "child_exposed", "person_using_violence", "other"]


def _median_ms(client, url):
    client.get(url)
    times = []
    for _ in range(REQUESTS):
        started = time.perf_counter()
        response = client.get(url)
        times.append((time.perf_counter() - started) * 1000)
        assert response.status_code == 200, url
    return statistics.median(times), max(times)


def test_followup_at_national_scale(client):
    started = time.perf_counter()
    county = County.objects.create(code="97", name="Benchmarklän")
    municipalities = Municipality.objects.bulk_create(
        [
            Municipality(code=f"97{i:02d}" if i < 100 else f"9{i:03d}", name=f"Kommun {i}", county=county)
            for i in range(MUNICIPALITIES)
        ]
    )
    units = Unit.objects.bulk_create(
        [Unit(municipality=m, name="Mottagningen", unit_type="intake") for m in municipalities]
    )
    password = make_password(None)
    users = User.objects.bulk_create(
        [User(username=f"bench-{m.code}-{w}", password=password) for m in municipalities for w in range(WORKERS)]
    )
    owners = {}
    memberships = []
    for index, (m, unit) in enumerate(zip(municipalities, units, strict=True)):
        owners[m.pk] = users[index * WORKERS : (index + 1) * WORKERS]
        memberships += [
            Membership(
                user=u,
                role=Role.SOCIAL_WORKER,
                county=county,
                municipality=m,
                unit=unit,
                valid_from=datetime.date(2015, 1, 1),
            )
            for u in owners[m.pk]
        ]
    coordinator = User.objects.create(username="bench-coordinator", password=password)
    memberships.append(
        Membership(
            user=coordinator,
            role=Role.COORDINATOR,
            county=county,
            municipality=municipalities[0],
            valid_from=datetime.date(2015, 1, 1),
        )
    )
    Membership.objects.bulk_create(memberships)

    rng = random.Random(7)
    first = datetime.date(2016, 1, 1)
    batch, interventions, made = [], [], 0
    unit_of = {u.municipality_id: u for u in units}
    while made < RECORDS:
        m = municipalities[made % MUNICIPALITIES]
        opened = first + datetime.timedelta(days=rng.randrange(3650))
        category = rng.choice(CATEGORIES)
        closed = opened + datetime.timedelta(days=rng.randrange(400)) if rng.random() < 0.8 else None
        batch.append(
            FollowUpRecord(
                municipality_id=m.pk, unit=unit_of[m.pk], owner=owners[m.pk][made // MUNICIPALITIES % WORKERS],
                reference_hash=f"{made:064x}", opened_on=opened, opened_year=opened.year, route_in="police",
                category=category, sex="female", age_band="6-12" if category.startswith("child") else "25-44",
                relation="partner", screening_on=opened if rng.random() < 0.7 else None,
                status="closed" if closed else "open", closed_on=closed, closed_year=closed.year if closed else None,
                outcome=rng.choice(["ended", "reduced", "unknown"]) if closed else "",
            )
        )  # fmt: skip
        made += 1
        if len(batch) == 20_000 or made == RECORDS:
            FollowUpRecord._base_manager.bulk_create(batch, batch_size=5000)
            for record in batch[::2]:
                kind = rng.choice(["protected_housing", "support_talks", "perpetrator_programme"])
                start = record.opened_on + datetime.timedelta(days=rng.randrange(30))
                interventions.append(
                    Intervention(
                        record_id=record.pk, municipality_id=record.municipality_id, kind=kind, started_on=start,
                        started_year=start.year,
                        quantity=rng.randrange(1, 60) if kind != "perpetrator_programme" else None,
                    )
                )  # fmt: skip
            Intervention._base_manager.bulk_create(interventions, batch_size=5000)
            batch, interventions = [], []
    built = time.perf_counter() - started
    print(f"\n{RECORDS} records, {Intervention._base_manager.count()} interventions, built in {built:.0f} s")

    started = time.perf_counter()
    changed = tallies.recompute_all()
    recompute = time.perf_counter() - started
    print(f"Recompute all computed indicators: {recompute:.2f} s ({changed} figures)")

    record = FollowUpRecord._base_manager.filter(municipality=municipalities[0], status="open").first()
    owner = User.objects.get(pk=record.owner_id)
    timings = []
    for n in range(10):
        started = time.perf_counter()
        services.record_update(record=record, fields={"route_in": ["self", "police"][n % 2]}, user=owner)
        timings.append((time.perf_counter() - started) * 1000)
    refresh = []
    for _ in range(10):
        started = time.perf_counter()
        tallies.refresh(record.municipality_id, {record.opened_on.year})
        refresh.append((time.perf_counter() - started) * 1000)
    print(
        f"Incremental: one record changed (service, access log, statistics) median {statistics.median(timings):.1f} ms;"
        f" the statistics update alone median {statistics.median(refresh):.1f} ms"
    )

    for user in (owner, coordinator):
        TOTP.activate(user, pyotp.random_base32())
    client.force_login(owner, backend="django.contrib.auth.backends.ModelBackend")
    results = {}
    for label, url in (("social worker's list", "/uppfoljning/"), ("record page", f"/uppfoljning/{record.pk}/")):
        queries = count_queries(lambda url=url: client.get(url))
        median, slowest = _median_ms(client, url)
        results[label] = (queries, median, slowest)
    client.force_login(coordinator, backend="django.contrib.auth.backends.ModelBackend")
    session = client.session
    session["fridsam_followup_purpose"] = {"text": "Benchmark", "until": "2999-01-01T00:00:00+00:00"}
    session.save()
    for label, url in (
        ("coordinator's list (all)", "/uppfoljning/?vy=alla"),
        ("coordinator reads a record", f"/uppfoljning/{record.pk}/"),
    ):
        queries = count_queries(lambda url=url: client.get(url))
        median, slowest = _median_ms(client, url)
        results[label] = (queries, median, slowest)
    for label, (queries, median, slowest) in results.items():
        print(f"{label}: {queries} queries, median {median:.1f} ms, slowest {slowest:.1f} ms")
    assert all(q <= 22 for q, _m, _s in results.values())
