"""Who is acting, and from where: the access log's context, carried like the tenant scope.

Services take domain arguments only (the acting ``user`` among them, since permissions are about
people); they never see an HTTP request. What the access log needs besides — the address the
request came from and the roles the person acts in — travels in a context variable:

- for a web request, :class:`fridsam.accounts.middleware.TenancyMiddleware` sets it next to the
  tenant scope;
- a management command, a queued task or an API client sets it with :func:`acting`;
- a machine client (an integration credential of a journal system, ADR 0034) acts without a
  user: ``credential`` names it, and the access log records the call under its name.

Outside both (tests, the shell) it is empty and the log records no address and the roles are
left empty unless given.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass


@dataclass(frozen=True)
class Actor:
    """The person behind the current work, as the access log records them."""

    user: object = None  # an authenticated user, or None
    ip_address: str | None = None
    # The person's memberships (objects with ``role``, ``municipality_id`` and
    # ``organisation_label``): the log row names the roles the access was made in.
    memberships: Sequence = ()
    # A machine client instead of a person: an object with ``log_name`` (the name the access log
    # records), ``log_organisation``, ``municipality_id`` and ``county_id``.
    credential: object = None

    def is_user(self, user) -> bool:
        return user is not None and self.user is not None and getattr(user, "pk", None) == self.user.pk


NOBODY = Actor()

_actor: ContextVar[Actor] = ContextVar("fridsam_actor", default=NOBODY)


def current_actor() -> Actor:
    return _actor.get()


@contextmanager
def acting(actor: Actor) -> Iterator[Actor]:
    """Run the block as ``actor``; the previous actor is restored afterwards."""
    token = _actor.set(actor)
    try:
        yield actor
    finally:
        _actor.reset(token)


def client_ip(request) -> str | None:
    """The address a request came from (the connection's peer)."""
    if request is None:
        return None
    return request.META.get("REMOTE_ADDR") or None
