"""The pieces of a production-like stack for the tests that run one (real processes on 127.0.0.1):
a database copied from the run's demo template, Redis, Celery workers, gunicorn servers, and a
small HTTP client with a session made for a demo account. Every wait is bounded."""

from __future__ import annotations

import contextlib
import http.cookiejar
import json
import os
import re
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.parse
import urllib.request
import uuid
from pathlib import Path

import pytest

from tests.browser.conftest import _listening_socket, _server_database

ROOT = Path(__file__).resolve().parents[1]
REDIS_HOST, REDIS_PORT = "127.0.0.1", 6379
# Redis database 5 of the machine's server; each stack has its own queue on it.
REDIS_URL = os.environ.get("FRIDSAM_TEST_REDIS_URL", f"redis://{REDIS_HOST}:{REDIS_PORT}/5")


def redis_or_skip() -> None:
    """Redis must answer; CI (FRIDSAM_REQUIRE_REDIS=1) fails instead of skipping."""
    try:
        with socket.create_connection((REDIS_HOST, REDIS_PORT), timeout=2) as s:
            s.sendall(b"PING\r\n")
            assert s.recv(16).startswith(b"+PONG")
    except (OSError, AssertionError):
        message = f"Redis does not answer on {REDIS_HOST}:{REDIS_PORT}"
        if os.environ.get("FRIDSAM_REQUIRE_REDIS") == "1":
            pytest.fail(message)
        pytest.skip(f"{message} (start it: redis-server --daemonize yes --bind 127.0.0.1 --port 6379)")


def stack_env(database_url: str, files: Path, **extra: str) -> dict[str, str]:
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "config.settings.dev",
        "DATABASE_URL": database_url,
        "FRIDSAM_BROKER_URL": REDIS_URL,
        "FRIDSAM_TASK_QUEUE": f"fridsam-test-{uuid.uuid4().hex[:10]}",
        "FRIDSAM_FILES_ROOT": str(files),
        "FRIDSAM_LOGIN_FAILURE_LIMIT": "50",
        **extra,
    }
    env.pop("PYTEST_CURRENT_TEST", None)
    return env


@contextlib.contextmanager
def database(tmp_path_factory):
    url, drop = _server_database(tmp_path_factory)
    try:
        yield url
    finally:
        drop()


def shell(env: dict, code: str) -> str:
    """Python against the stack's database, as an operator would run manage.py shell."""
    result = subprocess.run(
        [sys.executable, "manage.py", "shell", "--no-imports", "-c", code],
        cwd=ROOT,
        env=env,
        timeout=120,
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stderr[-3000:]
    return result.stdout


def stop(process: subprocess.Popen, timeout: float = 15) -> None:
    if process.poll() is None:
        process.terminate()
        try:
            process.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=timeout)


@contextlib.contextmanager
def celery_worker(env: dict, log: Path, *, concurrency: int = 1):
    """``celery -A config worker`` on the stack's queue, until it says it is ready."""
    out = open(log, "w")  # noqa: SIM115
    worker = subprocess.Popen(
        [
            sys.executable, "-m", "celery", "-A", "config", "worker", "--loglevel", "INFO",
            "--queues", env["FRIDSAM_TASK_QUEUE"], "--concurrency", str(concurrency),
            "--hostname", f"test-{uuid.uuid4().hex[:8]}@%h", "--without-gossip", "--without-mingle",
        ],
        cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT,
    )  # fmt: skip
    try:
        wait_for(lambda: " ready." in log.read_text(), 60, lambda: f"the worker did not start:\n{log.read_text()}")
        yield worker
    finally:
        stop(worker, 30)
        out.close()


@contextlib.contextmanager
def gunicorn(env: dict, log: Path, *, workers: int = 1, threads: int = 4, session: bool = False):
    """gunicorn serving Fridsam on a free port of 127.0.0.1; yields (URL, process). With
    ``session`` it leads a process group of its own, which a test may kill whole."""
    listener = _listening_socket()
    port = listener.getsockname()[1]
    out = open(log, "w")  # noqa: SIM115
    server = subprocess.Popen(
        [
            sys.executable, "-m", "gunicorn", "config.wsgi", "--bind", f"fd://{listener.fileno()}",
            "--workers", str(workers), "--threads", str(threads), "--timeout", "120",
        ],
        cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT, pass_fds=(listener.fileno(),),
        start_new_session=session,
    )  # fmt: skip
    listener.close()
    url = f"http://127.0.0.1:{port}"
    try:
        wait_for(lambda: _answers(url + "/halsa/"), 60, lambda: f"gunicorn did not start:\n{log.read_text()}")
        yield url, server
    finally:
        stop(server)
        out.close()


def _answers(url: str) -> bool:
    """Any HTTP answer (a redirect to HTTPS from production settings too) means it is up."""
    try:
        urllib.request.build_opener(_NoRedirect()).open(url, timeout=2)
        return True
    except urllib.error.HTTPError:
        return True
    except OSError:
        return False


def wait_for(condition, seconds: float, message=lambda: "timed out", every: float = 0.3):
    deadline = time.monotonic() + seconds
    while True:
        value = condition()
        if value:
            return value
        if time.monotonic() > deadline:
            raise AssertionError(message())
        time.sleep(every)


def session_cookie(env: dict, username: str) -> tuple[str, str]:
    """A logged-in session of a demo account (as after its password and TOTP code), made in the
    stack's database: (cookie name, value)."""
    return session_cookies(env, [username])[username]


def session_cookies(env: dict, usernames: list[str]) -> dict[str, tuple[str, str]]:
    """:func:`session_cookie` for several accounts, in one process."""
    out = shell(
        env,
        "from django.conf import settings; from django.test import Client; "
        "from fridsam.accounts.models import User\n"
        f"for username in {list(usernames)!r}:\n"
        "    c = Client(); c.force_login(User.objects.get(username=username), "
        "backend='django.contrib.auth.backends.ModelBackend')\n"
        "    print(username, settings.SESSION_COOKIE_NAME, c.cookies[settings.SESSION_COOKIE_NAME].value)",
    )
    found = {}
    for line in out.splitlines():
        parts = line.split()
        if len(parts) == 3 and parts[0] in usernames:
            found[parts[0]] = (parts[1], parts[2])
    assert set(found) == set(usernames), out
    return found


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


class _AsThroughTheProxy(http.cookiejar.DefaultCookiePolicy):
    """Cookies marked Secure sent over plain HTTP too: the client stands for the proxy's side."""

    def return_ok_secure(self, cookie, request):
        return True


class Browser:
    """An HTTP client with cookies, a CSRF token and no automatic redirects. ``proxied``: speaking
    plain HTTP to a server as the TLS-terminating proxy does (``X-Forwarded-Proto: https``, an
    https Referer, the Secure cookies sent), for production settings without the proxy itself."""

    def __init__(self, base_url: str, cookie: tuple[str, str] | None = None, context=None, proxied: bool = False):
        self.base_url = base_url
        self.origin = base_url.replace("http://", "https://", 1) if proxied else base_url
        self.jar = http.cookiejar.CookieJar(_AsThroughTheProxy() if proxied else None)
        handlers = [urllib.request.HTTPCookieProcessor(self.jar), _NoRedirect()]
        if context is not None:
            handlers.append(urllib.request.HTTPSHandler(context=context))
        self.opener = urllib.request.build_opener(*handlers)
        self.extra_headers: dict[str, str] = {"X-Forwarded-Proto": "https"} if proxied else {}
        if cookie:
            self.set_cookie(*cookie)

    def set_cookie(self, name: str, value: str) -> None:
        host = urllib.parse.urlparse(self.base_url).hostname
        self.jar.set_cookie(
            http.cookiejar.Cookie(
                0, name, value, None, False, host, False, False, "/", True,
                self.base_url.startswith("https"), None, False, None, None, {},
            )
        )  # fmt: skip

    def csrf(self) -> str:
        for cookie in self.jar:
            if cookie.name.endswith("csrftoken"):
                return cookie.value
        return ""

    def request(self, method: str, path: str, data: dict | None = None, files=None, headers=None, timeout=60):
        headers = {**self.extra_headers, **(headers or {})}
        body = None
        if method == "POST":
            fields = {"csrfmiddlewaretoken": self.csrf(), **(data or {})}
            headers["Referer"] = self.origin + path
            headers["X-CSRFToken"] = self.csrf()
            if files:
                boundary = uuid.uuid4().hex
                parts = []
                for key, value in fields.items():
                    parts.append(
                        f'--{boundary}\r\nContent-Disposition: form-data; name="{key}"\r\n\r\n{value}\r\n'.encode()
                    )
                for key, (filename, content) in files.items():
                    parts.append(
                        f'--{boundary}\r\nContent-Disposition: form-data; name="{key}"; filename="{filename}"\r\n'
                        f"Content-Type: application/octet-stream\r\n\r\n".encode()
                        + content
                        + b"\r\n"
                    )
                body = b"".join(parts) + f"--{boundary}--\r\n".encode()
                headers["Content-Type"] = f"multipart/form-data; boundary={boundary}"
            else:
                body = urllib.parse.urlencode(fields).encode()
                headers["Content-Type"] = "application/x-www-form-urlencoded"
        request = urllib.request.Request(self.base_url + path, data=body, method=method, headers=headers)
        try:
            with self.opener.open(request, timeout=timeout) as response:
                return response.status, dict(response.headers), response.read()
        except urllib.error.HTTPError as error:
            return error.code, dict(error.headers), error.read()

    def get(self, path: str, **kwargs):
        return self.request("GET", path, **kwargs)

    def post(self, path: str, data=None, **kwargs):
        return self.request("POST", path, data, **kwargs)


TASK = re.compile(r"/uppgifter/([0-9a-f-]{36})/")


def follow_task(browser: Browser, location: str, seconds: float = 120) -> list[str]:
    """Poll a task's status part as htmx does (every half second here) until it has finished;
    the statuses seen, in order, without repeats."""
    pk = TASK.search(location)[1]
    seen: list[str] = []

    def finished():
        status, _headers, body = browser.get(f"/uppgifter/{pk}/status/", headers={"HX-Request": "true"})
        assert status == 200, status
        state = re.search(rb'data-status="(\w+)"', body)[1].decode()
        if not seen or seen[-1] != state:
            seen.append(state)
        return state in ("done", "failed")

    wait_for(finished, seconds, lambda: f"task {pk} did not finish: {seen}", every=0.5)
    return seen


def load_json(text: str):
    return json.loads(text.strip().splitlines()[-1])


# --- Private PostgreSQL and Redis, for the tests that stop and start them (tests/test_outages.py) --
# Never the machine's own servers on 5432 and 6379: others use them.


def _free_port() -> int:
    listener = _listening_socket()
    port = listener.getsockname()[1]
    listener.close()
    return port


def require(found: bool, message: str) -> None:
    """A tool the test needs: CI (FRIDSAM_REQUIRE_REDIS=1, the services it installs) fails without it."""
    if found:
        return
    if os.environ.get("FRIDSAM_REQUIRE_REDIS") == "1":
        pytest.fail(message)
    pytest.skip(message)


class PrivatePostgres:
    """A PostgreSQL cluster of the test's own: initdb into a temporary directory, trust
    authentication on 127.0.0.1 and a free port, started and stopped with pg_ctl. As root, the
    cluster runs as the ``postgres`` account (PostgreSQL refuses to run as root)."""

    def __init__(self):
        binaries = sorted(Path("/usr/lib/postgresql").glob("*/bin/initdb"), key=lambda p: int(p.parts[-3]))
        require(bool(binaries), "PostgreSQL's server programs (initdb) are not installed")
        self.bin = binaries[-1].parent
        self.user = None
        if os.geteuid() == 0:
            import pwd

            self.user = pwd.getpwnam("postgres")
        self.root = Path(tempfile.mkdtemp(prefix="fridsam-pg-"))  # not under pytest's root-only directory
        if self.user is not None:
            os.chown(self.root, self.user.pw_uid, self.user.pw_gid)
        self.data, self.log = self.root / "data", self.root / "server.log"
        self.port = _free_port()

    def _run(self, *command: str, timeout: float = 60) -> subprocess.CompletedProcess:
        extra = {"user": self.user.pw_uid, "group": self.user.pw_gid} if self.user is not None else {}
        return subprocess.run(
            [str(self.bin / command[0]), *command[1:]],
            check=True, capture_output=True, text=True, timeout=timeout, cwd=self.root, **extra,
        )  # fmt: skip

    def init(self) -> PrivatePostgres:
        self._run("initdb", "-D", str(self.data), "-U", "postgres", "--auth=trust", "-E", "UTF8", "--no-sync")
        return self

    def start(self) -> None:
        options = f"-p {self.port} -k {self.root} -c listen_addresses=127.0.0.1 -c fsync=off"
        self._run("pg_ctl", "-D", str(self.data), "-l", str(self.log), "-o", options, "-w", "-t", "30", "start")

    def stop(self) -> None:
        """A fast shutdown, as a restart by the operator does: open connections are ended."""
        self._run("pg_ctl", "-D", str(self.data), "-m", "fast", "-w", "-t", "30", "stop")

    def url(self, name: str = "postgres") -> str:
        return f"postgres://postgres@127.0.0.1:{self.port}/{name}"

    def destroy(self) -> None:
        if (self.data / "postmaster.pid").exists():
            with contextlib.suppress(subprocess.SubprocessError):
                self._run("pg_ctl", "-D", str(self.data), "-m", "immediate", "-w", "stop")
        shutil.rmtree(self.root, ignore_errors=True)


@contextlib.contextmanager
def private_postgres_with_demo(tmp_path_factory):
    """A private cluster holding a copy of the run's demo database (pg_dump of a copy on the
    suite's server, pg_restore into the cluster); yields (cluster, database URL)."""
    cluster = PrivatePostgres()
    try:
        cluster.init().start()
        dump = cluster.root / "demo.dump"
        with database(tmp_path_factory) as source:
            subprocess.run(
                ["pg_dump", "--format=custom", "--no-owner", "-f", str(dump), source], check=True, timeout=300
            )
        url = cluster.url("fridsam")
        subprocess.run(["psql", cluster.url(), "-qc", "CREATE DATABASE fridsam"], check=True, timeout=60)
        subprocess.run(
            ["pg_restore", "--no-owner", "--exit-on-error", "--dbname", url, str(dump)], check=True, timeout=300
        )
        yield cluster, url
    finally:
        cluster.destroy()


class PrivateRedis:
    """redis-server of the test's own on a free port of 127.0.0.1, without persistence: stopped,
    it forgets everything, as a Redis restarted without its data does."""

    def __init__(self, directory: Path):
        binary = shutil.which("redis-server")
        require(binary is not None, "redis-server is not installed (apt-get install -y redis-server)")
        self.binary, self.directory, self.port = binary, directory, _free_port()
        self.process: subprocess.Popen | None = None
        self.url = f"redis://127.0.0.1:{self.port}/0"

    def start(self) -> None:
        self.process = subprocess.Popen(
            [
                self.binary, "--port", str(self.port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no",
                "--dir", str(self.directory), "--protected-mode", "no",
            ],
            stdout=open(self.directory / "redis.log", "a"), stderr=subprocess.STDOUT,  # noqa: SIM115
        )  # fmt: skip
        wait_for(self.answers, 20, lambda: (self.directory / "redis.log").read_text())

    def answers(self) -> bool:
        try:
            with socket.create_connection(("127.0.0.1", self.port), timeout=1) as s:
                s.sendall(b"PING\r\n")
                return s.recv(16).startswith(b"+PONG")
        except OSError:
            return False

    def stop(self) -> None:
        if self.process is not None:
            stop(self.process)
            self.process = None
