"""The start page's sections are kept rendered while nothing they were built from has changed,
whichever way it changes (ADR 0047).

Inside a transaction nothing is kept, and every test runs inside one: here the test's own
transaction does not count (as if each request ran on its own), and the writes' on-commit
callbacks run when their transaction would commit."""

import pytest
from django.core.cache import cache
from django.db import connection, transaction

from fridsam.core import generations, start
from fridsam.core.models import Reminder
from fridsam.core.roles import Role
from fridsam.core.testing import cache_outside_the_tests_transaction, count_queries, forget_kept, without_csrf_tokens
from fridsam.followup import services as followup
from fridsam.followup.models import Consultation, ConsultationStatus

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def served_outside_the_tests_transaction(monkeypatch):
    cache_outside_the_tests_transaction(monkeypatch)
    cache.clear()


def _page(client) -> bytes:
    """The start page, without its CSRF tokens."""
    response = client.get("/")
    assert response.status_code == 200
    return without_csrf_tokens(response.content)


def _fresh(client) -> bytes:
    """The start page built anew, nothing of it from the cache."""
    forget_kept("start")
    return _page(client)


@pytest.mark.parametrize(
    ("sql", "tables"),
    [
        ('INSERT INTO "followup_consultation" ("question") VALUES (%s) RETURNING "id"', ["followup_consultation"]),
        ('UPDATE "followup_consultation" SET "status" = %s WHERE "id" = %s', ["followup_consultation"]),
        ('DELETE FROM "core_reminder" WHERE "id" IN (%s)', ["core_reminder"]),
        ("  delete from core_reminder where id = %s", ["core_reminder"]),  # a cursor's own SQL
        ('INSERT OR IGNORE INTO "a_b" ("x") VALUES (1)', ["a_b"]),
        ('TRUNCATE "a", "b" RESTART IDENTITY CASCADE', ["a", "b"]),
        ('SELECT "id" FROM "followup_consultation" WHERE "status" = %s', []),
        ("WITH x AS (SELECT 1) SELECT * FROM x", []),
        ("SAVEPOINT s1", []),
    ],
)
def test_the_tables_a_statement_writes(sql, tables):
    assert generations.written_tables(sql) == tables


def test_a_write_renews_its_tables_generation_when_it_commits_and_not_otherwise(
    world, django_capture_on_commit_callbacks
):
    key = "generation:t:core_reminder"
    user = world.own.users[Role.SOCIAL_WORKER]
    before = generations.tokens([key])
    with django_capture_on_commit_callbacks(execute=True), transaction.atomic():
        reminder = Reminder.objects.create(
            user=user,
            key="k",
            kind="k",
            url="/",
            due_on="2026-12-01",
            first_seen_on="2026-12-01",
            last_seen_on="2026-12-01",
        )
        assert generations.tokens([key]) == before  # not before the commit
    renewed = generations.tokens([key])
    assert renewed != before

    with django_capture_on_commit_callbacks(execute=True):
        try:
            with transaction.atomic():
                Reminder.objects.filter(pk=reminder.pk).update(url="/x/")  # past Django's signals
                raise RuntimeError("rolled back")
        except RuntimeError:
            pass
    assert generations.tokens([key]) == renewed  # rolled back: nothing changed

    with django_capture_on_commit_callbacks(execute=True), connection.cursor() as cursor:
        cursor.execute("DELETE FROM core_reminder WHERE id = %s", [reminder.pk])  # a cursor's own SQL
    assert generations.tokens([key]) != renewed


def test_the_start_page_is_kept_until_what_it_was_built_from_changes(
    world, client, login, django_capture_on_commit_callbacks
):
    worker = world.own.users[Role.SOCIAL_WORKER]
    login(worker)
    client.get("/")  # sets the CSRF cookie the key names (and runs the login's own queries)
    client.get("/")  # the first build: what each section reads is found
    built = count_queries(lambda: client.get("/"))  # the second build is kept
    kept = count_queries(lambda: client.get("/"))
    assert kept <= built - 5, (kept, built)
    before = _page(client)
    assert before == _fresh(client)  # what is kept is what would be built

    with django_capture_on_commit_callbacks(execute=True):  # the worker asks a question: it commits
        consultation = followup.consultation_ask(
            asked_by=worker,
            municipality=world.own.municipality,
            unit=world.own.unit,
            question="Hur bedömer vi risken när hon vill flytta tillbaka?",
            topic="risk",
            urgency="week",
        )
    asked = _page(client)
    assert asked != before  # "1 is still waiting": built again at once
    assert asked == _fresh(client)

    # A change that passes Django's signals by (update()) makes it out of date all the same.
    _page(client)
    with django_capture_on_commit_callbacks(execute=True):
        Consultation.system_objects.filter(pk=consultation.pk).update(status=ConsultationStatus.CLOSED)
    assert _page(client) == before

    # A change elsewhere that the page was not built from leaves it kept.
    _page(client)
    with django_capture_on_commit_callbacks(execute=True):
        Reminder.objects.create(
            user=world.neighbour.users[Role.SOCIAL_WORKER],
            key="k",
            kind="k",
            url="/",
            due_on="2026-12-01",
            first_seen_on="2026-12-01",
            last_seen_on="2026-12-01",
        )
    # (the reminders section reads core_reminder: it is built again; the others stay kept)
    assert count_queries(lambda: client.get("/")) < built


def test_each_person_and_language_has_its_own_entry(world, client, login):
    login(world.own.users[Role.SOCIAL_WORKER])
    for _ in range(3):
        worker = _page(client)
    client.cookies["django_language"] = "en"
    english = _page(client)
    assert english != worker and b'lang="en"' in english
    login(world.neighbour.users[Role.SOCIAL_WORKER])
    neighbour = _page(client)
    assert world.neighbour.municipality.name.encode() in neighbour
    assert world.own.municipality.name.encode() not in neighbour


def test_a_section_that_writes_is_built_every_time_and_nothing_is_kept_inside_a_transaction(
    world, client, login, monkeypatch
):
    built = []

    def writing(tenancy):
        built.append(1)
        Reminder.objects.filter(user=tenancy.user, key="nothing").update(url="/")  # a write, of no row
        return []

    monkeypatch.setitem(start._builders, "reminders", writing)
    login(world.own.users[Role.SOCIAL_WORKER])
    for _ in range(3):
        client.get("/")
    assert len(built) == 3

    monkeypatch.setattr(generations, "in_transaction", lambda: True)
    keys = len([k for k in cache._cache if ":kept:start:" in k])
    client.get("/")
    assert len([k for k in cache._cache if ":kept:start:" in k]) == keys
