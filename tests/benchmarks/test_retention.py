"""Benchmark of the monthly culling. Run with `make bench`.

Builds FRIDSAM_BENCH_CULL_RECORDS follow-up records (default 100 000, in ten municipalities, half
of them closed more than five years ago, each with an opening event, a closing event where closed
and an intervention) and FRIDSAM_BENCH_CULL_LOG access-log entries (default 1 000 000, keyed and
chained, 70 % older than five years), then measures on the real database:

* the preview of every municipality (counts per kind and unit) and the installation's;
* culling the records (archive package off) in batches of 500: the total, and the slowest batch
  transaction — the longest any row lock is held, which bounds how long a page can wait;
* the nightly verification of the whole log (``verify_access_log``), recorded signed;
* cutting the access log: the part to remove verified from that verification on (ADR 0041: the
  cut entry alone when the nightly reached past it), the checkpoint, deleting in batches of 5 000
  (the slowest batch), and verifying what is left from the checkpoint;
* removing a leaver's account (ADR 0040): one recent entry in fifty is theirs, each verified and
  sealed with the pseudonym, in batches of 2 000.

Rerun with other sizes: FRIDSAM_BENCH_CULL_RECORDS, FRIDSAM_BENCH_CULL_LOG, FRIDSAM_BENCH_CULL_BATCH
(records per transaction), e.g. ``FRIDSAM_BENCH_CULL_LOG=200000 make bench``; each run builds its
own test database and leaves nothing behind.

The issue's scale (1 000 000 records, 10 000 000 log rows) is extrapolated linearly from these
figures in the printed summary: every step is a scan or a batched delete, linear in the rows.
"""

import datetime
import hashlib
import importlib
import os
import random
import time

import pytest
from django.conf import settings
from django.contrib.auth.hashers import make_password
from django.db import connection
from django.utils import timezone

from fridsam.accounts.models import Membership, User
from fridsam.core import log_culling
from fridsam.core.audit import GENESIS_HASH, current_key, keyed_hash, record_verification, verify_chain
from fridsam.core.models import AccessLogEntry
from fridsam.core.roles import Role
from fridsam.followup.models import EventKind, FollowUpRecord, Intervention, RecordEvent
from fridsam.organisations.models import County, Municipality, Unit
from fridsam.retention import pseudonyms, services
from fridsam.retention.kinds import midnight
from fridsam.retention.models import Kind, RunStatus

pytestmark = [pytest.mark.benchmark, pytest.mark.django_db]
RECORDS = int(os.environ.get("FRIDSAM_BENCH_CULL_RECORDS", "100000"))
LOG_ROWS = int(os.environ.get("FRIDSAM_BENCH_CULL_LOG", "1000000"))
MUNICIPALITIES = 10
BATCH = int(os.environ.get("FRIDSAM_BENCH_CULL_BATCH", str(settings.FRIDSAM_CULLING_BATCH_SIZE)))  # per transaction
triggers = importlib.import_module("fridsam.core.migrations.0012_access_log_seal")


def _records():
    county = County.objects.create(code="96", name="Gallringslän")
    municipalities = Municipality.objects.bulk_create(
        [Municipality(code=f"96{i:02d}", name=f"Kommun {i}", county=county) for i in range(MUNICIPALITIES)]
    )
    units = Unit.objects.bulk_create(
        [Unit(municipality=m, name=f"Enhet {u}", unit_type="intake") for m in municipalities for u in range(3)]
    )
    owner = User.objects.create(username="bench-owner", password=make_password(None))
    Membership.objects.bulk_create(
        [
            Membership(user=owner, role=Role.SOCIAL_WORKER, county=county, municipality=m, unit=units[i * 3])
            for i, m in enumerate(municipalities)
        ]
    )
    rng = random.Random(18)
    today = timezone.localdate()
    now = timezone.now()
    batch = []
    for n in range(RECORDS):
        index = n % MUNICIPALITIES
        old = n % 2 == 0
        opened = (
            datetime.date(2019, 1, 1) + datetime.timedelta(days=rng.randint(0, 600))
            if old
            else today - datetime.timedelta(days=rng.randint(30, 900))
        )
        closed = opened + datetime.timedelta(days=rng.randint(20, 200)) if old or n % 3 == 0 else None
        if closed and closed > today:
            closed = None
        batch.append(
            FollowUpRecord(
                municipality=municipalities[index],
                unit=units[index * 3 + n % 3],
                owner=owner,
                reference_hash=hashlib.sha256(f"bench-{n}".encode()).hexdigest(),
                opened_on=opened,
                opened_year=opened.year,
                route_in="police",
                category="adult_victim",
                sex="female",
                age_band="25-44",
                relation="partner",
                violence_forms=["physical"],
                status="closed" if closed else "open",
                closed_on=closed,
                closed_year=closed.year if closed else None,
                closure_reason="goals_met" if closed else "",
                outcome="ended" if closed else "",
                created_at=now,
                updated_at=now,
            )
        )
    FollowUpRecord.objects.bulk_create(batch, batch_size=5000)
    records = list(FollowUpRecord.objects.values_list("pk", "opened_on", "closed_on", "municipality_id"))
    events, interventions = [], []
    for pk, opened, closed, m in records:
        events.append(RecordEvent(record_id=pk, kind=EventKind.OPENED, on=opened))
        if closed:
            events.append(RecordEvent(record_id=pk, kind=EventKind.CLOSED, on=closed))
        interventions.append(
            Intervention(
                record_id=pk, municipality_id=m, kind="support_talks", started_on=opened, started_year=opened.year
            )
        )
    RecordEvent.objects.bulk_create(events, batch_size=10000)
    Intervention.objects.bulk_create(interventions, batch_size=10000)
    return municipalities


def _empty_log():
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
            cursor.execute("ALTER TABLE core_accesslogentry DISABLE TRIGGER USER")
            cursor.execute("DELETE FROM core_accesslogentry")
            cursor.execute("ALTER TABLE core_accesslogentry ENABLE TRIGGER USER")
        else:
            for sql in triggers.SQLITE_DOWN:
                cursor.execute(sql)
            cursor.execute("DELETE FROM core_accesslogentry")
            for sql in triggers.SQLITE_UP:
                cursor.execute(sql)


LEAVER_EVERY = 50  # one recent entry in this many is the leaver's


def _log(municipalities, leaver):
    key = current_key()
    prev = GENESIS_HASH
    old_until = int(LOG_ROWS * 0.7)
    start_old = datetime.datetime(2019, 1, 1, tzinfo=datetime.UTC)
    start_new = timezone.now() - datetime.timedelta(days=300)
    rows = []
    for n in range(1, LOG_ROWS + 1):
        at = (
            start_old + datetime.timedelta(seconds=n * 60)
            if n <= old_until
            else start_new + datetime.timedelta(seconds=n)
        )
        m = municipalities[n % MUNICIPALITIES]
        values = {
            "sequence": n,
            "occurred_at": at,
            "user_id": leaver.pk if n > old_until and n % LEAVER_EVERY == 0 else None,
            "username": "bench-leaver" if n > old_until and n % LEAVER_EVERY == 0 else "bench",
            "role": "social_worker",
            "organisation": m.name,
            "municipality_id": m.pk,
            "county_id": m.county_id,
            "action": "read",
            "object_type": "followup.followuprecord",
            "object_id": str(n),
            "purpose": "",
            "detail": "",
            "ip_address": None,
            "prev_hash": prev,
            "key_id": key.key_id,
        }
        values["entry_hash"] = prev = keyed_hash(values, key)
        rows.append(AccessLogEntry(**values))
        if len(rows) == 20000:
            AccessLogEntry.objects.bulk_create(rows)
            rows = []
    AccessLogEntry.objects.bulk_create(rows)


def _timed_batches(monkeypatch, module):
    """Wrap the delete loop's transaction.atomic to time each batch's transaction."""
    durations = []
    real_atomic = module.transaction.atomic

    class Timed:
        def __init__(self, *a, **k):
            self.inner = real_atomic(*a, **k)

        def __enter__(self):
            self.started = time.perf_counter()
            return self.inner.__enter__()

        def __exit__(self, *exc):
            result = self.inner.__exit__(*exc)
            durations.append(time.perf_counter() - self.started)
            return result

    monkeypatch.setattr(module.transaction, "atomic", Timed)
    return durations


def test_monthly_culling_at_scale(monkeypatch):
    started = time.perf_counter()
    municipalities = _records()
    _empty_log()
    leaver = User.objects.create(username="bench-leaver", first_name="Berit", last_name="Bänk")
    _log(municipalities, leaver)
    built = time.perf_counter() - started
    print(f"\n{vendor()}: {RECORDS} records, {LOG_ROWS} access-log rows, built in {built:.0f} s")
    month = timezone.localdate().replace(day=1)

    # The nightly verify_access_log: the whole chain, and where it reached, recorded signed.
    started = time.perf_counter()
    nightly = verify_chain()
    assert nightly.ok and nightly.checked == LOG_ROWS
    assert record_verification(nightly) is not None
    verify_all = time.perf_counter() - started
    verify_rate = LOG_ROWS / verify_all
    print(f"Nightly verification of the whole log: {verify_all:.1f} s ({verify_rate:.0f} rows/s)")

    started = time.perf_counter()
    runs = [services.preview(municipality=m, month=month) for m in municipalities]
    log_run = services.preview(municipality=None, month=month)
    preview = time.perf_counter() - started
    due = sum(line.due for run in runs for line in run.lines.all() if line.kind == Kind.FOLLOWUP_RECORD)
    log_due = log_run.lines.get(kind=Kind.ACCESS_LOG).due
    print(
        f"Preview, {MUNICIPALITIES} municipalities and the log: {preview:.2f} s ({due} records, {log_due} log rows due)"
    )
    assert due == RECORDS // 2 and log_due == int(LOG_ROWS * 0.7)

    owner = User.objects.get(username="bench-owner")
    durations = _timed_batches(monkeypatch, services)
    started = time.perf_counter()
    for run in runs:
        services.cull(run=services.sign_off(run=run, acting_user=owner), batch_size=BATCH)
    cull = time.perf_counter() - started
    record_batches = list(durations)
    monkeypatch.undo()
    assert not FollowUpRecord.objects.filter(status="closed", closed_on__lt=datetime.date(2021, 1, 1)).exists()
    record_rate = due / cull
    print(
        f"Culling {due} records with their events and interventions: {cull:.1f} s "
        f"({record_rate:.0f} records/s, {BATCH} a batch); slowest batch transaction {max(record_batches) * 1000:.0f} ms"
    )

    started = time.perf_counter()
    cut = log_culling.planned_cut(midnight(log_run.lines.get().cutoff))
    t_plan = time.perf_counter()
    report = log_culling.verify_to_cut(cut)
    t_verify = time.perf_counter()
    assert report.ok and report.checked == 1  # the nightly reached past the cut: the cut entry alone
    print(
        f"Log cut planned in {t_plan - started:.2f} s; verified from the nightly verification in "
        f"{(t_verify - t_plan) * 1000:.0f} ms ({report.checked} entry; from the checkpoint it would be "
        f"{cut.count} entries, about {cut.count / verify_rate:.0f} s)"
    )

    durations = _timed_batches(monkeypatch, log_culling)
    services.sign_off(run=log_run, acting_user=owner)
    started = time.perf_counter()
    services.cull(run=services.CullingRun.objects.get(pk=log_run.pk))
    log_cull = time.perf_counter() - started
    monkeypatch.undo()
    delete_batches = durations[1:] or durations  # the first is the checkpoint's own transaction
    assert AccessLogEntry.objects.filter(sequence__lte=LOG_ROWS).count() == LOG_ROWS - log_due
    # A leaver's account removed: their entries (every 50th of the recent ones) verified and sealed.
    started = time.perf_counter()
    removal = pseudonyms.remove_account(user=leaver)
    remove = time.perf_counter() - started
    theirs = (LOG_ROWS - log_due) // LEAVER_EVERY
    assert removal.log_entries == theirs
    print(
        f"Removing a leaver's account: {theirs} access-log entries sealed with the pseudonym in {remove:.1f} s "
        f"({theirs / remove:.0f} entries/s)"
    )
    started = time.perf_counter()
    rest = verify_chain()
    verify_rest = time.perf_counter() - started
    assert rest.ok and rest.start == log_due and rest.sealed == theirs
    log_rate = log_due / log_cull
    print(
        f"Cutting the log ({log_due} rows: verify, checkpoint, delete): {log_cull:.1f} s ({log_rate:.0f} rows/s); "
        f"slowest delete batch {max(delete_batches) * 1000:.0f} ms; verifying the {LOG_ROWS - log_due} rows "
        f"left (the sealed ones against their seals): {verify_rest:.1f} s"
    )
    scale = 1_000_000 / RECORDS
    first = preview * scale + 500_000 / record_rate + 7_000_000 / log_rate
    monthly = preview * scale + 1_000_000 / 60 / record_rate + 10_000_000 / 60 / log_rate
    print(
        f"Extrapolated to 1 000 000 records and 10 000 000 log rows (linear in each): a first culling of half the "
        f"records and 70 % of the log {first / 60:.1f} min (preview {preview * scale:.0f} s, records "
        f"{500_000 / record_rate:.0f} s, the log {7_000_000 / log_rate:.0f} s); a month's share once culling is "
        f"routine (1/60 of each) {monthly:.0f} s; the nightly verification of 10 000 000 rows "
        f"{10_000_000 / verify_rate / 60:.1f} min; the slowest batch does not grow with the size"
    )
    assert services.CullingRun.objects.get(pk=log_run.pk).status == RunStatus.CULLED


def vendor():
    return connection.vendor
