"""Load test of the production stack on this machine: ``make load``.

Builds a PostgreSQL database with the demo county, starts gunicorn with the production settings
behind nginx (TLS with a throwaway certificate, as in production: ADR 0030) on 127.0.0.1, with the
cache and sessions on Redis, logs in the five staff roles' demo accounts
(password and TOTP code, as a person does), finds each role's pages from its menu and start page,
then measures with Locust (tests/load/locustfile.py):

1. the floor — the health probe at 8 connections;
2. the mixed scenario at each number of connections asked for (default 8 and 32).

Bounded: every phase runs for a fixed time; everything stops by itself and the database is
dropped afterwards (``--keep`` keeps it). Prints throughput, latency percentiles and errors, and
the slowest kinds of page. Targets (docs/operations.md): ≥ 150 requests/s with p95 ≤ 150 ms at 8
connections, p95 ≤ 400 ms at 32, no errors; ``--check`` exits non-zero when one is missed.
"""

from __future__ import annotations

import argparse
import csv
import datetime
import json
import os
import re
import secrets
import socket
import subprocess
import sys
import tempfile
import time
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import urlencode, urlsplit

import psycopg
import pyotp
import requests

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))
from tests import proxy  # noqa: E402

BIN = Path(sys.executable).parent
ROLES = ["demo.lansanalytiker", "demo.samordnare", "demo.chef", "demo.socialsekreterare", "demo.partner"]
SKIP = re.compile(r"/konto/|/admin/|/i18n/|\.csv|\.xlsx|\.ics|/ny/|/andra/|ta-bort|/adress/|export|kalender|mall")
PDF = re.compile(r"pdf", re.I)
QUESTION = "Hur gör vi skyddsbedömningen när barnen bor växelvis hos båda föräldrarna?"


class Page(HTMLParser):
    """Links in the main menu and in <main>, and the GET forms in <main> with their first choices."""

    def __init__(self):
        super().__init__()
        self.depth = {"nav": 0, "main": 0}
        self.menu, self.links, self.forms = [], [], []
        self._form = None
        self._select = None

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "nav" and "data-fs-nav" in a:
            self.depth["nav"] = 1
        elif tag == "main":
            self.depth["main"] = 1
        elif tag == "a" and a.get("href", "").startswith("/"):
            if self.depth["nav"]:
                self.menu.append(a["href"])
            elif self.depth["main"]:
                self.links.append(a["href"])
        elif tag == "form" and self.depth["main"] and (a.get("method") or "get").lower() == "get":
            self._form = {"action": a.get("action") or "", "fields": {}}
        elif self._form is not None and tag == "select":
            self._select = a.get("name")
        elif self._form is not None and tag == "option" and self._select and a.get("value"):
            self._form["fields"].setdefault(self._select, a["value"])
        elif self._form is not None and tag == "input" and a.get("name"):
            kind = a.get("type", "text")
            if kind in ("radio", "checkbox") and a.get("value"):
                self._form["fields"].setdefault(a["name"], a["value"])
            elif kind == "hidden" and a.get("value"):
                self._form["fields"][a["name"]] = a["value"]

    def handle_endtag(self, tag):
        if tag == "nav" and self.depth["nav"]:
            self.depth["nav"] = 0
        elif tag == "main":
            self.depth["main"] = 0
        elif tag == "select":
            self._select = None
        elif tag == "form" and self._form is not None:
            if self._form["fields"]:
                self.forms.append(self._form)
            self._form = None


def parse(html: str) -> Page:
    page = Page()
    page.feed(html)
    return page


class Server:
    """The production topology on one machine (ADR 0030): nginx terminating TLS and keeping its
    clients' connections alive, gunicorn (sync workers) behind it over plain HTTP."""

    def __init__(self, env, workers, directory):
        key, cert = proxy.certificate(directory)
        self.cert = str(cert)
        self.sock = socket.socket()
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen(1024)
        self.sock.set_inheritable(True)
        upstream = f"127.0.0.1:{self.sock.getsockname()[1]}"
        self.process = subprocess.Popen(
            [
                str(BIN / "gunicorn"), "config.wsgi:application", "--workers", str(workers),
                "--bind", f"fd://{self.sock.fileno()}", "--backlog", "1024",
                "--log-level", "warning", "--timeout", "120",
            ],
            cwd=ROOT, env=env, pass_fds=[self.sock.fileno()],
        )  # fmt: skip
        self.url, self.proxy = proxy.nginx(directory, [upstream], key, cert, access_log=False)
        deadline = time.monotonic() + 60
        while True:
            try:
                if requests.get(self.url + "/halsa/", verify=self.cert, timeout=5).status_code == 200:
                    return
            except requests.RequestException:
                pass
            if time.monotonic() > deadline or self.process.poll() is not None or self.proxy.poll() is not None:
                raise SystemExit("the server did not start")
            time.sleep(0.5)

    def stop(self):
        for process in (self.proxy, self.process):
            process.terminate()
            try:
                process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                process.kill()
        self.sock.close()


def csrf(html: str) -> str:
    return re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', html).group(1)


def log_in(base: str, cert: str, username: str, password: str, secret: str) -> requests.Session:
    s = requests.Session()
    s.trust_env = False  # 127.0.0.1 only: no proxy, no CA bundle from the environment
    s.verify = cert  # the run's own throwaway certificate
    s.headers["Referer"] = base + "/"
    page = s.get(base + "/konto/login/")
    page = s.post(
        base + "/konto/login/", data={"login": username, "password": password, "csrfmiddlewaretoken": csrf(page.text)}
    )
    if "/2fa/" not in page.url:
        raise SystemExit(f"{username}: the password was not accepted ({page.url})")
    page = s.post(page.url, data={"code": pyotp.TOTP(secret).now(), "csrfmiddlewaretoken": csrf(page.text)})
    if urlsplit(page.url).path != "/":
        raise SystemExit(f"{username}: the code was not accepted ({page.url})")
    return s


def get(s: requests.Session, base: str, path: str):
    """GET *path*; a case-level page that asks why first gets the first purpose (as a person would)."""
    r = s.get(base + path)
    if urlsplit(r.url).path.endswith("/syfte/") and r.status_code == 200:
        choice = re.search(r'name="purpose" value="([^"]+)"', r.text).group(1)
        s.post(r.url, data={"purpose": choice, "detail": "", "next": path, "csrfmiddlewaretoken": csrf(r.text)})
        r = s.get(base + path)
    return r


def discover(s: requests.Session, base: str, username: str) -> dict:
    start = parse(get(s, base, "/").text)
    menu = [p for p in dict.fromkeys(start.menu) if p != "/" and not SKIP.search(p)]
    details, searches, pdfs, unusable = [], [], [], []
    candidates = [*start.links]
    for path in menu:
        r = get(s, base, path)
        if r.status_code != 200:
            unusable.append((path, r.status_code))
            continue
        page = parse(r.text)
        candidates += page.links
        for form in page.forms:
            searches.append((form["action"] or path) + "?" + urlencode(form["fields"]))
    for path in dict.fromkeys(candidates):
        path = path.split("#", 1)[0]
        if not path or path in menu or path == "/" or SKIP.search(path):
            continue
        (pdfs if PDF.search(path) else details).append(path)
    details = list(dict.fromkeys(details))[:60]
    checked = []
    for path in [*details, *searches[:20]]:
        r = get(s, base, path)
        (checked if r.status_code == 200 else unusable).append(path if r.status_code == 200 else (path, r.status_code))
    account = {
        "username": username,
        "menu": [p for p in menu if p not in {u[0] for u in unusable}],
        "details": [p for p in details if p in checked],
        "searches": [p for p in searches[:20] if p in checked],
        "pdfs": list(dict.fromkeys(pdfs))[:5],
        "write": write_form(s, base, candidates),
        "cookies": s.cookies.get_dict(),
    }
    print(
        f"  {username}: {len(account['menu'])} menu pages, {len(account['details'])} detail pages, "
        f"{len(account['searches'])} searches, {len(account['pdfs'])} PDFs, "
        f"writes: {account['write']['url'] if account['write'] else 'none'}"
        + (f"; left out (not 200): {unusable}" if unusable else "")
    )
    return account


def write_form(s: requests.Session, base: str, links: list[str]) -> dict | None:
    """The role's everyday write, where its pages link to one: a partner's report of free places,
    or a question to the coordinator."""
    report = next((p for p in links if p.endswith("/lediga-platser/")), None)
    url = report or ("/bollplank/ny/" if "/bollplank/ny/" in links else None)
    if url is None:
        return None
    page = get(s, base, url)
    if page.status_code != 200:
        return None
    if report:
        data = {"free_places": "2", "free_family_rooms": "1"}
    else:
        topic = re.search(r'<select name="topic"[^>]*>.*?<option value="([^"]+)"', page.text, re.S)
        urgency = re.search(r'name="urgency" value="([^"]+)"', page.text)
        data = {"question": QUESTION, "topic": topic.group(1), "urgency": urgency.group(1), "no_names_confirmed": "on"}
    r = s.post(base + url, data={**data, "csrfmiddlewaretoken": csrf(page.text)}, allow_redirects=False)
    return {"url": url, "data": data} if r.status_code in (302, 303) else None


def locust(base: str, accounts_file: Path, users: int, seconds: int, user_class: str, out: Path) -> dict:
    prefix = out / f"{user_class}-{users}"
    subprocess.run(
        [
            str(BIN / "locust"), "-f", str(ROOT / "tests/load/locustfile.py"), "--headless", "--only-summary",
            "-u", str(users), "-r", str(users), "-t", f"{seconds}s", "--stop-timeout", "10",
            "--host", base, "--csv", str(prefix), "--loglevel", "WARNING", user_class,
        ],
        cwd=ROOT, env={**os.environ, "FRIDSAM_LOAD_ACCOUNTS": str(accounts_file)}, check=False,
        stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, timeout=seconds + 120,
    )  # fmt: skip
    with open(f"{prefix}_stats.csv", encoding="utf-8") as f:
        rows = list(csv.DictReader(f))
    failures = []
    if Path(f"{prefix}_failures.csv").exists():
        with open(f"{prefix}_failures.csv", encoding="utf-8") as f:
            failures = list(csv.DictReader(f))
    total = next(r for r in rows if r["Name"] == "Aggregated")
    pages = sorted((r for r in rows if r["Name"] != "Aggregated"), key=lambda r: -float(r["95%"] or 0))
    return {"total": total, "pages": pages, "failures": failures}


def profile(pid: int, seconds: int, out: Path) -> subprocess.Popen:
    """py-spy samples the server's workers (all of them) while a phase runs: collapsed stacks."""
    return subprocess.Popen(
        [
            str(BIN / "py-spy"), "record", "--pid", str(pid), "--subprocesses", "--rate", "250", "--nonblocking",
            "--duration", str(seconds), "--format", "raw", "--output", str(out),
        ],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )  # fmt: skip


def where_the_time_goes(stacks: Path, top: int = 30) -> list[str]:
    """From py-spy's collapsed stacks: the share of samples in which each of Fridsam's functions
    is on the stack (inclusive), and the library frames that hold the most samples (self)."""
    inclusive, itself, total = {}, {}, 0
    for row in stacks.read_text(encoding="utf-8").splitlines():
        stack, _, count = row.rpartition(" ")
        if not count.isdigit():
            continue
        n = int(count)
        total += n
        frames = stack.split(";")
        for frame in dict.fromkeys(f for f in frames if "/fridsam/" in f or "fridsam/" in f.split(" ")[-1]):
            inclusive[frame] = inclusive.get(frame, 0) + n
        itself[frames[-1]] = itself.get(frames[-1], 0) + n

    def short(frame):
        return re.sub(r"\(/.*?/(site-packages|work/main)/", "(", frame)

    lines = [f"{total} samples; Fridsam's functions on the stack (inclusive):"]
    lines += [
        f"  {100 * n / total:5.1f} %  {short(f)}" for f, n in sorted(inclusive.items(), key=lambda i: -i[1])[:top]
    ]
    lines += ["frames holding the most samples (self):"]
    lines += [f"  {100 * n / total:5.1f} %  {short(f)}" for f, n in sorted(itself.items(), key=lambda i: -i[1])[:top]]
    return lines


def line(label: str, result: dict) -> str:
    t = result["total"]
    return (
        f"{label:<28} {float(t['Requests/s']):7.1f} req/s  p50 {t['50%']:>5} ms  p95 {t['95%']:>5} ms  "
        f"p99 {t['99%']:>5} ms  {t['Request Count']:>6} requests  {t['Failure Count']} errors"
    )


def _manage(command: list[str], env: dict) -> None:
    """Run a management command; when it fails, say what it printed."""
    done = subprocess.run([sys.executable, "manage.py", *command], cwd=ROOT, env=env, capture_output=True, text=True)
    if done.returncode:
        sys.stderr.write(done.stdout[-4000:] + done.stderr[-8000:])
        raise SystemExit(f"manage.py {' '.join(command)} failed (exit {done.returncode})")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database-url", default="postgres://postgres@127.0.0.1:5432/fridsam_load")
    parser.add_argument("--workers", type=int, default=4)
    parser.add_argument("--seconds", type=int, default=30, help="per phase")
    parser.add_argument("--users", default="8,32", help="connections, comma-separated")
    parser.add_argument("--keep", action="store_true", help="keep the database (and its keys, in var/) afterwards")
    parser.add_argument("--reuse", action="store_true", help="serve a database kept by an earlier --keep run as it is")
    parser.add_argument("--check", action="store_true", help="exit 1 when a target is missed")
    parser.add_argument("--profile", action="store_true", help="sample the server with py-spy in the first mixed phase")
    parser.add_argument("--redis-url", default="redis://127.0.0.1:6379/7", help="the cache and sessions; '' for none")
    args = parser.parse_args()
    url = urlsplit(args.database_url)
    if url.hostname not in ("127.0.0.1", "localhost"):
        raise SystemExit("the load test runs against 127.0.0.1 only")
    name = url.path.lstrip("/")
    admin = args.database_url.rsplit("/", 1)[0] + "/postgres"
    keys_file = ROOT / "var" / f"{name}.keys.json"  # a kept database's keys, for --reuse
    if args.reuse:
        keys = json.loads(keys_file.read_text(encoding="utf-8"))
    else:
        keys = {k: secrets.token_hex(32) for k in ("secret", "reference", "log")}
        with psycopg.connect(admin, autocommit=True) as c:
            c.execute(f'DROP DATABASE IF EXISTS "{name}"')
            c.execute(f'CREATE DATABASE "{name}"')
    directory = Path(tempfile.mkdtemp(prefix="fridsam-load-"))
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "config.settings.prod",
        "DATABASE_URL": args.database_url,
        "DATABASE_CONN_MAX_AGE": os.environ.get("DATABASE_CONN_MAX_AGE", "60"),
        "DJANGO_SECRET_KEY": keys["secret"],
        "FRIDSAM_CASE_REFERENCE_SECRET": keys["reference"],
        "FRIDSAM_ACCESS_LOG_KEY": keys["log"],
        "DJANGO_ALLOWED_HOSTS": "127.0.0.1",
        "DJANGO_STATIC_ROOT": str(directory / "static"),
        # The production topology (ADR 0030): cache and sessions on Redis. Tasks (the county
        # report's PDF) wait in its queue: no worker runs here, the page answers "queued".
        "FRIDSAM_REDIS_URL": args.redis_url,
        "FRIDSAM_CACHE_PREFIX": f"load-{secrets.token_hex(4)}",
        "FRIDSAM_TASK_QUEUE": f"load-{secrets.token_hex(4)}",
    }
    server = None
    try:
        started = time.monotonic()
        setup = [["collectstatic", "--noinput"]]
        if not args.reuse:
            setup = [["migrate", "--noinput"], ["createcachetable"], *setup]
        for command in setup:
            _manage(command, env)
        if not args.reuse:
            # Production settings refuse the demo county; it is loaded with the development
            # settings and the same keys, then served with the production ones.
            demo_env = {**env, "DJANGO_SETTINGS_MODULE": "config.settings.dev"}
            for command in (["createcachetable"], ["load_demo"]):
                _manage(command, demo_env)
        if args.keep:
            keys_file.parent.mkdir(exist_ok=True)
            keys_file.write_text(json.dumps(keys), encoding="utf-8")
        took = time.monotonic() - started
        print(f"demo county on PostgreSQL in {took:.0f} s; nginx (TLS) and {args.workers} gunicorn workers")
        server = Server(env, args.workers, directory)
        os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.test")
        import django

        django.setup()
        from fridsam.demo.data import DEMO_PASSWORD
        from fridsam.demo.users import demo_totp_secret

        print("the roles' pages:")
        accounts = {
            u: discover(log_in(server.url, server.cert, u, DEMO_PASSWORD, demo_totp_secret(u)), server.url, u)
            for u in ROLES
        }
        accounts_file = directory / "accounts.json"
        accounts_file.write_text(json.dumps(accounts), encoding="utf-8")
        if args.keep or args.reuse:  # for tests/load/pages.py, which profiles these pages one by one
            (keys_file.parent / f"{name}.accounts.json").write_text(json.dumps(accounts), encoding="utf-8")
        results = {"floor": locust(server.url, accounts_file, 8, min(args.seconds, 15), "HealthProbe", directory)}
        sampler = None
        for users in [int(u) for u in args.users.split(",")]:
            if args.profile and sampler is None:
                sampler = profile(server.process.pid, args.seconds, directory / "stacks.txt")
            results[users] = locust(server.url, accounts_file, users, args.seconds, "StaffMember", directory)
            if sampler is not None and sampler.poll() is None and users == int(args.users.split(",")[0]):
                sampler.wait(timeout=60)
        print(
            f"\nmeasured {datetime.datetime.now():%Y-%m-%d %H:%M}, {os.cpu_count()} cores, {args.seconds} s per phase:"
        )
        print(line("health probe, 8 connections", results["floor"]))
        missed = []
        for users in [int(u) for u in args.users.split(",")]:
            r = results[users]
            print(line(f"mixed, {users} connections", r))
            floor = float(results["floor"]["total"]["Requests/s"])
            print(f"{'':28} {100 * float(r['total']['Requests/s']) / floor:5.1f} % of the floor's throughput")
            p95, rps, errors = (
                float(r["total"]["95%"]),
                float(r["total"]["Requests/s"]),
                int(r["total"]["Failure Count"]),
            )
            if users <= 8 and (rps < 150 or p95 > 150):
                missed.append(f"{users} connections: {rps:.0f} req/s, p95 {p95:.0f} ms (target ≥ 150 req/s, ≤ 150 ms)")
            if users >= 32 and p95 > 400:
                missed.append(f"{users} connections: p95 {p95:.0f} ms (target ≤ 400 ms)")
            if errors:
                missed.append(f"{users} connections: {errors} errors")
        worst = results[max(int(u) for u in args.users.split(","))]
        print("\nslowest kinds of page (p95) at the highest load:")
        for row in worst["pages"][:8]:
            print(f"  {row['95%']:>6} ms  {row['Request Count']:>5}×  {row['Type']} {row['Name']}")
        for failure in worst["failures"][:10]:
            print(f"  error: {failure['Occurrences']}× {failure['Method']} {failure['Name']}: {failure['Error']}")
        if sampler is not None:
            sampler.wait(timeout=60)
            print(f"\nwhere the time goes (py-spy, first mixed phase; stacks in {directory / 'stacks.txt'}):")
            print("\n".join(where_the_time_goes(directory / "stacks.txt")))
        print("\ntargets missed:\n  " + "\n  ".join(missed) if missed else "\nall targets met")
        return 1 if missed and args.check else 0
    finally:
        if server:
            server.stop()
        if args.redis_url:  # the run's queued tasks, which no worker took
            import redis

            redis.Redis.from_url(args.redis_url).delete(env["FRIDSAM_TASK_QUEUE"])
        if not (args.keep or args.reuse):
            with psycopg.connect(admin, autocommit=True) as c:
                c.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


if __name__ == "__main__":
    sys.exit(main())
