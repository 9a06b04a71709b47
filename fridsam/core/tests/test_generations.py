"""A municipality's data generation is renewed once per transaction that changed it, after its
commit (ADR 0045)."""

import pytest
from django.core.cache import cache
from django.core.signals import request_finished
from django.db import connection, transaction

from fridsam.core import generations
from fridsam.core.roles import Role

pytestmark = pytest.mark.django_db


def _tokens(*ids):
    return {pk: cache.get(generations._key(pk)) for pk in ids}


def test_a_transaction_renews_each_generation_once_after_its_commit(django_capture_on_commit_callbacks):
    before = generations.current([1, 2])
    with django_capture_on_commit_callbacks(execute=True) as callbacks, transaction.atomic():
        for _ in range(500):  # a loop of saves, as an API push of 500 items
            generations.changed(1)
        generations.changed(2)
        assert generations.current([1, 2]) == before  # nothing renewed before the commit
    assert len(callbacks) == 1
    after = generations.current([1, 2])
    assert after[1] != before[1] and after[2] != before[2]


def test_a_change_of_no_one_municipality_renews_every_one(django_capture_on_commit_callbacks):
    before = generations.current([1, 2])
    with django_capture_on_commit_callbacks(execute=True):
        generations.changed()
    after = generations.current([1, 2])
    assert after[1] != before[1] and after[2] != before[2]
    assert _tokens(1, 2) == {1: before[1].split(".")[0], 2: before[2].split(".")[0]}  # their own kept


def test_a_savepoint_rolled_back_does_not_lose_a_later_change(django_capture_on_commit_callbacks):
    before = generations.current([1, 2])
    with django_capture_on_commit_callbacks(execute=True) as callbacks, transaction.atomic():
        try:
            with transaction.atomic():
                generations.changed(1)  # registers the renewal inside the savepoint
                raise RuntimeError
        except RuntimeError:
            pass
        generations.changed(2)  # the renewal went with the savepoint: a new one
    assert len(callbacks) == 1
    after = generations.current([1, 2])
    assert after[1] == before[1]  # its change was rolled back
    assert after[2] != before[2]


def test_a_renewal_that_fails_is_logged_and_the_commit_stands(django_capture_on_commit_callbacks, monkeypatch, caplog):
    """The cache away at the commit: the data is committed, the failure logged (robust callback)."""

    def away(*args, **kwargs):
        raise ConnectionError("the cache is away")

    monkeypatch.setattr(cache, "set_many", away)
    with django_capture_on_commit_callbacks(execute=True), transaction.atomic():
        generations.changed(1)
    assert "generations.changed" in caplog.text and "the cache is away" in caplog.text


def test_a_login_changes_no_data_but_another_save_of_the_account_does(world, django_capture_on_commit_callbacks):
    """The health check follows the accounts app, quiet about ``last_login`` (fridsam.healthcheck.apps)."""
    user = world.own.users[Role.COORDINATOR]
    installation = generations.current([world.own.municipality.pk])
    with django_capture_on_commit_callbacks(execute=True):
        user.save(update_fields=["last_login"])
    assert generations.current([world.own.municipality.pk]) == installation
    with django_capture_on_commit_callbacks(execute=True):
        user.save(update_fields=["last_login", "first_name"])
    assert generations.current([world.own.municipality.pk]) != installation


def test_with_the_database_as_the_cache_a_statement_that_committed_is_renewed_when_the_request_ends(
    monkeypatch, settings
):
    """The embedded default's cache is a table of the database: writing it from inside another
    statement's execution would end that statement on SQLite (ADR 0047), so there the renewal
    waits for the end of the request."""
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.db.DatabaseCache", "LOCATION": "x"}}
    monkeypatch.setattr(generations, "in_transaction", lambda: False)  # as if the statement committed by itself
    renewed = []
    monkeypatch.setattr(generations._Renewal, "now", staticmethod(lambda keys: renewed.append(sorted(keys))))
    with connection.cursor() as cursor:
        cursor.execute("DELETE FROM core_reminder WHERE id = -1")
    if connection.vendor == "sqlite":
        assert renewed == []  # not from inside the statement
        request_finished.send(sender=None)
    # (on PostgreSQL a statement's results are read at once: the renewal need not wait)
    assert renewed == [["generation:t:core_reminder"]]
