"""The access log: written through one helper, append-only in the database, tamper-evident."""

import io

import pytest
from django.core.management import CommandError, call_command
from django.db import DatabaseError, connection, transaction

from fridsam.core.audit import GENESIS_HASH, compute_hash, log_access, verify_chain
from fridsam.core.models import AccessAction, AccessLogEntry
from fridsam.organisations.models import Municipality, Unit

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("empty_access_log")]


def _entries(n=3):
    municipality = Municipality.objects.get(code="1980")
    return [
        log_access(
            action=AccessAction.READ, object_type=Unit, object_id=i, municipality=municipality, purpose="uppföljning"
        )
        for i in range(n)
    ]


def test_helper_writes_a_chained_entry():
    first, second = _entries(2)
    assert first.prev_hash == GENESIS_HASH
    assert second.prev_hash == first.entry_hash
    assert second.sequence == first.sequence + 1
    assert first.object_type == "organisations.unit"
    assert first.county_id == first.municipality.county_id
    stored = AccessLogEntry.objects.filter(pk=second.pk).values().get()
    assert compute_hash(stored) == second.entry_hash


def test_an_entry_keeps_every_role_of_a_person_with_several():
    municipality = Municipality.objects.get(code="1980")
    roles = "coordinator,county_analyst,manager,social_worker"
    entry = log_access(action=AccessAction.READ, object_type=Unit, object_id=1, municipality=municipality, role=roles)
    assert AccessLogEntry.objects.get(pk=entry.pk).role == roles


def test_helper_rejects_unknown_actions():
    with pytest.raises(ValueError):
        log_access(action="peek", object_type="x")


@pytest.mark.parametrize(
    "statement",
    [
        "UPDATE core_accesslogentry SET purpose = 'ändrat'",
        "DELETE FROM core_accesslogentry",
    ],
)
def test_database_rejects_update_and_delete(statement):
    _entries(1)
    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(statement)
    assert AccessLogEntry.objects.count() == 1


def test_orm_update_and_delete_are_rejected_too():
    entry = _entries(1)[0]
    with pytest.raises(DatabaseError), transaction.atomic():
        AccessLogEntry.objects.filter(pk=entry.pk).update(username="någon annan")
    with pytest.raises(DatabaseError), transaction.atomic():
        entry.delete()
    assert AccessLogEntry.objects.get(pk=entry.pk).username == ""


@pytest.mark.skipif("connection.vendor != 'postgresql'")
def test_postgres_rejects_truncate():
    _entries(1)
    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")  # flush the test transaction's FK checks
        # CASCADE: the tables that refer to the log (a review's drawn reads) would refuse first.
        cursor.execute("TRUNCATE core_accesslogentry CASCADE")


def test_verify_accepts_an_intact_chain(settings, tmp_path):
    settings.FRIDSAM_ACCESS_LOG_ANCHOR_FILE = tmp_path / "anchors.jsonl"
    _entries(5)
    report = verify_chain()
    assert report.ok and report.checked == 5
    call_command("anchor_access_log", stdout=io.StringIO())
    out = io.StringIO()
    call_command("verify_access_log", stdout=out)
    assert "intact: 5 entries verified" in out.getvalue()


@pytest.mark.parametrize(
    ("sql", "reason"),
    [
        ("UPDATE core_accesslogentry SET purpose = 'dolt' WHERE sequence = %s", "content"),
        ("UPDATE core_accesslogentry SET prev_hash = %s WHERE sequence = %s", "link"),
        ("DELETE FROM core_accesslogentry WHERE sequence = %s", "missing"),
    ],
)
def test_verify_names_the_first_broken_link(sql, reason, drop_triggers):
    entries = _entries(5)
    third = entries[2].sequence
    params = [third] if sql.count("%s") == 1 else ["f" * 64, third]
    with drop_triggers(), connection.cursor() as cursor:
        cursor.execute(sql, params)
    report = verify_chain()
    assert not report.ok
    assert report.first_broken_sequence == third
    assert reason in report.reason
    with pytest.raises(CommandError, match=f"#{third}"):
        call_command("verify_access_log", stdout=io.StringIO())


@pytest.mark.django_db
@pytest.mark.parametrize("number", ["121212-1212", "121212\u20131212", "19121212\u00a01212", "1212121212"])
def test_a_personal_identity_number_never_enters_the_log(number):
    """Whatever a form let through (a file name, a search), the row that can never be changed
    keeps no personal identity number."""
    entry = log_access(
        action=AccessAction.IMPORT,
        object_type="statistics.indicatorvalue",
        object_id=number,
        purpose=f"ärende {number}",
        detail=f"file=beslut {number}.xlsx",
    )
    entry.refresh_from_db()
    for text in (entry.object_id, entry.purpose, entry.detail):
        assert "1212" not in text and "*" in text
    stored = AccessLogEntry.objects.filter(pk=entry.pk).values().get()
    assert compute_hash(stored) == entry.entry_hash  # the masked row is chained like any other
