"""Culling the access log's oldest entries keeps the rest verifiable (ADR 0032): a signed
checkpoint at the cut, which verification starts from; the database lets rows go only up to it.
Run on SQLite and PostgreSQL (the triggers differ)."""

import contextlib
import datetime
import io
from unittest import mock

import pytest
from django.core.management import CommandError, call_command
from django.db import DatabaseError, connection, transaction
from django.utils import timezone

from fridsam.core import audit, log_culling
from fridsam.core.audit import checkpoint_mac, derive_key, log_access, verify_chain
from fridsam.core.models import AccessAction, AccessLogCheckpoint, AccessLogEntry, AccessLogVerification
from fridsam.organisations.models import Municipality, Unit

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("empty_access_log")]

OLD = datetime.datetime(2019, 5, 1, 10, 0, tzinfo=datetime.UTC)
CUTOFF = datetime.datetime(2021, 12, 1, tzinfo=datetime.UTC)


@pytest.fixture
def anchor_file(settings, tmp_path):
    settings.FRIDSAM_ACCESS_LOG_ANCHOR_FILE = tmp_path / "anchors.jsonl"
    return settings.FRIDSAM_ACCESS_LOG_ANCHOR_FILE


def _log(n, at=None):
    municipality = Municipality.objects.get(code="1980")
    entries = []
    for i in range(n):
        when = at + datetime.timedelta(minutes=i) if at else None
        with mock.patch.object(audit.timezone, "now", return_value=when) if when else contextlib.nullcontext():
            entries.append(
                log_access(action=AccessAction.READ, object_type=Unit, object_id=i, municipality=municipality)
            )
    return entries


def _cut():
    cut = log_culling.planned_cut(CUTOFF)
    checkpoint = log_culling.write_checkpoint(cut=cut, before=CUTOFF, reason="test")
    removed = log_culling.delete_up_to(checkpoint.cut_sequence, batch_size=7)
    return cut, checkpoint, removed


def _verify(*args):
    out = io.StringIO()
    call_command("verify_access_log", *args, stdout=out)
    return out.getvalue()


def test_culling_the_old_entries_keeps_the_rest_verifiable(anchor_file):
    old = _log(30, at=OLD)
    call_command("anchor_access_log", stdout=io.StringIO())  # an anchor inside the part to be culled
    new = _log(10)
    call_command("anchor_access_log", stdout=io.StringIO())
    cut, checkpoint, removed = _cut()
    assert (cut.sequence, cut.count, removed) == (old[-1].sequence, 30, 30)
    assert checkpoint.cut_hash == old[-1].entry_hash and checkpoint.removed == 30
    assert list(AccessLogEntry.objects.order_by("sequence").values_list("sequence", flat=True)) == [
        e.sequence for e in new
    ]
    report = verify_chain()
    assert report.ok and report.checked == 10 and report.start == old[-1].sequence
    _log(3)  # the chain goes on after the cut
    call_command("anchor_access_log", stdout=io.StringIO())
    assert "Access log intact: 13 entries verified from the checkpoint after entry #30" in _verify()


def test_the_newest_entry_is_never_culled():
    _log(5, at=OLD)
    cut = log_culling.planned_cut(CUTOFF)
    assert cut.count == 4  # the head stays: the next entry must link to something


def test_rows_after_the_checkpoint_cannot_be_deleted():
    _log(5, at=OLD)
    _log(3)
    _cut()
    first_kept = AccessLogEntry.objects.order_by("sequence").first()
    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("DELETE FROM core_accesslogentry WHERE sequence = %s", [first_kept.sequence])
    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("DELETE FROM core_accesslogcheckpoint")
    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("UPDATE core_accesslogcheckpoint SET removed = 1")


def test_nothing_can_be_deleted_before_any_checkpoint():
    _log(3, at=OLD)
    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("DELETE FROM core_accesslogentry")


def test_a_checkpoint_made_without_the_key_is_caught():
    entries = _log(8, at=OLD) + _log(2)
    # Someone with only the database inserts a checkpoint to delete more than was culled.
    values = {
        "cut_sequence": entries[8].sequence,
        "cut_hash": entries[8].entry_hash,
        "cut_key_id": entries[8].key_id,
        "culled_before": timezone.now(),
        "removed": 9,
        "created_at": timezone.now(),
        "reason": "forged",
        "key_id": derive_key("not the installation's key").key_id,
    }
    values["mac"] = checkpoint_mac(values, derive_key("not the installation's key"))
    AccessLogCheckpoint.objects.create(**values)
    AccessLogEntry.objects.filter(sequence__lte=entries[8].sequence).delete()
    report = verify_chain()
    assert not report.ok and "unknown key" in report.reason


def test_a_checkpoint_changed_afterwards_is_caught(drop_triggers):
    _log(6, at=OLD)
    _log(2)
    _, checkpoint, _ = _cut()
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("ALTER TABLE core_accesslogcheckpoint DISABLE TRIGGER USER")
        else:
            cursor.execute("DROP TRIGGER accesslog_checkpoint_no_update")
        cursor.execute("UPDATE core_accesslogcheckpoint SET removed = 1 WHERE id = %s", [checkpoint.pk])
    report = verify_chain()
    assert not report.ok and "signature" in report.reason


def test_removing_the_checkpoint_leaves_a_gap_that_verification_names(drop_triggers):
    _log(6, at=OLD)
    _log(2)
    _cut()
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("ALTER TABLE core_accesslogcheckpoint DISABLE TRIGGER USER")
        else:
            cursor.execute("DROP TRIGGER accesslog_checkpoint_no_delete")
        cursor.execute("DELETE FROM core_accesslogcheckpoint")
    report = verify_chain()
    assert not report.ok and report.first_broken_sequence == 1 and "missing" in report.reason


def test_deleting_past_the_cut_with_the_triggers_off_is_caught(drop_triggers):
    _log(6, at=OLD)
    kept = _log(4)
    _cut()
    with drop_triggers(), connection.cursor() as cursor:
        cursor.execute("DELETE FROM core_accesslogentry WHERE sequence = %s", [kept[0].sequence])
    report = verify_chain()
    assert not report.ok and report.first_broken_sequence == kept[0].sequence


def test_a_broken_part_is_not_culled(drop_triggers):
    old = _log(6, at=OLD)
    _log(2)
    with drop_triggers(), connection.cursor() as cursor:
        cursor.execute("UPDATE core_accesslogentry SET detail = 'changed' WHERE sequence = %s", [old[2].sequence])
    with pytest.raises(log_culling.ChainNotIntact):
        log_culling.write_checkpoint(cut=log_culling.planned_cut(CUTOFF), before=CUTOFF, reason="test")
    assert not AccessLogCheckpoint.objects.exists()


def test_verify_access_log_reports_where_it_started(anchor_file):
    _log(5, at=OLD)
    _log(2)
    _cut()
    call_command("anchor_access_log", stdout=io.StringIO())
    assert "from the checkpoint after entry #5" in _verify()
    with connection.cursor() as cursor:
        cursor.execute("DELETE FROM core_accesslogentry WHERE sequence = 1")  # below the cut: allowed, already gone
    anchor_file.write_text(anchor_file.read_text().replace('"sequence":7', '"sequence":8'))
    with pytest.raises(CommandError):
        _verify()


# --- The cut verifies from the last whole verification (ADR 0041) -----------------------------


def _walked(monkeypatch):
    """The entries each verification walks (what a cut costs)."""
    walks = []
    real = log_culling.verify_chain

    def counting(*args, **kwargs):
        report = real(*args, **kwargs)
        walks.append(report.checked)
        return report

    monkeypatch.setattr(log_culling, "verify_chain", counting)
    return walks


def test_the_nightly_verification_is_recorded_signed(anchor_file):
    entries = _log(4, at=OLD) + _log(2)
    call_command("anchor_access_log", stdout=io.StringIO())
    assert "Access log intact: 6 entries verified" in _verify()
    mark = AccessLogVerification.objects.get()
    assert (mark.sequence, mark.entry_hash, mark.checked) == (entries[-1].sequence, entries[-1].entry_hash, 6)
    assert mark.mac == audit.verification_mac(
        {**{f: getattr(mark, f) for f in audit.VERIFICATION_FIELDS}, "key_id": mark.key_id}, audit.current_key()
    )


def test_after_a_verification_past_the_cut_only_the_cut_entry_is_checked(anchor_file, monkeypatch):
    old = _log(30, at=OLD)
    _log(10)
    call_command("anchor_access_log", stdout=io.StringIO())
    _verify()  # the nightly job: every entry, recorded
    _log(3)
    walks = _walked(monkeypatch)
    cut, checkpoint, removed = _cut()
    assert walks == [1]  # the cut entry, against its hash and the entry before it
    assert (cut.sequence, removed, checkpoint.cut_hash) == (old[-1].sequence, 30, old[-1].entry_hash)
    report = verify_chain()
    assert report.ok and report.checked == 13 and report.start == old[-1].sequence


def test_after_a_verification_before_the_cut_only_what_follows_it_is_walked(anchor_file, monkeypatch):
    _log(20, at=OLD)
    _verify_no_anchors()
    _log(10, at=OLD + datetime.timedelta(days=1))
    _log(5)
    walks = _walked(monkeypatch)
    _, _, removed = _cut()
    assert walks == [10] and removed == 30
    assert verify_chain().ok


def test_an_entry_changed_after_the_verification_stops_the_cut(drop_triggers, monkeypatch):
    old = _log(20, at=OLD)
    _verify_no_anchors()
    _log(10, at=OLD + datetime.timedelta(days=1))
    _log(2)
    with drop_triggers(), connection.cursor() as cursor:
        # After the mark, before the cut: walked, and caught.
        cursor.execute("UPDATE core_accesslogentry SET detail = 'changed' WHERE sequence = %s", [old[-1].sequence + 4])
    with pytest.raises(log_culling.ChainNotIntact, match="does not match its hash"):
        log_culling.write_checkpoint(cut=log_culling.planned_cut(CUTOFF), before=CUTOFF, reason="test")
    with drop_triggers(), connection.cursor() as cursor:
        # The entry the mark names, rewritten: the mark no longer holds, and nothing is cut.
        cursor.execute(
            "UPDATE core_accesslogentry SET entry_hash = %s WHERE sequence = %s", ["f" * 64, old[-1].sequence]
        )
    with pytest.raises(log_culling.ChainNotIntact, match="no longer has the hash"):
        log_culling.write_checkpoint(cut=log_culling.planned_cut(CUTOFF), before=CUTOFF, reason="test")
    assert not AccessLogCheckpoint.objects.exists()


def test_a_forged_or_stale_verification_is_not_trusted(settings, monkeypatch):
    _log(20, at=OLD)
    _verify_no_anchors()
    _log(2)
    mark = AccessLogVerification.objects.get()
    # Someone with only the database claims everything up to the head was verified a minute ago.
    forged = {f: getattr(mark, f) for f in audit.VERIFICATION_FIELDS}
    forged.update(
        sequence=22, entry_hash=AccessLogEntry.objects.get(sequence=22).entry_hash, verified_at=timezone.now()
    )
    other = derive_key("not the installation's key")
    AccessLogVerification.objects.create(
        **forged, key_id=other.key_id, mac=audit.verification_mac({**forged, "key_id": other.key_id}, other)
    )
    walks = _walked(monkeypatch)
    log_culling.verify_to_cut(log_culling.planned_cut(CUTOFF))
    assert walks == [1]  # the genuine mark (at #20, the cut) was used, not the forged one (#22)
    settings.FRIDSAM_ACCESS_LOG_VERIFIED_MAX_HOURS = 0
    log_culling.verify_to_cut(log_culling.planned_cut(CUTOFF))
    assert walks == [1, 20]  # too old: from the start again


def _verify_no_anchors():
    out = io.StringIO()
    call_command("verify_access_log", "--no-anchors", stdout=out)
    return out.getvalue()
