"""Where a page's time goes, page by page: ``make load-pages`` (after ``make load LOAD_ARGS=--keep``).

The load test's figures depend on the machine and on what else runs on it (a two-core machine
measured the same stack at 975 and at 2 149 health probes a second on two days). This measures
what does not: each role's pages from the load test's own list (kept by ``--keep`` in
``var/<database>.accounts.json``), served in this process by Django with the production settings
against the kept PostgreSQL database and Redis, through the whole middleware — the CPU time of
one request (median of five, after one to warm the caches) and the number of SQL queries it
sends. Prints the pages from the most expensive down, each role's mean weighted as the load test
weights its tasks, and the mean over the roles. ``--sql`` prints each page's queries too.
"""

from __future__ import annotations

import argparse
import cProfile
import io
import json
import os
import pstats
import re
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

# The load test's tasks and their weights (tests/load/locustfile.py): start 3, menu 4, detail 3,
# search 1, and the write's page (the start page where a role has no write).
WEIGHTS = {"start": 4, "menu": 4, "details": 3, "searches": 1}


class Counter:
    """A database execute wrapper that counts (and keeps) what is sent."""

    def __init__(self):
        self.sql: list[str] = []

    def __call__(self, execute, sql, params, many, context):
        self.sql.append(sql)
        return execute(sql, params, many, context)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database-url", default="postgres://postgres@127.0.0.1:5432/fridsam_load")
    parser.add_argument("--redis-url", default="redis://127.0.0.1:6379/7")
    parser.add_argument("--details", type=int, default=25, help="detail pages per role")
    parser.add_argument("--sql", action="store_true", help="print every page's queries")
    parser.add_argument(
        "--profile", type=int, metavar="N", default=0, help="profile each page once more; print the top N functions"
    )
    parser.add_argument("--url", metavar="REGEX", help="only the pages whose address matches")
    parser.add_argument("roles", nargs="*", help="only these accounts (default: every role of the load test)")
    args = parser.parse_args()
    name = args.database_url.rsplit("/", 1)[1]
    kept = ROOT / "var"
    if not (kept / f"{name}.keys.json").exists() or not (kept / f"{name}.accounts.json").exists():
        raise SystemExit(f"no kept load database {name}: run `make load LOAD_ARGS=--keep` first")
    keys = json.loads((kept / f"{name}.keys.json").read_text(encoding="utf-8"))
    accounts = json.loads((kept / f"{name}.accounts.json").read_text(encoding="utf-8"))
    static = Path(tempfile.mkdtemp(prefix="fridsam-pages-"))
    os.environ.update(
        {
            "DJANGO_SETTINGS_MODULE": "config.settings.prod",
            "DATABASE_URL": args.database_url,
            "DATABASE_CONN_MAX_AGE": "60",
            "DJANGO_SECRET_KEY": keys["secret"],
            "FRIDSAM_CASE_REFERENCE_SECRET": keys["reference"],
            "FRIDSAM_ACCESS_LOG_KEY": keys["log"],
            "DJANGO_ALLOWED_HOSTS": "testserver",
            "DJANGO_STATIC_ROOT": str(static),
            "FRIDSAM_REDIS_URL": args.redis_url,
            "FRIDSAM_CACHE_PREFIX": "load-pages",
            "FRIDSAM_TASK_QUEUE": "load-pages",  # the pages ask for no task; none would run
        }
    )
    subprocess.run(
        [sys.executable, "manage.py", "collectstatic", "--noinput"], cwd=ROOT, check=True, capture_output=True
    )
    import django

    django.setup()
    import pyotp
    from django.db import connection
    from django.test import Client

    from fridsam.demo.data import DEMO_PASSWORD
    from fridsam.demo.users import demo_totp_secret

    def log_in(username: str) -> Client:
        """Password, then a TOTP code, as a person logs in (a code used within the last period is
        refused, so a refusal waits for the next one)."""
        client = Client(secure=True, headers={"X-Forwarded-Proto": "https"})
        page = client.post("/konto/login/", {"login": username, "password": DEMO_PASSWORD}, follow=True)
        second_step = page.redirect_chain[-1][0]
        for _ in range(2):
            page = client.post(second_step, {"code": pyotp.TOTP(demo_totp_secret(username)).now()}, follow=True)
            if page.redirect_chain and page.redirect_chain[-1][0] == "/":
                return client
            time.sleep(31 - time.time() % 30)
        raise SystemExit(f"{username}: could not log in")

    def get(client: Client, url: str):
        """A case-level page that asks why first is given the first purpose, as run.py does."""
        response = client.get(url)
        if response.status_code == 302 and "/syfte/" in response.url:
            ask = client.get(response.url).content.decode()
            purpose = re.search(r'name="purpose" value="([^"]+)"', ask).group(1)
            client.post(response.url, {"purpose": purpose, "detail": "", "next": url})
            response = client.get(url)
        return response

    rows, means = [], {}
    profiler = cProfile.Profile() if args.profile else None
    for username, account in accounts.items():
        if args.roles and username not in args.roles:
            continue
        client = log_in(username)
        kinds = {
            "start": ["/"],
            "menu": account["menu"],
            "details": account["details"][: args.details],
            "searches": account["searches"],
        }
        cost = {}
        for kind, urls in kinds.items():
            for url in urls:
                if args.url and not re.search(args.url, url):
                    continue
                get(client, url)  # warms what the page caches
                times, counter = [], Counter()
                for _ in range(5):
                    counter = Counter()
                    with connection.execute_wrapper(counter):
                        started = time.process_time()
                        response = client.get(url)
                        times.append((time.process_time() - started) * 1000)
                if profiler is not None:  # apart from the timing, which profiling would slow
                    profiler.runcall(client.get, url)
                ms = statistics.median(times)
                cost.setdefault(kind, []).append(ms)
                rows.append((ms, len(counter.sql), response.status_code, username, url))
                if args.sql:
                    print(f"--- {username} {url}\n" + "\n".join(counter.sql))
        weighted = sum(WEIGHTS[k] * statistics.mean(v) for k, v in cost.items() if v)
        means[username] = weighted / sum(WEIGHTS[k] for k, v in cost.items() if v)
    for ms, queries, status, username, url in sorted(rows, reverse=True):
        print(f"{ms:7.1f} ms  {queries:3d} queries  {status}  {username:24} {url[:80]}")
    print("\nweighted as the load test's mix (CPU ms of one request, in this process):")
    for username, mean in means.items():
        print(f"  {username:24} {mean:6.1f} ms")
    if means:
        print(
            f"  {'every role':24} {statistics.mean(means.values()):6.1f} ms; "
            f"queries per page {statistics.mean(r[1] for r in rows):.1f} on average"
        )
    if profiler is not None:
        profiler.dump_stats(kept / "load-pages.prof")
        print(f"\nthe whole profile: {kept / 'load-pages.prof'} (python -m pstats)")
        for order in ("tottime", "cumulative"):
            out = io.StringIO()
            pstats.Stats(profiler, stream=out).strip_dirs().sort_stats(order).print_stats(args.profile)
            print(f"\nevery page once, by {order}:\n" + out.getvalue().split("\n", 6)[-1])
    return 0


if __name__ == "__main__":
    sys.exit(main())
