"""Work killed with SIGKILL in the middle (PostgreSQL; ADR 0029, ADR 0043): the database holds all
of it or none of it, and the work done again finishes it, once.

Each test holds a lock that the work needs halfway, so that its transaction waits there with part
of its rows written and not committed — shown from outside: the rows it changed carry its
transaction id (``xmax``) while it waits. Then the process is killed (a Celery worker's whole
process group, or the one gunicorn worker serving the request), the lock is let go, and the
database holds none of the killed transaction. The work is then done again — the task delivered
again to the next worker, which takes the row left running; the form sent again — and all of it
is there, once.

- an import (a task): its figures written, its access-log row waiting;
- the recompute of the statistics computed from the follow-up records (the monthly task): the
  figures it removes deleted, those it corrects waiting;
- a housing allocation (a web request): the apartment and the allocation changed, the access-log
  row waiting;
- a culling batch (the monthly retention job): the batches before it culled, this one's events
  deleted and its interventions waiting; the next job culls the rest from the archive files the
  first wrote, and the protocol counts each item once.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import threading
import uuid
from pathlib import Path

import psycopg
import pytest
from celery import Celery

from fridsam.followup import tallies
from fridsam.retention import archive
from tests import stack

pytestmark = pytest.mark.skipif(
    not os.environ.get("DATABASE_URL", "").startswith(("postgres://", "postgresql://")),
    reason="kills a worker inside a PostgreSQL transaction: runs in the suite's PostgreSQL pass",
)

HEADER = "kommunkod;kommun;indikator;år;antal;nämnare\n"
YEARS = range(2001, 2006)  # years the demo county has no figures for


def _worker(env, log, *, session=True):
    out = open(log, "w")  # noqa: SIM115
    process = subprocess.Popen(
        [
            sys.executable, "-m", "celery", "-A", "config", "worker", "--loglevel", "INFO",
            "--queues", env["FRIDSAM_TASK_QUEUE"], "--concurrency", "1",
            "--hostname", f"test-{uuid.uuid4().hex[:8]}@%h", "--without-gossip", "--without-mingle",
        ],
        cwd=stack.ROOT, env=env, stdout=out, stderr=subprocess.STDOUT, start_new_session=session,
    )  # fmt: skip
    stack.wait_for(lambda: " ready." in log.read_text(), 60, lambda: log.read_text())
    return process, out


def _stored(conn) -> int:
    return conn.execute(
        "SELECT count(*) FROM statistics_indicatorvalue v "
        "JOIN organisations_municipality m ON m.id = v.municipality_id "
        "WHERE m.code = '9901' AND v.year BETWEEN 2001 AND 2005"
    ).fetchone()[0]


def _status(conn, pk) -> tuple[str, int]:
    return conn.execute("SELECT status, attempts FROM tasks_task WHERE id = %s", [pk]).fetchone()


def test_a_worker_killed_inside_an_import_leaves_none_of_it_and_the_next_imports_all_of_it(tmp_path_factory):
    stack.redis_or_skip()
    work = tmp_path_factory.mktemp("killed-worker")
    with stack.database(tmp_path_factory) as url:
        env = stack.stack_env(
            url,
            work / "files",
            FRIDSAM_IMPORT_INLINE_BYTES="1",
            FRIDSAM_TASK_VISIBILITY_SECONDS="5",  # the killed worker's task comes back after 5 s
            FRIDSAM_TASK_STALE_MINUTES="0.05",  # and its row, left running, is taken again
        )
        csv = HEADER + "".join(
            f"9901;Åstad;{key};{year};{7 + year % 5};\n"
            for year in YEARS
            for key in ("protected_housing", "investigations")
        )
        with stack.gunicorn(env, work / "server.log") as (base, _server):
            browser = stack.Browser(base, stack.session_cookie(env, "anna.lind"))
            assert browser.get("/statistik/import/")[0] == 200
            first, out = _worker(env, work / "first.log")
            try:
                with psycopg.connect(url) as holder:
                    assert _stored(holder) == 0
                    holder.execute("LOCK TABLE core_accesslogentry IN ACCESS EXCLUSIVE MODE")
                    status, headers, _b = browser.post("/statistik/import/", files={"file": ("s.csv", csv.encode())})
                    assert status == 302, status
                    pk = stack.TASK.search(headers["Location"])[1]
                    # The worker's import waits on the access log, its figures written, not committed.
                    # (Watched from a connection of its own: in the holder's transaction the
                    # activity view would stay as it was first read.)
                    watcher = psycopg.connect(url, autocommit=True)
                    stack.wait_for(
                        lambda: watcher.execute(
                            "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() "
                            "AND wait_event_type = 'Lock' AND query ILIKE '%core_accesslogentry%'"
                        ).fetchone()[0],
                        60,
                        lambda: (work / "first.log").read_text(),
                    )
                    assert (
                        holder.execute("SELECT status FROM tasks_task WHERE id = %s", [pk]).fetchone()[0] == "running"
                    )
                    os.killpg(first.pid, signal.SIGKILL)
                    first.wait(timeout=30)
                    watcher.close()
                    assert _stored(holder) == 0
                # The lock is let go: the dead worker's transaction is rolled back, nothing of it stays.
                with psycopg.connect(url, autocommit=True) as conn:
                    stack.wait_for(
                        lambda: (
                            conn.execute(
                                "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() "
                                "AND wait_event_type = 'Lock'"
                            ).fetchone()[0]
                            == 0
                        ),
                        30,
                    )
                    assert _stored(conn) == 0
                    assert _status(conn, pk)[0] == "running"
            finally:
                if first.poll() is None:  # the test failed before killing it
                    os.killpg(first.pid, signal.SIGKILL)
                    first.wait(timeout=30)
                out.close()
            second, out = _worker(env, work / "second.log")
            try:
                seen = stack.follow_task(browser, headers["Location"], seconds=120)
                assert seen[-1] == "done", (seen, (work / "second.log").read_text()[-3000:])
            finally:
                stack.stop(second, 30)
                out.close()
            with psycopg.connect(url) as conn:
                assert _stored(conn) == 2 * len(YEARS)  # all of it, once
                status, attempts = conn.execute(
                    "SELECT status, attempts FROM tasks_task WHERE id = %s", [pk]
                ).fetchone()
                assert (status, attempts) == ("done", 2)
                logged = conn.execute(
                    "SELECT count(*) FROM core_accesslogentry WHERE action = 'import' AND username = 'anna.lind'"
                ).fetchone()[0]
                assert logged == 1  # the dead attempt left no log row either


# --- what every test below shares ----------------------------------------------------------------


def _env(url, work, **extra):
    return stack.stack_env(
        url,
        work / "files",
        FRIDSAM_TASK_VISIBILITY_SECONDS="5",  # a killed worker's task comes back after 5 s
        FRIDSAM_TASK_STALE_MINUTES="0.05",  # and its row, left running, is taken again
        FRIDSAM_ACCESS_LOG_ANCHOR_FILE=str(work / "anchors.jsonl"),
        **extra,
    )


def _beat(env, command: str, period: str) -> None:
    """What beat sends for a scheduled command (config/settings/base.py CELERY_BEAT_SCHEDULE)."""
    app = Celery(broker=env["FRIDSAM_BROKER_URL"])
    try:
        app.send_task("fridsam.tasks.scheduled", args=[command, period], queue=env["FRIDSAM_TASK_QUEUE"])
    finally:
        app.close()


def _waiting(watcher, query_like: str, seconds: float, log) -> tuple[int, str]:
    """The backend waiting on a lock in a statement like *query_like*: (pid, transaction id)."""

    def found():
        return watcher.execute(
            "SELECT pid, backend_xid::text FROM pg_stat_activity WHERE datname = current_database() "
            "AND wait_event_type = 'Lock' AND query ILIKE %s",
            [query_like],
        ).fetchone()

    pid, xid = stack.wait_for(found, seconds, log)
    assert xid is not None  # it has changed or locked rows: a transaction id is given then
    return pid, xid


def _written_by(watcher, xid: str, table: str, where: str, params=()) -> int:
    """How many rows of *table* (matching *where*) the open transaction *xid* has changed, deleted or
    locked (the rows counted here are locked by nobody else)."""
    return watcher.execute(
        f"SELECT count(*) FROM {table} WHERE xmax::text = %s AND {where}", [xid, *params]
    ).fetchone()[0]


def _modified(watcher, pid: int) -> set[str]:
    """The tables the backend's open transaction has run a data-changing statement on (a row lock
    alone, SELECT … FOR UPDATE, takes a weaker lock)."""
    return {
        table
        for (table,) in watcher.execute(
            "SELECT relation::regclass::text FROM pg_locks WHERE pid = %s AND locktype = 'relation' "
            "AND mode = 'RowExclusiveLock' AND granted",
            [pid],
        )
    }


def _gone(conn, pid: int, seconds: float = 30) -> None:
    """The killed process's backend has ended (its transaction rolled back) and nothing waits."""
    stack.wait_for(
        lambda: (
            conn.execute(
                "SELECT count(*) FROM pg_stat_activity WHERE pid = %s OR "
                "(datname = current_database() AND wait_event_type = 'Lock')",
                [pid],
            ).fetchone()[0]
            == 0
        ),
        seconds,
    )


def _scheduled_task(conn, command: str) -> tuple[str, str, int]:
    row = conn.execute(
        "SELECT id::text, status, attempts FROM tasks_task WHERE kind = 'command' AND params->>'command' = %s",
        [command],
    ).fetchone()
    return row


def _kill_group(process) -> None:
    if process.poll() is None:
        os.killpg(process.pid, signal.SIGKILL)
        process.wait(timeout=30)


def _run_to_the_end(env, work, command: str, seconds: float = 90) -> tuple[str, int]:
    """A new worker takes the task back (after the visibility timeout) and finishes it."""
    worker, out = _worker(env, work / "second.log")
    try:
        with psycopg.connect(env["DATABASE_URL"], autocommit=True) as conn:
            stack.wait_for(
                lambda: _scheduled_task(conn, command)[1] in ("done", "failed"),
                seconds,
                lambda: (work / "second.log").read_text()[-3000:],
            )
            _pk, status, attempts = _scheduled_task(conn, command)
    finally:
        stack.stop(worker, 30)
        out.close()
    assert status == "done", (work / "second.log").read_text()[-3000:]
    return status, attempts


# --- the recompute ------------------------------------------------------------------------------

COMPUTED = (
    "SELECT v.municipality_id, v.indicator_id, v.year, v.count, v.denominator FROM statistics_indicatorvalue v "
    "WHERE v.source = 'computed' ORDER BY 1, 2, 3"
)


def test_a_worker_killed_inside_the_recompute_leaves_the_figures_as_they_were_and_the_next_recomputes_them_all(
    tmp_path_factory,
):
    stack.redis_or_skip()
    work = tmp_path_factory.mktemp("killed-recompute")
    with stack.database(tmp_path_factory) as url:
        env = _env(url, work)
        with psycopg.connect(url, autocommit=True) as conn:
            right = conn.execute(COMPUTED).fetchall()
            astad = conn.execute("SELECT id FROM organisations_municipality WHERE code = '9901'").fetchone()[0]
            # Figures the recompute must correct (the records say otherwise) and figures it must
            # remove (a year without records), as after a change of the indicator catalogue.
            ours = (
                "source = 'computed' AND municipality_id = %s AND denominator IS NULL AND indicator_id IN "
                "(SELECT id FROM statistics_indicator WHERE is_active AND key = ANY(%s))"
            )
            mine = [astad, list(tallies.COMPUTED)]
            corrected = conn.execute(
                f"UPDATE statistics_indicatorvalue SET count = count + 1000 WHERE {ours}", mine
            ).rowcount
            removed = conn.execute(
                "INSERT INTO statistics_indicatorvalue (municipality_id, indicator_id, year, count, denominator, "
                "value, source, updated_at) SELECT municipality_id, indicator_id, 2001, 3, NULL, NULL, 'computed', "
                f"now() FROM statistics_indicatorvalue WHERE {ours} AND year = (SELECT max(year) FROM "
                "statistics_indicatorvalue WHERE source = 'computed' AND municipality_id = %s)",
                [*mine, astad],
            ).rowcount
            assert corrected > 10 and removed > 2
            wrong = conn.execute(COMPUTED).fetchall()
        first, out = _worker(env, work / "first.log")
        try:
            with psycopg.connect(url) as holder, psycopg.connect(url, autocommit=True) as watcher:
                locked = holder.execute(
                    f"SELECT id FROM statistics_indicatorvalue WHERE {ours} AND year <> 2001 "
                    "ORDER BY id DESC LIMIT 1 FOR UPDATE",
                    mine,
                ).fetchone()[0]
                _beat(env, "recompute_followup_statistics", "monthly")
                pid, xid = _waiting(
                    watcher, "%UPDATE%statistics_indicatorvalue%", 60, lambda: (work / "first.log").read_text()
                )
                # Halfway: the figures of 2001 are deleted in its open transaction, the row held
                # here not yet corrected.
                assert _written_by(watcher, xid, "statistics_indicatorvalue", "year = 2001") == removed
                assert _written_by(watcher, xid, "statistics_indicatorvalue", "id = %s", [locked]) == 0
                assert _scheduled_task(watcher, "recompute_followup_statistics")[1] == "running"
                _kill_group(first)
                holder.rollback()
                _gone(watcher, pid)
                assert watcher.execute(COMPUTED).fetchall() == wrong  # none of it
        finally:
            _kill_group(first)
            out.close()
        _status, attempts = _run_to_the_end(env, work, "recompute_followup_statistics")
        assert attempts == 2
        with psycopg.connect(url) as conn:
            assert conn.execute(COMPUTED).fetchall() == right  # all of it


# --- the culling batch --------------------------------------------------------------------------

SIGN_OFF = """
from django.utils import timezone
from fridsam.accounts.models import User
from fridsam.core.tenancy import unscoped
from fridsam.organisations.models import Municipality
from fridsam.retention import services
with unscoped():
    astad, archivist = Municipality.objects.get(code="9901"), User.objects.get(username="demo.arkivarie")
    services.rule_save(municipality=astad, kind="followup_record", clock="closed", months=60, action="archive",
                       basis="Riksarkivets urvalskommun", acting_user=archivist)
    run = services.preview(municipality=astad, month=timezone.localdate())
    services.sign_off(run=run, acting_user=archivist)
    print(run.pk)
"""
BATCH = 10


def _records(conn, run_pk) -> list[int]:
    """The follow-up records the run's lines speak of that are still there (Åstad's, closed before the cut-off)."""
    return [
        pk
        for (pk,) in conn.execute(
            "SELECT r.id FROM followup_followuprecord r JOIN organisations_municipality m ON m.id = r.municipality_id "
            "WHERE m.code = '9901' AND r.status = 'closed' AND r.closed_on < (SELECT min(cutoff) FROM "
            "retention_runline WHERE run_id = %s AND kind = 'followup_record') ORDER BY r.id",
            [run_pk],
        )
    ]


def _with_dependants(conn, ids) -> tuple[int, int, int]:
    return tuple(
        conn.execute(f"SELECT count(*) FROM {table} WHERE {column} = ANY(%s)", [ids]).fetchone()[0]
        for table, column in (
            ("followup_followuprecord", "id"),
            ("followup_recordevent", "record_id"),
            ("followup_intervention", "record_id"),
        )
    )


def _protocol(conn, run_pk) -> tuple[str, int]:
    return conn.execute(
        "SELECT r.status, sum(l.culled) FROM retention_cullingrun r JOIN retention_runline l ON l.run_id = r.id "
        "WHERE r.id = %s AND l.kind = 'followup_record' GROUP BY r.status",
        [run_pk],
    ).fetchone()


def test_a_worker_killed_inside_a_culling_batch_leaves_that_batch_whole_and_the_next_job_culls_the_rest_once(
    tmp_path_factory,
):
    stack.redis_or_skip()
    work = tmp_path_factory.mktemp("killed-culling")
    with stack.database(tmp_path_factory) as url:
        env = _env(url, work, FRIDSAM_CULLING_BATCH_SIZE=str(BATCH), FRIDSAM_ARCHIVE_DIR=str(work / "archive"))
        run_pk = int(stack.shell(env, SIGN_OFF).split()[-1])
        with psycopg.connect(url, autocommit=True) as conn:
            due = _records(conn, run_pk)
            assert len(due) > 2 * BATCH  # the demo's 24 records closed more than five years ago
            first_batch, second_batch = due[:BATCH], due[BATCH : 2 * BATCH]
            assert _with_dependants(conn, second_batch) == (BATCH, 2 * BATCH, BATCH)  # opened and closed; one talk
        first, out = _worker(env, work / "first.log")
        try:
            with psycopg.connect(url) as holder, psycopg.connect(url, autocommit=True) as watcher:
                holder.execute(
                    "SELECT id FROM followup_intervention WHERE record_id = %s FOR UPDATE", [second_batch[-1]]
                )
                _beat(env, "retention_monthly", "monthly")
                pid, xid = _waiting(
                    watcher, "%DELETE%followup_intervention%", 60, lambda: (work / "first.log").read_text()
                )
                # Mid-batch: the first batch is culled and counted; the second's events are deleted
                # in its open transaction, its interventions and records not yet.
                assert _with_dependants(watcher, first_batch) == (0, 0, 0)
                assert _protocol(watcher, run_pk) == ("signed", BATCH)
                assert _written_by(watcher, xid, "followup_recordevent", "record_id = ANY(%s)", [second_batch]) == (
                    2 * BATCH
                )
                changed = _modified(watcher, pid)
                assert "followup_recordevent" in changed and "followup_followuprecord" not in changed
                _kill_group(first)
                holder.rollback()
                _gone(watcher, pid)
                # The batch is whole: records, events and interventions all there; the protocol
                # counts the first batch only; the package is not complete yet.
                assert _with_dependants(watcher, second_batch) == (BATCH, 2 * BATCH, BATCH)
                assert _records(watcher, run_pk) == due[BATCH:]
                assert _protocol(watcher, run_pk) == ("signed", BATCH)
        finally:
            _kill_group(first)
            out.close()
        package = next((work / "archive").iterdir())
        assert (package / "followup_record.json").exists() and not (package / "manifest.json").exists()
        _status, attempts = _run_to_the_end(env, work, "retention_monthly")
        assert attempts == 2
        with psycopg.connect(url) as conn:
            assert _records(conn, run_pk) == [] and _with_dependants(conn, due) == (0, 0, 0)
            assert _protocol(conn, run_pk) == ("culled", len(due))  # each item counted once
            path, checksum = conn.execute(
                "SELECT package, package_sha256 FROM retention_cullingrun WHERE id = %s", [run_pk]
            ).fetchone()
            logged = conn.execute(
                "SELECT detail FROM core_accesslogentry WHERE action = 'delete' AND object_type = "
                "'retention.cullingrun' AND object_id = %s",
                [str(run_pk)],
            ).fetchall()
        assert Path(path) == package and len(checksum) == 64
        manifest = archive.verify(package)  # every file matches its checksum
        assert manifest["files"]["followup_record.json"]["items"] == len(due)
        archived = [
            o["pk"]
            for o in json.loads((package / "followup_record.json").read_text())
            if o["model"] == ("followup.followuprecord")
        ]
        assert archived == due  # the package holds every culled record, once
        # The demo's leaver whose period has passed (ADR 0040) is culled in the same run.
    assert [d for (d,) in logged] == [f"culled; followup_record={len(due)}; staff_account=1"]


# --- the allocation (a web request) ---------------------------------------------------------------

ACCEPTED = """
from fridsam.accounts.models import User
from fridsam.core.tenancy import unscoped
from fridsam.housing import services
from fridsam.housing.models import Apartment, Applicant
with unscoped():
    users = {u.username: u for u in User.objects.filter(username__in=["anna.lind", "maria.berg"])}
    applicant = Applicant.objects.get(municipality__code="9901", status="waiting")
    apartment = Apartment.objects.get(municipality__code="9902", status="offered", rooms=3)
    allocation = services.allocation_propose(apartment=apartment, applicant=applicant, user=users["anna.lind"])
    allocation = services.allocation_accept(allocation=allocation, user=users["maria.berg"])
    print(allocation.pk, allocation.status)
"""
ACCESS_LOG_LOCK = 7_413_020_611  # fridsam.core.audit._PG_LOCK_KEY: the access log's chain


def _worker_of(master: int) -> int | None:
    """The master's one worker process; None while it has none (it is starting the next)."""
    children = Path(f"/proc/{master}/task/{master}/children").read_text().split()
    return int(children[0]) if len(children) == 1 else None


def _allocation(conn, pk) -> tuple:
    return conn.execute(
        "SELECT a.status, a.allocated_on IS NOT NULL, p.status, (SELECT count(*) FROM core_accesslogentry e "
        "WHERE e.object_type = 'housing.allocation' AND e.object_id = a.id::text AND e.detail = 'allocate') "
        "FROM housing_allocation a JOIN housing_apartment p ON p.id = a.apartment_id WHERE a.id = %s",
        [pk],
    ).fetchone()


def test_a_server_process_killed_inside_an_allocation_leaves_none_of_it_and_the_form_sent_again_allocates_once(
    tmp_path_factory,
):
    work = tmp_path_factory.mktemp("killed-allocation")
    with stack.database(tmp_path_factory) as url:
        env = stack.stack_env(url, work / "files")
        allocation, status = stack.shell(env, ACCEPTED).split()[-2:]
        assert status == "accepted"
        with stack.gunicorn(env, work / "server.log", workers=1, threads=2) as (base, server):
            browser = stack.Browser(base, stack.session_cookie(env, "maria.berg"))
            page = f"/bostadsbyte/tilldelning/{allocation}/"
            assert browser.get(page)[0] == 200  # the CSRF cookie
            killed_worker = _worker_of(server.pid)
            outcome = {}

            def allocate():
                try:
                    outcome["response"] = browser.post(page + "tilldela/", timeout=60)[0]
                except OSError as error:  # the connection, cut when the process serving it died
                    outcome["error"] = error

            with psycopg.connect(url, autocommit=True) as holder, psycopg.connect(url, autocommit=True) as watcher:
                holder.execute("SELECT pg_advisory_lock(%s)", [ACCESS_LOG_LOCK])
                request = threading.Thread(target=allocate)
                request.start()
                pid, _xid = _waiting(watcher, "%pg_advisory_xact_lock%", 60, lambda: (work / "server.log").read_text())
                # Halfway: the apartment and the allocation changed in its open transaction, the
                # access-log row waiting for the chain.
                assert {"housing_allocation", "housing_apartment"} <= _modified(watcher, pid)
                assert "core_accesslogentry" not in _modified(watcher, pid)
                os.kill(killed_worker, signal.SIGKILL)  # the gunicorn worker serving the request
                request.join(timeout=30)
                assert "error" in outcome, outcome  # no answer: the request was in flight on it
                holder.execute("SELECT pg_advisory_unlock(%s)", [ACCESS_LOG_LOCK])
                _gone(watcher, pid)
                assert _allocation(watcher, allocation) == ("accepted", False, "offered", 0)  # none of it
            # The server goes on with a new worker process (gunicorn's master starts one).
            stack.wait_for(
                lambda: _worker_of(server.pid) not in (None, killed_worker),
                60,
                lambda: (work / "server.log").read_text(),
            )
            assert server.poll() is None
            status, headers, _body = browser.post(page + "tilldela/")
            assert status == 302 and headers["Location"] == page
            with psycopg.connect(url) as conn:
                assert _allocation(conn, allocation) == ("allocated", True, "allocated", 1)  # all of it
            browser.post(page + "tilldela/")  # sent a third time: refused, nothing changes
            with psycopg.connect(url) as conn:
                assert _allocation(conn, allocation) == ("allocated", True, "allocated", 1)  # once
