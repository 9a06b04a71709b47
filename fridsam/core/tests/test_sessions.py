"""Sessions without a write on every request, the idle timeout kept (ADR 0030); the production
cache on Redis, and what happens while Redis is away."""

from __future__ import annotations

import datetime
from unittest import mock

import pytest
from django.contrib.auth import update_session_auth_hash
from django.db import connection
from django.test import RequestFactory
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from fridsam.core import sessions
from fridsam.core.models import StaffSession
from fridsam.core.roles import Role
from tests.stack import REDIS_URL, redis_or_skip

pytestmark = pytest.mark.django_db

START = reverse("core:start")
REDIS_CACHE = {
    "default": {
        "BACKEND": "fridsam.core.cache.ResilientRedisCache",
        "LOCATION": REDIS_URL,
        "KEY_PREFIX": "fridsam-test-sessions",
        "OPTIONS": {"socket_connect_timeout": 1, "socket_timeout": 1},
    }
}


def _session_queries(client, at=None):
    with CaptureQueriesContext(connection) as queries:
        if at is None:
            response = client.get(START)
        else:
            with mock.patch("django.utils.timezone.now", return_value=at):
                response = client.get(START)
    assert response.status_code == 200
    sql = [q["sql"] for q in queries.captured_queries if "core_staffsession" in q["sql"]]
    return [s for s in sql if s.startswith("SELECT")], [s for s in sql if not s.startswith("SELECT")]


def test_a_page_costs_no_session_write_until_a_tenth_of_the_timeout_has_passed(world, client, login):
    login(world.own.users[Role.COORDINATOR])
    _reads, writes = _session_queries(client)  # the first request stamps the session
    assert len(writes) == 1
    for _ in range(3):
        _reads, writes = _session_queries(client)
        assert writes == []
    _reads, writes = _session_queries(client, at=timezone.now() + datetime.timedelta(minutes=2))
    assert writes == []
    _reads, writes = _session_queries(client, at=timezone.now() + datetime.timedelta(minutes=4))
    assert len(writes) == 1  # renewed: 30 minutes from now again


def test_sessions_on_the_redis_cache_are_read_without_the_database(world, client, login, settings):
    redis_or_skip()
    settings.CACHES = REDIS_CACHE
    settings.SESSION_ENGINE = "fridsam.core.sessions_cached"
    login(world.own.users[Role.COORDINATOR])
    _session_queries(client)
    reads, writes = _session_queries(client)
    assert (reads, writes) == ([], [])  # the session came from Redis


def test_pages_answer_while_redis_is_away(world, client, login, settings):
    settings.CACHES = {"default": {**REDIS_CACHE["default"], "LOCATION": "redis://127.0.0.1:1/0"}}
    settings.SESSION_ENGINE = "fridsam.core.sessions_cached"
    login(world.own.users[Role.COORDINATOR])
    reads, _writes = _session_queries(client)
    assert reads  # the session was read from the database instead
    municipality = world.own.municipality.code
    assert client.get(reverse("statistics:municipality", args=[municipality])).status_code == 200


# --- Each session knows its account (ADR 0040) --------------------------------------------------


def test_each_session_row_carries_its_account_through_login_key_change_and_logout(world, client, login):
    user = world.own.users[Role.MANAGER]
    login(user)
    key = client.session.session_key
    assert StaffSession.objects.get(session_key=key).user_id == user.pk
    client.post(reverse("account_logout"))
    assert not StaffSession.objects.filter(session_key=key).exists()

    login(user)
    key = client.session.session_key
    # A password change cycles the key: the new row is the same account's.
    request = RequestFactory().get("/")
    request.session, request.user = sessions.SessionStore(session_key=key), user
    request.session.load()
    update_session_auth_hash(request, user)
    new_key = request.session.session_key
    assert new_key != key and not StaffSession.objects.filter(session_key=key).exists()
    assert StaffSession.objects.get(session_key=new_key).user_id == user.pk
    anonymous = sessions.SessionStore()
    anonymous["x"] = 1
    anonymous.save()
    assert StaffSession.objects.get(session_key=anonymous.session_key).user_id is None


def test_ending_a_persons_sessions_reads_theirs_only(world):
    leaver, others = world.own.users[Role.SOCIAL_WORKER], world.neighbour.users[Role.SOCIAL_WORKER]

    def open_session(user):
        store = sessions.SessionStore()
        store["_auth_user_id"] = str(user.pk)
        store.save()
        return store.session_key

    theirs = [world.sessions[leaver.pk], *(open_session(leaver) for _ in range(2))]  # the world's, and two more
    for _ in range(200):
        open_session(others)
    with (
        mock.patch.object(sessions.SessionStore, "decode", side_effect=AssertionError("decoded")),
        CaptureQueriesContext(connection) as queries,
    ):
        assert sessions.end_sessions(leaver.pk) == 3
    assert len(queries) <= 1 + 3 * 2  # the person's keys, then one delete (and its savepoint) each
    assert not StaffSession.objects.filter(session_key__in=theirs).exists()
    assert StaffSession.objects.filter(user_id=others.pk).count() == 200 + 1  # theirs and the world's stay
