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
from fridsam.core.models import AccessAction, AccessLogCheckpoint, AccessLogEntry
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
