"""The backup and restore drill on a copy of the demo county (PostgreSQL; ADR 0030): pg_dump,
restore into a fresh database, the access log verifies, the encrypted addresses and TOTP secrets
read, the counts are equal and the pages render the same; and the drill fails, naming why, when
the copy cannot be read with the keys it is given."""

from __future__ import annotations

import os
import secrets
import subprocess
import sys

import pytest
from cryptography.fernet import Fernet

from tests import stack

pytestmark = pytest.mark.skipif(
    not os.environ.get("DATABASE_URL", "").startswith(("postgres://", "postgresql://")),
    reason="the backup drill is of PostgreSQL: it runs in the suite's PostgreSQL pass",
)


def _manage(env, *command):
    return subprocess.run(
        [sys.executable, "manage.py", *command], cwd=stack.ROOT, env=env, capture_output=True, text=True, timeout=600
    )


@pytest.fixture(scope="module")
def demo(tmp_path_factory):
    work = tmp_path_factory.mktemp("drill")
    with stack.database(tmp_path_factory) as url:
        env = stack.stack_env(url, work / "files", FRIDSAM_ACCESS_LOG_ANCHOR_FILE=str(work / "anchors.jsonl"))
        env.pop("FRIDSAM_BROKER_URL")
        assert _manage(env, "anchor_access_log").returncode == 0
        yield env, work


def test_the_drill_restores_a_copy_that_verifies_reads_counts_and_renders_the_same(demo):
    env, work = demo
    result = _manage(
        env, "backup_drill", "--page", "/stod/9901/", "--page", "/tillganglighet/", "--dump", str(work / "d")
    )
    assert result.returncode == 0, result.stderr[-3000:]
    out = result.stdout
    assert "restored into " in out
    assert "verify_access_log: " in out and "rotate_field_encryption: " in out
    readable = int(out.split("rotate_field_encryption: ")[1].split()[0])
    assert readable >= 10  # the demo's TOTP secrets and recovery seeds, the shelters' addresses
    assert "tables equal" in out and "pages: 2 render the same" in out and "backup drill passed" in out
    assert (work / "d").stat().st_size > 10_000
    print("\n" + out)


def test_the_drill_fails_naming_what_the_copy_cannot_do(demo):
    env, _work = demo
    wrong = {**env, "FRIDSAM_FIELD_ENCRYPTION_KEY": Fernet.generate_key().decode()}
    result = _manage(wrong, "backup_drill")
    assert result.returncode != 0
    assert "rotate_field_encryption --readable" in result.stderr and "cannot be read" in result.stderr
    wrong = {**env, "FRIDSAM_ACCESS_LOG_KEY": secrets.token_hex(32)}
    result = _manage(wrong, "backup_drill")
    assert result.returncode != 0 and "verify_access_log" in result.stderr
