"""The page a person gets while the database is away (ADR 0043).

Django answers an uncaught exception with its 500 handler, wherever it was raised: in a view, or
in a middleware before it (the session, the user, the tenancy all read the database). This is
that handler. When the exception is the database's — the connection refused or lost, the server
shutting down (``OperationalError``, ``InterfaceError``) — the answer is a 503 that says the
service is temporarily unavailable, with ``Retry-After``; anything else is the ordinary 500 page.
Neither page reads the database, and neither shows a trace: the trace is in the server's log
(Django logs every 5xx with its exception). Nothing needs restarting when PostgreSQL is back: the
next request opens a new connection, or finds its kept one broken and replaces it
(``CONN_HEALTH_CHECKS``).
"""

from __future__ import annotations

import sys

from django.db import InterfaceError, OperationalError
from django.http import HttpResponseServerError, JsonResponse
from django.template import loader
from django.utils.translation import gettext as _
from django.views.decorators.csrf import requires_csrf_token

UNAVAILABLE = (OperationalError, InterfaceError)
RETRY_AFTER_SECONDS = 10


def database_unavailable(error: BaseException | None) -> bool:
    """Whether the error, or one it was raised from, is the database being unreachable."""
    seen = set()
    while error is not None and id(error) not in seen:
        if isinstance(error, UNAVAILABLE):
            return True
        seen.add(id(error))
        error = error.__cause__ or error.__context__
    return False


def unavailable_response(request):
    if request.path.startswith("/api/"):
        response = JsonResponse({"detail": _("The service is temporarily unavailable. Try again in a while.")})
    else:
        # Rendered without the request: the context processors (the menu) would read the database.
        response = loader.get_template("503.html").render({})
        response = HttpResponseServerError(response)
    response.status_code = 503
    response["Retry-After"] = str(RETRY_AFTER_SECONDS)
    response["Cache-Control"] = "no-store"
    return response


@requires_csrf_token
def server_error(request, template_name="500.html"):
    """``handler500``: a 503 while the database is unavailable, else Fridsam's 500 page."""
    if database_unavailable(sys.exc_info()[1]):
        return unavailable_response(request)
    return HttpResponseServerError(loader.get_template(template_name).render({}))
