"""A former staff member's name in the access log is replaced by their pseudonym without breaking
the chain (ADR 0040): each entry is verified, rewritten once with a seal made with a key outside the
database, and verification checks it against the seal; the hash, the links and the anchors stay.
Run on SQLite and PostgreSQL (the triggers differ)."""

import io

import pytest
from django.core.management import call_command
from django.db import DatabaseError, connection, transaction

from fridsam.accounts.tests import factories
from fridsam.core import log_culling
from fridsam.core.audit import derive_key, log_access, seal_for, verify_chain
from fridsam.core.log_pseudonyms import pseudonymise
from fridsam.core.models import AccessAction, AccessLogEntry
from fridsam.organisations.models import Municipality, Unit

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("empty_access_log")]

PSEUDONYM = "Tidigare medarbetare 7F3K2Q"


@pytest.fixture
def anchor_file(settings, tmp_path):
    settings.FRIDSAM_ACCESS_LOG_ANCHOR_FILE = tmp_path / "anchors.jsonl"
    return settings.FRIDSAM_ACCESS_LOG_ANCHOR_FILE


@pytest.fixture
def leaver():
    return factories.user(username="kim.ek", with_totp=False)


def _colleague(username="oskar.wall"):
    return factories.user(username=username, with_totp=False)


def _entries(leaver, colleague):
    municipality = Municipality.objects.get(code="1980")
    written = []
    for i in range(3):
        written.append(
            log_access(action=AccessAction.READ, object_type=Unit, object_id=i, user=leaver, municipality=municipality)
        )
        written.append(
            log_access(
                action=AccessAction.READ, object_type=Unit, object_id=i, user=colleague, municipality=municipality
            )
        )
    written.append(
        log_access(action=AccessAction.LOGIN_FAILED, object_type="accounts.user", detail="attempted username: Kim.Ek")
    )
    written.append(
        log_access(action=AccessAction.LIST, object_type=AccessLogEntry, user=colleague, detail="what read kim.ek")
    )
    return written


def _pseudonymise(leaver):
    return pseudonymise(
        user_id=leaver.pk,
        pseudonym=PSEUDONYM,
        details={
            "attempted username: kim.ek": f"attempted username: {PSEUDONYM}",
            "what read kim.ek": f"what read {PSEUDONYM}",
        },
        batch_size=2,
    )


def _verify(*args):
    out = io.StringIO()
    call_command("verify_access_log", *args, stdout=out)
    return out.getvalue()


def test_the_name_is_replaced_and_the_chain_and_its_anchors_still_verify(leaver, anchor_file):
    colleague = _colleague()
    written = _entries(leaver, colleague)
    call_command("anchor_access_log", stdout=io.StringIO())
    hashes = dict(AccessLogEntry.objects.values_list("sequence", "entry_hash"))

    assert _pseudonymise(leaver) == 5  # three reads, the failed login, the question about them

    rows = AccessLogEntry.objects.order_by("sequence")
    assert not rows.filter(username="kim.ek").exists() and rows.filter(username=PSEUDONYM).count() == 3
    assert not rows.filter(detail__icontains="kim.ek").exists()
    assert rows.get(sequence=written[6].sequence).detail == f"attempted username: {PSEUDONYM}"
    assert rows.filter(username="oskar.wall", seal__isnull=True).count() == 3  # the colleague's own reads stay
    assert dict(rows.values_list("sequence", "entry_hash")) == hashes  # not one hash changed
    report = verify_chain()
    assert report.ok and report.checked == AccessLogEntry.objects.count() and report.sealed == 5
    out = _verify()
    assert "Access log intact" in out and "5 with a former staff member's name" in out
    assert _pseudonymise(leaver) == 0  # done once
    log_access(action=AccessAction.READ, object_type=Unit, object_id=9, municipality=written[0].municipality)
    assert verify_chain().ok  # the chain goes on


@pytest.mark.parametrize(
    ("column", "value", "problem"),
    [
        ("object_id", "4711", "does not match its pseudonymisation seal"),  # another read, under the seal
        ("username", "someone else", "does not match its pseudonymisation seal"),
        ("seal", None, "content does not match its hash"),  # the seal removed: the name is gone, the hash fails
    ],
)
def test_a_sealed_entry_changed_afterwards_is_caught(leaver, drop_triggers, column, value, problem):
    written = _entries(leaver, _colleague())
    _pseudonymise(leaver)
    with drop_triggers(), connection.cursor() as cursor:
        cursor.execute(
            f"UPDATE core_accesslogentry SET {column} = %s WHERE sequence = %s",
            [value, written[0].sequence],
        )
    report = verify_chain()
    assert not report.ok and report.first_broken_sequence == written[0].sequence and problem in report.reason


def test_a_seal_made_without_the_key_is_caught(leaver, drop_triggers):
    written = _entries(leaver, _colleague())
    entry = AccessLogEntry.objects.get(sequence=written[0].sequence)
    values = {f.attname: getattr(entry, f.attname) for f in AccessLogEntry._meta.concrete_fields}
    values["username"] = "Tidigare medarbetare FORGED"
    forged = seal_for(values, derive_key("not the installation's key"))
    # Someone with only the database: the trigger lets a first seal through, the key does not.
    AccessLogEntry.objects.filter(pk=entry.pk).update(username=values["username"], seal=forged)
    report = verify_chain()
    assert not report.ok and "unknown key" in report.reason


def test_the_database_allows_an_update_only_to_seal_an_entry_once(leaver):
    written = _entries(leaver, _colleague())
    first = AccessLogEntry.objects.filter(sequence=written[0].sequence)
    for change in ({"object_id": "99", "seal": "x:y"}, {"username": "x"}, {"entry_hash": "f" * 64, "seal": "x:y"}):
        with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
            first.update(**change)
    _pseudonymise(leaver)
    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
        first.update(username="again", seal="x:z")  # sealed once: never again


def test_an_entry_that_does_not_verify_is_not_sealed(leaver, drop_triggers):
    written = _entries(leaver, _colleague())
    with drop_triggers(), connection.cursor() as cursor:
        cursor.execute("UPDATE core_accesslogentry SET object_id = '4711' WHERE sequence = %s", [written[2].sequence])
    with pytest.raises(log_culling.ChainNotIntact, match=f"entry #{written[2].sequence}"):
        _pseudonymise(leaver)
    assert AccessLogEntry.objects.get(sequence=written[2].sequence).seal is None  # the evidence stays as it is


def test_sealed_entries_are_culled_and_the_rest_still_verifies(leaver, anchor_file):
    _entries(leaver, _colleague())
    _pseudonymise(leaver)
    _verify("--no-anchors")  # the nightly verification, recorded
    head = AccessLogEntry.objects.order_by("-sequence").first()
    log_access(action=AccessAction.READ, object_type=Unit, object_id=1, municipality=head.municipality)
    cut = log_culling.LogCut(head.sequence, head.sequence)
    log_culling.write_checkpoint(cut=cut, before=head.occurred_at, reason="test")
    assert log_culling.delete_up_to(cut.sequence) == head.sequence
    report = verify_chain()
    assert report.ok and report.checked == 1 and report.start == head.sequence
