"""PostgreSQL and Redis stopped and started under load, Fridsam left running (ADR 0043).

Each test has servers of its own that it may stop: a private PostgreSQL cluster (initdb into a
temporary directory, a free port) or a private redis-server — never the machine's. gunicorn runs
with the production settings (persistent database connections with their health check, Redis as
the cache, the sessions' cache and the broker); clients browse in threads while the server under
test is stopped and started again, and every answer is recorded.

- PostgreSQL away: every page that needs it is a clean 503 — the Swedish page, Retry-After, no
  trace — liveness still answers and readiness names the database; once it is back, every request
  succeeds, with the same gunicorn processes.
- Redis away: the pages still answer (cache misses; the sessions read from the database), readiness
  names the cache and the queue, and a task asked for meanwhile (a file import) waits in its row,
  unsent, until Redis is back and beat's re-dispatch sends it to the worker, which runs it once.
"""

from __future__ import annotations

import contextlib
import json
import os
import re
import secrets
import subprocess
import sys
import threading
import time
import uuid
from dataclasses import dataclass
from pathlib import Path

import psycopg
import pytest

from tests import stack

pytestmark = pytest.mark.skipif(
    not os.environ.get("DATABASE_URL", "").startswith(("postgres://", "postgresql://")),
    reason="production-like servers on PostgreSQL: runs in the suite's PostgreSQL pass",
)

CLIENTS = 4
PAGES = {
    "demo.lansanalytiker": ["/", "/statistik/", "/lan/99/statistik/", "/kommuner/"],
    "anna.lind": ["/", "/kommuner/9901/", "/kommuner/9901/statistik/", "/uppgifter/"],
}
PUBLIC = "/stod/9901/"  # the public page: no session, the database all the same
UNAVAILABLE = "Tjänsten är tillfälligt otillgänglig"


@pytest.fixture(scope="module")
def static_root(tmp_path_factory):
    """The production settings serve static files from a manifest: collected once for the module."""
    root = tmp_path_factory.mktemp("outage-static")
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "config.settings.prod",
        "DJANGO_STATIC_ROOT": str(root),
        "DJANGO_SECRET_KEY": secrets.token_hex(32),
        "FRIDSAM_CASE_REFERENCE_SECRET": secrets.token_hex(32),
        "FRIDSAM_ACCESS_LOG_KEY": secrets.token_hex(32),
    }
    env.pop("PYTEST_CURRENT_TEST", None)
    subprocess.run(
        [sys.executable, "manage.py", "collectstatic", "--noinput", "-v", "0"],
        cwd=stack.ROOT, env=env, check=True, timeout=300,
    )  # fmt: skip
    return root


def _production(database_url: str, redis_url: str, work: Path, static_root: Path, **extra) -> dict:
    return stack.stack_env(
        database_url,
        work / "files",
        DJANGO_SETTINGS_MODULE="config.settings.prod",
        DJANGO_SECRET_KEY=secrets.token_hex(32),
        FRIDSAM_CASE_REFERENCE_SECRET=secrets.token_hex(32),
        FRIDSAM_ACCESS_LOG_KEY=secrets.token_hex(32),
        FRIDSAM_ACCESS_LOG_ANCHOR_FILE=str(work / "anchors.jsonl"),
        FRIDSAM_REDIS_URL=redis_url,
        FRIDSAM_BROKER_URL=redis_url,
        FRIDSAM_CACHE_PREFIX=f"fridsam-test-{uuid.uuid4().hex[:8]}",
        DJANGO_ALLOWED_HOSTS="127.0.0.1",
        DJANGO_STATIC_ROOT=str(static_root),
        DJANGO_HSTS_PRELOAD="0",
        DATABASE_CONN_MAX_AGE="600",  # kept connections: the harder case for a restart
        DJANGO_LOG_LEVEL="ERROR",
        **extra,
    )


YEARS = range(2001, 2006)  # years the demo county has no figures for
IMPORT = (
    "kommunkod;kommun;indikator;år;antal;nämnare\n"
    + "".join(f"9901;Åstad;{k};{y};{7 + y % 5};\n" for y in YEARS for k in ("protected_housing", "investigations"))
).encode()


def _imported(conn) -> tuple[int, int]:
    """The import's figures stored, and its access-log rows."""
    figures = conn.execute(
        "SELECT count(*) FROM statistics_indicatorvalue v JOIN organisations_municipality m ON m.id = "
        "v.municipality_id WHERE m.code = '9901' AND v.year BETWEEN 2001 AND 2005"
    ).fetchone()[0]
    logged = conn.execute(
        "SELECT count(*) FROM core_accesslogentry WHERE action = 'import' AND username = 'anna.lind'"
    ).fetchone()[0]
    return figures, logged


@dataclass
class Answer:
    started: float
    ended: float
    path: str
    status: int | None  # None: no HTTP answer (the connection failed)
    body: bytes
    headers: dict
    error: str = ""


class Load:
    """Clients browsing in threads until stopped; every answer is kept."""

    def __init__(self, base: str, browsers: list[stack.Browser]):
        self.base, self.browsers = base, browsers
        self.answers: list[Answer] = []
        self.lock = threading.Lock()
        self.stopping = threading.Event()
        self.threads = [threading.Thread(target=self._client, args=(n,), daemon=True) for n in range(CLIENTS)]

    def _client(self, number: int) -> None:
        browser = self.browsers[number % len(self.browsers)]
        pages = [*browser.pages, PUBLIC]
        index = number
        while not self.stopping.is_set():
            path = pages[index % len(pages)]
            index += 1
            started = time.monotonic()
            try:
                status, headers, body = browser.get(path, timeout=30)
                error = ""
            except OSError as failure:
                status, headers, body, error = None, {}, b"", f"{type(failure).__name__}: {failure}"
            with self.lock:
                self.answers.append(Answer(started, time.monotonic(), path, status, body, headers, error))

    def __enter__(self) -> Load:
        for thread in self.threads:
            thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self.stopping.set()
        for thread in self.threads:
            thread.join(timeout=60)

    def started_after(self, moment: float, before: float | None = None) -> list[Answer]:
        with self.lock:
            return [a for a in self.answers if a.started > moment and (before is None or a.ended < before)]

    def wait_for(self, count: int, after: float, seconds: float = 30, path_filter=lambda p: True) -> None:
        stack.wait_for(
            lambda: len([a for a in self.started_after(after) if path_filter(a.path)]) >= count,
            seconds,
            lambda: f"{len(self.started_after(after))} answers after {after}",
            every=0.05,
        )


def _browsers(env: dict, base: str) -> list[stack.Browser]:
    browsers = []
    cookies = stack.session_cookies(env, list(PAGES))
    for username, pages in PAGES.items():
        browser = stack.Browser(base, cookies[username], proxied=True)
        browser.pages = pages
        status, _headers, _body = browser.get("/")
        assert status == 200, status
        browsers.append(browser)
    return browsers


def _processes(master: int) -> set[int]:
    children = Path(f"/proc/{master}/task/{master}/children").read_text().split()
    return {master, *map(int, children)}


def _readiness(base: str) -> tuple[int, dict]:
    browser = stack.Browser(base, proxied=True)
    status, _headers, body = browser.get("/halsa/redo/", timeout=30)
    return status, {name: check["status"] for name, check in json.loads(body)["checks"].items()}


def _liveness(base: str) -> int:
    browser = stack.Browser(base, proxied=True)
    return browser.get("/halsa/", timeout=30)[0]


def _clean_503(answer: Answer) -> bool:
    page = answer.body.decode("utf-8", "replace")
    return (
        answer.status == 503
        and answer.headers.get("Retry-After") == "10"
        and UNAVAILABLE in page
        and "Traceback" not in page
        and "Server Error" not in page
    )


def test_postgresql_restarted_under_load_fails_cleanly_while_it_is_away_and_every_request_succeeds_after(
    tmp_path_factory, static_root
):
    stack.redis_or_skip()
    work = tmp_path_factory.mktemp("postgres-restart")
    with stack.private_postgres_with_demo(tmp_path_factory) as (cluster, url):
        env = _production(url, stack.REDIS_URL, work, static_root)
        with stack.gunicorn(env, work / "server.log", workers=2, threads=2) as (base, server):
            browsers = _browsers(env, base)
            processes = _processes(server.pid)
            with Load(base, browsers) as load:
                begun = time.monotonic()
                load.wait_for(3 * CLIENTS, begun)
                stopping = time.monotonic()
                cluster.stop()
                stopped = time.monotonic()
                load.wait_for(10 * CLIENTS, stopped)  # requests made while it is away
                # The load balancer's probes (no cookies): alive, not ready.
                assert _liveness(base) == 200
                assert _readiness(base) == (503, {"database": "error", "cache": "ok", "queue": "ok"})
                starting = time.monotonic()
                cluster.start()
                started = time.monotonic()
                load.wait_for(6 * CLIENTS, started)
            assert _readiness(base) == (200, {"database": "ok", "cache": "ok", "queue": "ok"})
            assert _processes(server.pid) == processes  # no server process restarted, none died
        log = (work / "server.log").read_text()

    before = [a for a in load.answers if a.ended < stopping]
    away = load.started_after(stopped, before=starting)
    in_flight = [a for a in load.answers if a.started < stopped and a.ended > stopping]
    after = load.started_after(started)
    assert before and all(a.status == 200 for a in before), [(a.path, a.status) for a in before]
    # While it is away: the Swedish 503 page, for the public page as for the staff's.
    assert away and all(_clean_503(a) for a in away), [
        (a.path, a.status, a.error, a.body[:300]) for a in away if not _clean_503(a)
    ]
    # A request in flight when it stopped is answered, one way or the other, never with a trace.
    assert all(a.status == 200 or _clean_503(a) for a in in_flight), [(a.path, a.status, a.error) for a in in_flight]
    # Back: every request succeeds, on the same processes.
    assert after and all(a.status == 200 for a in after), [
        (a.path, a.status, a.error) for a in after if a.status != 200
    ]
    assert not [a for a in load.answers if a.status is None]  # no connection failed
    assert "Traceback" in log  # the operators' log has what the pages do not show
    unavailable = [a for a in load.answers if a.status == 503]
    print(
        f"\nPostgreSQL stopped for {starting - stopping:.1f} s ({stopped - stopping:.1f} s to stop, "
        f"{started - starting:.1f} s to start): {len(load.answers)} requests, {len(unavailable)} answered 503, "
        f"{len(before)} before and {len(after)} after all 200, none failed at the connection"
    )


def test_redis_away_pages_still_answer_and_a_task_asked_for_meanwhile_waits_then_runs_once(
    tmp_path_factory, static_root
):
    work = tmp_path_factory.mktemp("redis-away")
    redis = stack.PrivateRedis(work)
    redis.start()
    try:
        with stack.database(tmp_path_factory) as url:
            env = _production(
                url, redis.url, work, static_root, FRIDSAM_TASK_REDISPATCH_SECONDS="1", FRIDSAM_IMPORT_INLINE_BYTES="1"
            )
            with (
                stack.celery_worker(env, work / "worker.log"),
                _beat(env, work),
                stack.gunicorn(env, work / "server.log", workers=2, threads=2) as (base, server),
            ):
                browsers = _browsers(env, base)
                coordinator = browsers[1]  # anna.lind, Åstad's coordinator: a file import is a task
                processes = _processes(server.pid)
                with Load(base, browsers) as load:
                    begun = time.monotonic()
                    load.wait_for(3 * CLIENTS, begun)
                    stopping = time.monotonic()
                    redis.stop()
                    stopped = time.monotonic()
                    load.wait_for(4 * CLIENTS, stopped)
                    assert _readiness(base) == (503, {"database": "ok", "cache": "error", "queue": "error"})
                    asked = time.monotonic()
                    status, headers, _body = coordinator.post("/statistik/import/", files={"file": ("f.csv", IMPORT)})
                    answered = time.monotonic()
                    assert status == 302, status
                    pk = stack.TASK.search(headers["Location"])[1]
                    page = coordinator.get(f"/uppgifter/{pk}/")
                    assert page[0] == 200 and b'data-status="queued"' in page[2]
                    load.wait_for(4 * CLIENTS, answered)  # the load goes on; the task waits
                    with psycopg.connect(url) as conn:
                        row = conn.execute("SELECT status, sent_at, attempts FROM tasks_task WHERE id = %s", [pk])
                        assert row.fetchone() == ("queued", None, 0)  # kept, unsent, not lost
                        assert _imported(conn) == (0, 0)
                    starting = time.monotonic()
                    redis.start()
                    started = time.monotonic()
                    seen = stack.follow_task(coordinator, headers["Location"], seconds=45)
                    done = time.monotonic()
                    load.wait_for(2 * CLIENTS, started)
                assert seen[-1] == "done", (seen, (work / "worker.log").read_text()[-3000:])
                assert _readiness(base) == (200, {"database": "ok", "cache": "ok", "queue": "ok"})
                assert _processes(server.pid) == processes
                with psycopg.connect(url) as conn:
                    status, sent, attempts = conn.execute(
                        "SELECT status, sent_at IS NOT NULL, attempts FROM tasks_task WHERE id = %s", [pk]
                    ).fetchone()
                    assert (status, sent, attempts) == ("done", True, 1)
                    assert _imported(conn) == (2 * len(YEARS), 1)  # all of it, once
    finally:
        redis.stop()
    failed = [(a.path, a.status, a.error) for a in load.answers if a.status != 200]
    assert failed == []  # every page answered, with Redis or without
    away = load.started_after(stopped, before=starting)
    assert len(away) >= 8 * CLIENTS
    print(
        f"\nRedis stopped for {starting - stopping:.1f} s: {len(load.answers)} requests all 200 "
        f"({len(away)} while it was away); a task asked for meanwhile answered in {answered - asked:.2f} s, "
        f"waited queued and ran {done - started:.1f} s after Redis was back"
    )


@contextlib.contextmanager
def _beat(env: dict, work: Path):
    """``celery -A config beat``, its schedule file in the test's directory."""
    log = work / "beat.log"
    out = open(log, "w")  # noqa: SIM115
    beat = subprocess.Popen(
        [sys.executable, "-m", "celery", "-A", "config", "beat", "--loglevel", "INFO", "-s", str(work / "schedule")],
        cwd=stack.ROOT, env=env, stdout=out, stderr=subprocess.STDOUT,
    )  # fmt: skip
    try:
        stack.wait_for(lambda: re.search(r"beat: Starting", log.read_text()), 60, log.read_text)
        yield beat
    finally:
        stack.stop(beat)
        out.close()
