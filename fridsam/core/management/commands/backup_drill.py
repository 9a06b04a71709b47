"""The backup and restore drill (PostgreSQL; ADR 0030): prove that a backup can be restored.

1. ``pg_dump`` the database (custom format) inside a snapshot that this command holds open, and
   count every table in that same snapshot, so a database in use gives counts that match the dump.
2. Restore the dump into a fresh database (``<name>_drill_<time>``) with ``pg_restore``.
3. On the restored copy, each as its own process with the copy as DATABASE_URL: the access log's
   chain and anchors verify (``verify_access_log``), every encrypted value (addresses, TOTP
   secrets) reads with the configured keys (``rotate_field_encryption --readable``), every table
   holds as many rows as the snapshot, and the pages named with ``--page`` (default: the
   accessibility statement) render byte for byte as they do from the live database.
4. Drop the copy (``--keep`` leaves it), keep the dump where ``--dump`` says (else a temporary file).

Exits non-zero naming what did not hold. Run it as the operators do a restore: monthly at least.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from urllib.parse import quote

import psycopg
from django.apps import apps
from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import connection
from django.test import Client

ROOT = Path(settings.BASE_DIR)


def _url(db: dict, name: str) -> str:
    user = quote(db.get("USER") or "", safe="")
    password = f":{quote(db['PASSWORD'], safe='')}" if db.get("PASSWORD") else ""
    auth = f"{user}{password}@" if user else ""
    host = db.get("HOST") or "localhost"
    port = f":{db['PORT']}" if db.get("PORT") else ""
    return f"postgresql://{auth}{host}{port}/{quote(name, safe='')}"


def _tool(name: str) -> str:
    found = shutil.which(name)
    if found is None:
        raise CommandError(f"{name} not found: install the PostgreSQL client (apt-get install -y postgresql-client).")
    return found


def _tables() -> list[str]:
    names = {m._meta.db_table for m in apps.get_models(include_auto_created=True) if m._meta.managed}
    return sorted(names)


def _count(conn, tables) -> dict[str, int]:
    existing = {r[0] for r in conn.execute("SELECT tablename FROM pg_tables WHERE schemaname = 'public'")}
    counts = {}
    for table in tables:
        if table in existing:
            counts[table] = conn.execute(f'SELECT count(*) FROM "{table}"').fetchone()[0]  # noqa: S608 - model tables
    return counts


class Command(BaseCommand):
    help = "Dump the database, restore it into a fresh one and check the copy (PostgreSQL)."

    def add_arguments(self, parser):
        parser.add_argument("--dump", help="Where to keep the dump (default: a temporary file, removed).")
        parser.add_argument("--keep", action="store_true", help="Keep the restored database.")
        parser.add_argument("--page", action="append", help="A page (path) that must render the same (repeatable).")
        parser.add_argument("--render", nargs="+", help=argparse.SUPPRESS)

    def handle(self, *args, dump=None, keep=False, page=None, render=None, **options):
        if render:  # the drill's own subprocess: hashes of the pages, from this process's database
            self.stdout.write(json.dumps(_render(render)))
            return
        db = connection.settings_dict
        if connection.vendor != "postgresql":
            raise CommandError("The backup drill needs PostgreSQL (DATABASE_URL=postgres://…).")
        pages = page or ["/tillganglighet/"]
        source_url = _url(db, db["NAME"])
        copy_name = f"{db['NAME']}_drill_{time.strftime('%Y%m%d%H%M%S')}"[:63]
        copy_url = _url(db, copy_name)
        admin_url = _url(db, "postgres")
        dump_path = Path(dump) if dump else Path(tempfile.mkstemp(prefix="fridsam-drill-", suffix=".dump")[1])
        problems: list[str] = []
        started = time.monotonic()

        # 1. The dump and the counts, in one snapshot.
        with psycopg.connect(source_url) as snapshot:
            snapshot.execute("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY")
            snapshot_id = snapshot.execute("SELECT pg_export_snapshot()").fetchone()[0]
            subprocess.run(  # noqa: S603 - our own arguments, no shell
                [_tool("pg_dump"), "--format=custom", f"--snapshot={snapshot_id}", "--no-owner", "-f", str(dump_path),
                 "--dbname", source_url],
                check=True, timeout=3600,
            )  # fmt: skip
            source_counts = _count(snapshot, _tables())
            snapshot.execute("COMMIT")
        size = dump_path.stat().st_size
        self.stdout.write(f"dump: {dump_path} ({size / 1024:.0f} kB, {sum(source_counts.values())} rows)")

        # 2. Restore into a fresh database.
        with psycopg.connect(admin_url, autocommit=True) as admin:
            admin.execute(f'CREATE DATABASE "{copy_name}"')
        try:
            subprocess.run(  # noqa: S603 - our own arguments, no shell
                [_tool("pg_restore"), "--no-owner", "--exit-on-error", "--dbname", copy_url, str(dump_path)],
                check=True, timeout=3600,
            )  # fmt: skip
            self.stdout.write(f"restored into {copy_name}")

            # 3. The copy, checked by its own processes.
            env = {**os.environ, "DATABASE_URL": copy_url}
            for command in (["verify_access_log"], ["rotate_field_encryption", "--readable"]):
                result = self._manage(command, env)
                if result.returncode != 0:
                    problems.append(f"{' '.join(command)}: {(result.stderr or result.stdout).strip()[-500:]}")
                else:
                    self.stdout.write(f"{command[0]}: {result.stdout.strip().splitlines()[-1]}")
            with psycopg.connect(copy_url) as restored:
                copy_counts = _count(restored, source_counts)
            # The copy's own verify_access_log records its verification (ADR 0041): that table may
            # have grown by the drill itself.
            differing = {
                t: (n, copy_counts.get(t))
                for t, n in source_counts.items()
                if copy_counts.get(t) != n and not (t == "core_accesslogverification" and copy_counts.get(t, 0) >= n)
            }
            if differing:
                problems.append(f"row counts differ (dump, copy): {differing}")
            else:
                self.stdout.write(f"counts: {len(source_counts)} tables equal")
            live = json.loads(self._manage(["backup_drill", "--render", *pages], dict(os.environ)).stdout)
            restored_pages = json.loads(self._manage(["backup_drill", "--render", *pages], env).stdout)
            for path in pages:
                if live.get(path) != restored_pages.get(path):
                    problems.append(f"{path} renders differently from the copy")
            if not problems:
                self.stdout.write(f"pages: {len(pages)} render the same")
        finally:
            if not keep:
                with psycopg.connect(admin_url, autocommit=True) as admin:
                    admin.execute(f'DROP DATABASE IF EXISTS "{copy_name}" WITH (FORCE)')
            if not dump:
                dump_path.unlink(missing_ok=True)
        if problems:
            raise CommandError("The restored copy failed the drill:\n- " + "\n- ".join(problems))
        self.stdout.write(f"backup drill passed in {time.monotonic() - started:.1f} s")

    def _manage(self, command: list[str], env: dict) -> subprocess.CompletedProcess:
        return subprocess.run(  # noqa: S603 - this project's manage.py, no shell
            [sys.executable, str(ROOT / "manage.py"), *command],
            cwd=ROOT, env=env, capture_output=True, text=True, timeout=600,
        )  # fmt: skip


def _render(paths: list[str]) -> dict[str, str]:
    """Each page as an anonymous visitor gets it, hashed; 'status N' when it does not answer 200."""
    client = Client(HTTP_HOST=(settings.ALLOWED_HOSTS or ["localhost"])[0])
    hashes = {}
    for path in paths:
        response = client.get(path, secure=True)
        body = response.content if response.status_code == 200 else f"status {response.status_code}".encode()
        hashes[path] = hashlib.sha256(body).hexdigest()
    return hashes
