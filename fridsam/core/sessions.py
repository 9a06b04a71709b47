"""The session engine, and the idle timeout without a session write on every request (ADR 0030).

``SESSION_ENGINE = "fridsam.core.sessions"`` (the database; :mod:`fridsam.core.sessions_cached`
with Redis in front, production's ``cached_db``) stores sessions in :class:`StaffSession`, whose
``user_id`` is written with every save — at login, when the key is cycled (a password change), when
the session is renewed — so :func:`end_sessions` finds one person's sessions by an index (ADR
0040). Django's own engines would leave only a full decoding of every session to find them.

The session expires ``IDLE_TIMEOUT_MINUTES`` after it was last saved. Saving it on every request
(``SESSION_SAVE_EVERY_REQUEST``) cost a database write per page; instead the session remembers
when it was last renewed and is saved again only once ``FRIDSAM_SESSION_REFRESH_SECONDS`` (a tenth
of the timeout: 3 minutes) have passed. An active person's session thus always has between 27 and
30 minutes left; one idle for the whole timeout is ended here too, whatever its store says.
"""

from __future__ import annotations

from importlib import import_module

from django.conf import settings
from django.contrib.auth import SESSION_KEY
from django.contrib.sessions.backends.db import SessionStore as DatabaseStore
from django.utils import timezone

from fridsam.core.models import StaffSession

SEEN = "_fridsam_seen"  # when the session was last renewed (seconds since the epoch)


class IdleTimeoutMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        session = getattr(request, "session", None)
        if session is not None and not session.is_empty():
            now = timezone.now().timestamp()
            seen = session.get(SEEN)
            if seen is not None and now - seen > settings.IDLE_TIMEOUT_MINUTES * 60:
                session.flush()  # idle past the timeout: logged out, a new empty session
            elif seen is None or now - seen >= settings.FRIDSAM_SESSION_REFRESH_SECONDS:
                session[SEEN] = now  # saved by the session middleware, with a new expiry
        return self.get_response(request)


def user_id_of(data: dict) -> int | None:
    """The id of the account a session's data is logged in as (None: not logged in)."""
    try:
        return int(data.get(SESSION_KEY))
    except (TypeError, ValueError):
        return None


class SessionStore(DatabaseStore):
    """Django's database sessions, in :class:`StaffSession` with the account's id."""

    @classmethod
    def get_model_class(cls):
        return StaffSession

    def create_model_instance(self, data):
        session = super().create_model_instance(data)
        session.user_id = user_id_of(data)
        return session


def end_sessions(user_id: int) -> int:
    """End every open session of one account through the configured engine (so that one held in
    the cache too ends there), reading only that account's rows."""
    store = import_module(settings.SESSION_ENGINE).SessionStore
    keys = list(
        StaffSession.objects.filter(user_id=user_id, expire_date__gt=timezone.now()).values_list(
            "session_key", flat=True
        )
    )
    for key in keys:
        store(session_key=key).delete()
    return len(keys)
