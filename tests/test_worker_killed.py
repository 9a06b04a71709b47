"""A worker killed with SIGKILL in the middle of an import (PostgreSQL; ADR 0029): the database
holds none of it, and the task, delivered again to the next worker, imports all of it, once.

The import is held at the point where its figures are written and its access-log rows are due:
this test holds a lock on the access log, so the worker's transaction waits there with the
figures written but not committed. Then the worker's whole process group is killed, the lock is
let go, and a new worker starts."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import uuid

import psycopg
import pytest

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
