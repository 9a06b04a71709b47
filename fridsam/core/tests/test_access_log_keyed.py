"""The keyed, anchored access log (ADR 0018): someone with full rights in the database, but
without the key and the anchors, can neither rewrite nor shorten the log undetected.

The attacks switch the append-only triggers off (``drop_triggers``) and change rows with raw SQL,
as a database superuser could.
"""

import io
import json
import os
import socket
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command
from django.db import connection

from fridsam.core import anchors, audit, checks
from fridsam.core.audit import GENESIS_HASH, HASHED_FIELDS, derive_key, keyed_hash, legacy_hash, log_access
from fridsam.core.models import AccessAction, AccessLogEntry
from fridsam.organisations.models import Municipality, Unit

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("empty_access_log")]

ATTACKER_KEY = derive_key("a key the attacker made up, not the installation's")


@pytest.fixture
def anchor_file(settings, tmp_path):
    settings.FRIDSAM_ACCESS_LOG_ANCHOR_FILE = tmp_path / "var" / "access-log-anchors.jsonl"
    return settings.FRIDSAM_ACCESS_LOG_ANCHOR_FILE


def _log(n):
    municipality = Municipality.objects.get(code="1980")
    return [
        log_access(action=AccessAction.READ, object_type=Unit, object_id=i, municipality=municipality, purpose="p")
        for i in range(n)
    ]


def _anchor():
    out = io.StringIO()
    call_command("anchor_access_log", stdout=out)
    return out.getvalue()


def _verify(*args):
    out = io.StringIO()
    call_command("verify_access_log", *args, stdout=out)
    return out.getvalue()


def _anchors():
    return anchors.read_anchors(Path(audit.settings.FRIDSAM_ACCESS_LOG_ANCHOR_FILE))


def _rows():
    return list(AccessLogEntry.objects.order_by("sequence").values("id", *HASHED_FIELDS, "key_id", "entry_hash"))


def _rewrite(drop_triggers, *, edit_sequence, rehash=None, key_id=None, from_sequence=None):
    """Change the purpose of entry #edit_sequence; with ``rehash``, recompute the links and hashes
    of every entry from ``from_sequence`` (default: the edited one) to the end, as a forger would."""
    rows = _rows()
    start = from_sequence or edit_sequence
    prev = GENESIS_HASH if start == 1 else rows[start - 2]["entry_hash"]
    with drop_triggers(), connection.cursor() as cursor:
        for row in rows[start - 1 :]:
            if row["sequence"] == edit_sequence:
                row["purpose"] = "ändrad i efterhand"
            if rehash is not None:
                row["prev_hash"] = prev
                if key_id is not None:
                    row["key_id"] = key_id
                row["entry_hash"] = rehash(row)
            cursor.execute(
                "UPDATE core_accesslogentry SET purpose = %s, prev_hash = %s, key_id = %s, entry_hash = %s "
                "WHERE id = %s",
                [row["purpose"], row["prev_hash"], row["key_id"], row["entry_hash"], row["id"]],
            )
            prev = row["entry_hash"]


def _truncate(drop_triggers, from_sequence):
    with drop_triggers(), connection.cursor() as cursor:
        cursor.execute("DELETE FROM core_accesslogentry WHERE sequence >= %s", [from_sequence])


# --- A clean log ---------------------------------------------------------------------------------


def test_new_entries_are_keyed_with_the_installations_key(settings):
    first, second = _log(2)
    key = derive_key(settings.FRIDSAM_ACCESS_LOG_KEY)
    assert first.key_id == second.key_id == key.key_id
    stored = AccessLogEntry.objects.filter(pk=second.pk).values().get()
    assert keyed_hash(stored, key) == second.entry_hash
    assert legacy_hash(stored) != second.entry_hash  # not a plain SHA-256 any more
    assert keyed_hash(stored, ATTACKER_KEY) != second.entry_hash


def test_a_clean_chain_verifies_against_every_anchor(anchor_file):
    _log(5)
    assert "at entry #5 (5 entries)" in _anchor()
    _log(2)
    _anchor()
    report = audit.verify_chain(anchors=_anchors())
    assert report.ok and report.checked == 7 and report.anchors_checked == 2
    out = _verify()
    assert "Access log intact: 7 entries verified, consistent with 2 anchors" in out
    assert "at entry #7" in out


def test_an_empty_log_can_be_anchored_and_verified(anchor_file):
    _anchor()
    [anchor] = _anchors()
    assert (anchor.sequence, anchor.count, anchor.head_hash) == (0, 0, GENESIS_HASH)
    _log(1)
    assert "1 entries verified, consistent with 1 anchors" in _verify()


# --- Truncation ----------------------------------------------------------------------------------


def test_removing_the_newest_entries_is_detected_by_the_anchor(anchor_file, drop_triggers):
    _log(5)
    _anchor()
    _truncate(drop_triggers, 4)
    report = audit.verify_chain(anchors=_anchors())
    assert not report.ok and report.first_broken_sequence == 4
    assert "ends at entry #3" in report.reason and "records #5" in report.reason
    with pytest.raises(CommandError, match=r"broken at entry #4: .*newest entries were removed") as failed:
        _verify()
    assert failed.value.returncode == 1


def test_removing_the_newest_entries_and_writing_new_ones_is_detected(anchor_file, drop_triggers):
    _log(5)
    _anchor()
    _truncate(drop_triggers, 4)
    _log(3)  # #4–#6 again, correctly keyed: the chain alone is whole
    assert audit.verify_chain().ok
    report = audit.verify_chain(anchors=_anchors())
    assert report.first_broken_sequence == 5 and "differs from the anchor of" in report.reason
    with pytest.raises(CommandError, match="#5"):
        _verify()


def test_the_next_anchor_run_reports_a_truncation_and_still_appends(anchor_file, drop_triggers):
    _log(5)
    _anchor()
    _truncate(drop_triggers, 3)
    with pytest.raises(CommandError, match=r"ends at entry #2 but the anchor of .* records #5"):
        _anchor()
    assert [a.sequence for a in _anchors()] == [5, 2]


def test_verification_without_any_anchor_fails_unless_asked_for(anchor_file):
    _log(3)
    with pytest.raises(CommandError, match=r"no anchor in .*removal of the newest entries cannot be ruled out"):
        _verify()
    assert "not compared with anchors" in _verify("--no-anchors")
    with pytest.raises(CommandError, match="no anchor file"):
        _verify("--anchors", str(anchor_file.parent / "elsewhere.jsonl"))


# --- Editing -------------------------------------------------------------------------------------


def test_editing_an_entry_without_rehashing_is_detected(drop_triggers):
    _log(5)
    _rewrite(drop_triggers, edit_sequence=3)
    report = audit.verify_chain()
    assert report.first_broken_sequence == 3 and "content" in report.reason


def test_editing_and_rehashing_the_rest_with_plain_sha256_is_detected(drop_triggers):
    _log(5)
    _rewrite(drop_triggers, edit_sequence=3, rehash=legacy_hash)
    report = audit.verify_chain()
    assert report.first_broken_sequence == 3 and "content does not match its hash" in report.reason


def test_rehashing_the_rest_as_entries_from_before_the_keyed_chain_is_detected(drop_triggers):
    _log(5)
    _rewrite(drop_triggers, edit_sequence=3, rehash=legacy_hash, key_id="")
    report = audit.verify_chain()
    assert report.first_broken_sequence == 3 and "unkeyed entry after the keyed chain began" in report.reason


def test_rehashing_the_whole_log_with_plain_sha256_is_detected_by_the_anchor(anchor_file, drop_triggers):
    _log(5)
    _anchor()
    _rewrite(drop_triggers, edit_sequence=3, rehash=legacy_hash, key_id="", from_sequence=1)
    report = audit.verify_chain(anchors=_anchors())
    assert report.first_broken_sequence == 5 and "differs from the anchor" in report.reason
    with pytest.raises(CommandError, match="#5"):
        _verify()


def test_editing_and_rehashing_with_a_wrong_key_is_detected(drop_triggers, settings):
    _log(5)
    real_key_id = derive_key(settings.FRIDSAM_ACCESS_LOG_KEY).key_id
    _rewrite(drop_triggers, edit_sequence=3, rehash=lambda row: keyed_hash(row, ATTACKER_KEY), key_id=real_key_id)
    report = audit.verify_chain()
    assert report.first_broken_sequence == 3 and "content does not match its hash" in report.reason
    with pytest.raises(CommandError, match="#3"):
        _verify("--no-anchors")


def test_rehashing_with_a_wrong_key_under_its_own_key_id_is_detected(drop_triggers):
    _log(5)
    _rewrite(
        drop_triggers, edit_sequence=3, rehash=lambda row: keyed_hash(row, ATTACKER_KEY), key_id=ATTACKER_KEY.key_id
    )
    report = audit.verify_chain()
    assert report.first_broken_sequence == 3 and "unknown key" in report.reason


# --- The anchor file -----------------------------------------------------------------------------


def test_anchors_are_appended_never_rewritten(anchor_file):
    _log(2)
    _anchor()
    first = anchor_file.read_bytes()
    _log(1)
    _anchor()
    content = anchor_file.read_bytes()
    assert content.startswith(first) and content.count(b"\n") == 2
    lines = [json.loads(line) for line in content.decode().splitlines()]
    assert [(line["sequence"], line["count"]) for line in lines] == [(2, 2), (3, 3)]
    assert set(lines[0]) == {"v", "time", "sequence", "count", "head_hash", "key_id", "mac"}
    assert anchor_file.stat().st_mode & 0o007 == 0  # created 0640: not readable by others


def test_an_altered_anchor_line_fails_verification(anchor_file, drop_triggers):
    """Lowering the anchor to match a truncation needs the key: the line's MAC no longer fits."""
    _log(5)
    _anchor()
    _truncate(drop_triggers, 4)
    line = json.loads(anchor_file.read_text())
    head = AccessLogEntry.objects.get(sequence=3)
    line.update(sequence=3, count=3, head_hash=head.entry_hash)
    anchor_file.write_text(json.dumps(line) + "\n")
    with pytest.raises(CommandError, match=r"cannot be verified: .*:1: the anchor's MAC does not match"):
        _verify()


def test_anchors_copied_from_syslog_can_be_verified(anchor_file, tmp_path):
    _log(2)
    _anchor()
    extract = tmp_path / "syslog-extract.log"
    extract.write_text(f"Dec  1 06:05:01 fridsam {anchors.SYSLOG_TAG}{anchor_file.read_text()}")
    assert "consistent with 1 anchors" in _verify("--anchors", str(extract))


def test_the_anchor_is_sent_to_syslog_too(anchor_file, settings):
    receiver = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    receiver.bind(("127.0.0.1", 0))
    receiver.settimeout(10)
    try:
        settings.FRIDSAM_ACCESS_LOG_ANCHOR_SYSLOG = f"127.0.0.1:{receiver.getsockname()[1]}"
        _log(2)
        _anchor()
        datagram = receiver.recv(65536).decode()
    finally:
        receiver.close()
    assert anchors.SYSLOG_TAG in datagram
    assert anchors.parse_line(datagram, "syslog") == anchors.parse_line(anchor_file.read_text(), "syslog")


def test_an_unreachable_syslog_fails_the_anchor_run_after_the_file_line(anchor_file, settings, tmp_path):
    settings.FRIDSAM_ACCESS_LOG_ANCHOR_SYSLOG = str(tmp_path / "no-such-socket")
    with pytest.raises(CommandError, match="not sent to syslog"):
        _anchor()
    assert len(_anchors()) == 1


# --- An existing database and key rotation -------------------------------------------------------


def _legacy_entries(n):
    """Entries as the unkeyed chain wrote them before the upgrade (empty key id, SHA-256)."""
    prev = GENESIS_HASH
    entries = []
    for sequence in range(1, n + 1):
        values = {
            "sequence": sequence,
            "occurred_at": audit.timezone.now(),
            "username": "före",
            "action": AccessAction.READ,
            "object_type": "organisations.unit",
            "object_id": str(sequence),
            "prev_hash": prev,
            "key_id": "",
        }
        values["entry_hash"] = legacy_hash(values)
        entries.append(AccessLogEntry.objects.create(**values))
        prev = values["entry_hash"]
    return entries


def test_entries_from_before_the_keyed_chain_still_verify(anchor_file):
    legacy = _legacy_entries(3)
    first_keyed = _log(2)[0]
    assert first_keyed.prev_hash == legacy[-1].entry_hash
    _anchor()
    report = audit.verify_chain(anchors=_anchors())
    assert report.ok and report.checked == 5 and report.legacy == 3
    assert "5 entries verified (3 from before the keyed chain, with SHA-256 only)" in _verify()


def test_the_first_keyed_entry_seals_the_entries_before_it(drop_triggers):
    _legacy_entries(3)
    _log(2)
    # Re-hashing the unkeyed part is easy, but the first keyed entry links to the old head.
    _rewrite(drop_triggers, edit_sequence=2, rehash=legacy_hash, from_sequence=2)
    report = audit.verify_chain()
    assert report.first_broken_sequence == 4 and "content does not match its hash" in report.reason


def test_key_rotation_keeps_old_entries_verifiable(settings):
    old_secret = settings.FRIDSAM_ACCESS_LOG_KEY
    _log(2)
    settings.FRIDSAM_ACCESS_LOG_KEY = "the new key after rotation, long and random 1234567890"
    settings.FRIDSAM_ACCESS_LOG_OLD_KEYS = [old_secret]
    _log(2)
    report = audit.verify_chain()
    assert report.ok and report.checked == 4

    settings.FRIDSAM_ACCESS_LOG_OLD_KEYS = []
    report = audit.verify_chain()
    assert report.first_broken_sequence == 1 and "FRIDSAM_ACCESS_LOG_OLD_KEYS" in report.reason


def test_a_retired_key_cannot_rewrite_what_the_new_key_signed(settings, anchor_file, drop_triggers):
    old_secret = settings.FRIDSAM_ACCESS_LOG_KEY
    old = derive_key(old_secret)
    _log(2)
    settings.FRIDSAM_ACCESS_LOG_KEY = "the new key after rotation, long and random 1234567890"
    settings.FRIDSAM_ACCESS_LOG_OLD_KEYS = [old_secret]
    _log(3)  # #3–#5 under the new key
    _anchor()

    # Someone holding only the retired key edits #4 and re-signs from there: #3 stays newer.
    _rewrite(drop_triggers, edit_sequence=4, rehash=lambda row: keyed_hash(row, old), key_id=old.key_id)
    report = audit.verify_chain()
    assert report.first_broken_sequence == 4 and "older key" in report.reason

    # Re-signing everything the new key wrote passes the chain, but not the anchor taken after it.
    _rewrite(
        drop_triggers, edit_sequence=4, rehash=lambda row: keyed_hash(row, old), key_id=old.key_id, from_sequence=3
    )
    assert audit.verify_chain().ok
    report = audit.verify_chain(anchors=_anchors())
    assert report.first_broken_sequence == 5 and "differs from the anchor" in report.reason


def test_writing_without_a_key_is_refused(settings):
    from django.core.exceptions import ImproperlyConfigured

    settings.FRIDSAM_ACCESS_LOG_KEY = None
    with pytest.raises(ImproperlyConfigured, match="FRIDSAM_ACCESS_LOG_KEY"):
        _log(1)
    assert not AccessLogEntry.objects.exists()


# --- Settings ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("key", "warned"),
    [
        (None, "is not set"),
        ("dev", "is the public development key"),
        ("short", "shorter than 32"),
        ("a long and random production secret 0123456789abcdef", None),
    ],
)
def test_the_deploy_check_warns_about_a_missing_or_public_key(settings, key, warned):
    settings.FRIDSAM_ACCESS_LOG_KEY = {"dev": settings.FRIDSAM_ACCESS_LOG_DEV_KEY, "short": "x" * 20}.get(key, key)
    messages = checks.access_log_key_set(None)
    if warned is None:
        assert messages == []
    else:
        [message] = messages
        assert message.id == "fridsam.W001" and warned in message.msg


def test_production_settings_refuse_to_start_without_the_key(settings):
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "config.settings.prod",
        "DJANGO_SECRET_KEY": "x" * 50,
        "FRIDSAM_CASE_REFERENCE_SECRET": "y" * 40,
    }
    env.pop("FRIDSAM_ACCESS_LOG_KEY", None)
    result = subprocess.run(
        [sys.executable, "-c", "import django; django.setup()"],
        cwd=Path(settings.BASE_DIR),
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode != 0
    assert "FRIDSAM_ACCESS_LOG_KEY must be set in production" in result.stderr
