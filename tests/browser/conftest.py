"""Browser tests: Debian's Chromium driven by Playwright against a real server.

The server is started once per session, as `make run` would start it: a fresh SQLite database
file, all migrations, the demo county, served by gunicorn on a free port of 127.0.0.1. The README's
tour (test_readme_tour.py) starts one of its own with ``demo_server``: it follows the demo as a
first-time visitor finds it, untouched by the other tests.

When Chromium or axe-core is missing the tests are skipped with a message; with
FRIDSAM_REQUIRE_BROWSER=1 (set by CI) they fail instead, so CI never skips them silently.
"""

from __future__ import annotations

import contextlib
import fcntl
import itertools
import os
import socket
import sqlite3
import subprocess
import sys
import time
import urllib.request
from pathlib import Path
from urllib.parse import urlparse

import pytest

ROOT = Path(__file__).resolve().parents[2]
CHROMIUM = os.environ.get("FRIDSAM_CHROMIUM", "/usr/bin/chromium")
AXE = ROOT / "node_modules" / "axe-core" / "axe.min.js"
ARTIFACTS = ROOT / "test-artifacts" / "browser"
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-quic",
    "--no-first-run",
    "--disable-component-update",
    "--disable-sync",
]


def _unavailable(reason: str):
    if os.environ.get("FRIDSAM_REQUIRE_BROWSER") == "1":
        pytest.fail(f"browser tests required but {reason}")
    pytest.skip(f"browser tests skipped: {reason} (install with: apt-get install -y chromium; npm ci)")


def pytest_collection_modifyitems(items):
    for item in items:
        if "tests/browser/" in str(item.fspath):
            item.add_marker(pytest.mark.browser)


def _listening_socket() -> socket.socket:
    """A socket bound to a free port of 127.0.0.1 and listening, handed to gunicorn as it is: the
    port is held from the moment it is chosen, so two test runs side by side never race for it."""
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(128)
    listener.set_inheritable(True)
    return listener


@pytest.fixture(scope="session")
def live_url(tmp_path_factory):
    if not Path(CHROMIUM).exists():
        _unavailable(f"{CHROMIUM} not found")
    if not AXE.exists():
        _unavailable(f"{AXE} not found")
    with demo_server(tmp_path_factory) as (url, env):
        _server_env.update(env)
        yield url


@contextlib.contextmanager
def demo_server(tmp_path_factory):
    """A server of its own, as `make run` starts one: a fresh database, all migrations, the demo
    county, gunicorn on a free port of 127.0.0.1. Yields its URL and environment."""
    database_url, drop_database = _server_database(tmp_path_factory)
    listener = _listening_socket()
    port = listener.getsockname()[1]
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "config.settings.dev",
        "DATABASE_URL": database_url,
        "FRIDSAM_LOGIN_FAILURE_LIMIT": "50",
        # The public pages' quick exit leads to a neutral page of this server: nothing leaves 127.0.0.1.
        "FRIDSAM_QUICK_EXIT_URL": f"http://127.0.0.1:{port}/halsa/",
    }
    env.pop("PYTEST_CURRENT_TEST", None)
    python = sys.executable
    log = open(tmp_path_factory.mktemp("server") / "server.log", "w")  # noqa: SIM115
    server = subprocess.Popen(
        [
            python,
            "-m",
            "gunicorn",
            "config.wsgi",
            "--bind",
            f"fd://{listener.fileno()}",
            "--workers",
            "1",
            "--threads",
            "4",
            "--timeout",
            "60",
        ],
        cwd=ROOT,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
        pass_fds=(listener.fileno(),),
    )
    listener.close()  # gunicorn has its own copy
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                urllib.request.urlopen(url + "/halsa/", timeout=2)
                break
            except OSError:
                if time.monotonic() > deadline or server.poll() is not None:
                    raise RuntimeError("the test server did not start; see " + log.name) from None
                time.sleep(0.3)
        yield url, env
    finally:
        server.terminate()
        try:
            server.wait(timeout=10)
        except subprocess.TimeoutExpired:
            server.kill()
        log.close()
        drop_database()


_server_env: dict[str, str] = {}


@pytest.fixture(scope="session")
def server_shell(live_url):
    """Run Python against the test server's database, as an operator would with manage.py shell."""

    def run(code: str) -> str:
        result = subprocess.run(
            [sys.executable, "manage.py", "shell", "--no-imports", "-c", code],
            cwd=ROOT,
            env=_server_env,
            check=True,
            timeout=120,
            capture_output=True,
            text=True,
        )
        return result.stdout

    return run


_databases = itertools.count(1)


def _admin(url: str):
    """Run SQL on the PostgreSQL server of *url*, outside any database being created or copied."""
    import psycopg

    admin_url = urlparse(url)._replace(path="/postgres").geturl()

    def run(sql):
        with psycopg.connect(admin_url, autocommit=True) as conn:
            conn.execute(sql)

    return run


def demo_template_name() -> str:
    """The PostgreSQL template database of this test run (root conftest.py names the run)."""
    return f"fridsam_demo_{os.environ['FRIDSAM_TEST_RUN']}"


def _demo_template(tmp_path_factory) -> str:
    """The demo county, migrated and loaded once per test run and shared by every worker's
    servers: a SQLite file, or a PostgreSQL template database. The first worker to ask builds it
    (under a lock); the others wait and copy it."""
    url = os.environ.get("DATABASE_URL", "")
    postgres = url.startswith(("postgres://", "postgresql://"))
    shared = tmp_path_factory.getbasetemp().parent / f"fridsam-demo-{os.environ['FRIDSAM_TEST_RUN']}"
    shared.mkdir(exist_ok=True)
    with open(shared / "lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        done = shared / "built"
        if not done.exists():
            if postgres:
                name = demo_template_name()
                _admin(url)(f'DROP DATABASE IF EXISTS "{name}"')
                _admin(url)(f'CREATE DATABASE "{name}"')
                template_url = urlparse(url)._replace(path=f"/{name}").geturl()
            else:
                template_url = f"sqlite:///{shared / 'demo.sqlite3'}"
            env = {**os.environ, "DJANGO_SETTINGS_MODULE": "config.settings.dev", "DATABASE_URL": template_url}
            env.pop("PYTEST_CURRENT_TEST", None)
            for command in (["migrate", "--noinput"], ["createcachetable"], ["load_demo", "--quiet"]):
                subprocess.run([sys.executable, "manage.py", *command], cwd=ROOT, env=env, check=True, timeout=300)
            done.write_text(template_url)
        return done.read_text()


def _server_database(tmp_path_factory):
    """A database of its own for the server, copied from the run's demo template: a SQLite file,
    or, when the suite runs on PostgreSQL, a PostgreSQL database next to the test database."""
    template_url = _demo_template(tmp_path_factory)
    url = os.environ.get("DATABASE_URL", "")
    if not url.startswith(("postgres://", "postgresql://")):
        path = tmp_path_factory.mktemp("browserdb") / "fridsam.sqlite3"
        source = sqlite3.connect(urlparse(template_url).path)
        target = sqlite3.connect(path)
        with target:
            source.backup(target)
        source.close()
        target.close()
        return f"sqlite:///{path}", lambda: None
    name = f"fridsam_browser_{os.getpid()}_{next(_databases)}"
    run = _admin(url)
    run(f'DROP DATABASE IF EXISTS "{name}"')
    run(f'CREATE DATABASE "{name}" TEMPLATE "{demo_template_name()}"')
    return urlparse(url)._replace(path=f"/{name}").geturl(), lambda: run(
        f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'
    )


@pytest.fixture(scope="module")
def browser(live_url):
    """Chromium, for one test file: Playwright's synchronous API runs an event loop while it is
    open, and Django refuses database access from a thread with a running loop, so the loop must
    end before the worker goes on to a file of ordinary tests."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


class Watch:
    """What a page did that it must not: requests to other hosts, CSP violations."""

    def __init__(self):
        self.foreign_requests: list[str] = []
        self.csp_violations: list[str] = []
        self.console_errors: list[str] = []

    def assert_clean(self):
        assert self.foreign_requests == [], f"requests left 127.0.0.1: {self.foreign_requests}"
        assert self.csp_violations == [], f"CSP violations: {self.csp_violations}"


CSP_LISTENER = """
document.addEventListener('securitypolicyviolation', (e) => {
  console.error('CSP-VIOLATION ' + e.violatedDirective + ' ' + e.blockedURI);
});
"""


@pytest.hookimpl(wrapper=True, tryfirst=True)
def pytest_runtest_makereport(item, call):
    report = yield
    if report.when == "call":
        item.failed_call = report.failed
    return report


@pytest.fixture(scope="session")
def sessions() -> dict[str, list]:
    """Each account's session cookies after its first login through the form (its storage state):
    later tests of the session continue that session instead of logging in again."""
    return {}


@pytest.fixture
def page(browser, live_url, sessions, request):
    context = browser.new_context(locale="sv-SE", viewport={"width": 1280, "height": 900})
    context.add_init_script(CSP_LISTENER)
    page = context.new_page()
    watch = Watch()

    def on_request(request):
        host = urlparse(request.url).hostname
        if request.url.startswith(("data:", "blob:", "about:")):
            return
        if host != "127.0.0.1":
            watch.foreign_requests.append(request.url)
        elif urlparse(request.url).path == "/konto/logout/" and request.method == "POST":
            sessions.pop(getattr(page, "user", None), None)  # that session is over

    def on_console(message):
        text = message.text
        if "CSP-VIOLATION" in text or "Content Security Policy" in text:
            watch.csp_violations.append(text)
        elif message.type == "error":
            watch.console_errors.append(text)

    page.on("request", on_request)
    page.on("console", on_console)
    page.watch = watch
    page.base_url = live_url
    page.sessions = sessions
    page.user = None
    yield page
    if getattr(request.node, "failed_call", False):  # what the page showed when the test failed
        ARTIFACTS.mkdir(parents=True, exist_ok=True)
        try:
            page.screenshot(path=str(ARTIFACTS / f"FAILED-{request.node.name}.png"), full_page=True)
        except Exception as error:  # a failed screenshot must not hide the failure
            print(f"no screenshot of the failure: {error}")
    context.close()
    watch.assert_clean()


# The state tables.js brings a page to (after loading, and one animation frame after a resize):
# every table that scrolls sideways in its own box can be reached with the keyboard.
TABLES_SETTLED = """() => [...document.querySelectorAll('main table.ds-table, main table.rp-table')].every(t => {
  const wrap = t.closest('.fs-matrix-wrap');
  const box = wrap || t;
  return !t.offsetParent || box.scrollWidth <= box.clientWidth + 1 || wrap || t.hasAttribute('tabindex');
})"""


def run_axe(page) -> list[dict]:
    """WCAG 2.1 A and AA violations on the current page (axe-core, evaluated like devtools do),
    once the page has loaded (a navigation that has only begun would be checked half-parsed) and
    its tables have settled after the last resize (else axe may see the frame before)."""
    from playwright.sync_api import TimeoutError as PlaywrightTimeoutError

    page.wait_for_load_state()
    with contextlib.suppress(PlaywrightTimeoutError):  # a table never reachable: axe names it below
        page.wait_for_function(TABLES_SETTLED, timeout=5000)
    if not page.evaluate("() => typeof window.axe !== 'undefined'"):
        page.evaluate(AXE.read_text(encoding="utf-8"))
    result = page.evaluate(
        """async () => await axe.run(document, {
               runOnly: {type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']},
               resultTypes: ['violations']})"""
    )
    return [
        {"id": v["id"], "impact": v["impact"], "help": v["help"], "targets": [n["target"] for n in v["nodes"]][:5]}
        for v in result["violations"]
    ]


def assert_accessible(page, name: str):
    """No WCAG 2.1 A/AA violation on the page; when there is one, a screenshot shows the page.
    FRIDSAM_BROWSER_SCREENSHOTS=1 keeps a screenshot of every page checked (to look at them)."""
    violations = run_axe(page)
    if violations or os.environ.get("FRIDSAM_BROWSER_SCREENSHOTS") == "1":
        ARTIFACTS.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=True)
    assert violations == [], f"axe found WCAG 2.1 A/AA violations on {page.url}: {violations}"
