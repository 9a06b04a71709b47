"""The idle timeout without a session write on every request (ADR 0030).

The session expires ``IDLE_TIMEOUT_MINUTES`` after it was last saved. Saving it on every request
(``SESSION_SAVE_EVERY_REQUEST``) cost a database write per page; instead the session remembers
when it was last renewed and is saved again only once ``FRIDSAM_SESSION_REFRESH_SECONDS`` (a tenth
of the timeout: 3 minutes) have passed. An active person's session thus always has between 27 and
30 minutes left; one idle for the whole timeout is ended here too, whatever its store says.
"""

from __future__ import annotations

from django.conf import settings
from django.utils import timezone

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
