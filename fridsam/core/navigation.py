"""Navigation by role: each role sees the sections it can use.

Each domain names its own menu items (``@items("name")`` in its ``hooks.py``, found when the
application starts: :mod:`fridsam.core.apps`); core imports none of them. The menu shows them in
the order of ``ORDER``, decided here. A builder takes the request's tenancy and returns
``(label, url)`` pairs (none for a role that cannot use the section).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass

from django.core.exceptions import ImproperlyConfigured

ItemsBuilder = Callable[[object], Iterable[tuple[str, str]]]

ORDER = (
    "start",  # core
    "municipalities",  # coordination: the county's municipalities
    "healthcheck",  # the county matrix, per county of a county analyst
    "followup",  # case follow-up and consultations
    "collaboration",
    "housing",  # protected housing and the housing exchange
    "competence",
    "routines",
    "statistics",
    "access_log",  # core: per municipality of a manager
    "integrations",  # the API's credentials and the file import
    "retention",  # retention: per municipality of an archivist or manager; the installation (administrators)
    "log_review",  # log review: its periods, per municipality of a manager
    "administration",  # core: the administrators' admin site
    "account",  # accounts: my account
)
_builders: dict[str, ItemsBuilder] = {}


@dataclass(frozen=True)
class NavItem:
    label: str
    url: str
    active: bool


def items(name: str) -> Callable[[ItemsBuilder], ItemsBuilder]:
    """Register the builder of the menu's items *name* (one of ``ORDER``)."""
    if name not in ORDER:
        raise ImproperlyConfigured(f"the menu has no place {name!r}: add it to fridsam.core.navigation.ORDER")

    def register(builder: ItemsBuilder) -> ItemsBuilder:
        _builders[name] = builder
        return builder

    return register


def registered() -> list[str]:
    return [name for name in ORDER if name in _builders]


def navigation_for(request, tenancy) -> list[NavItem]:
    if not tenancy.is_authenticated or not tenancy.memberships or getattr(request, "needs_two_factor_setup", False):
        return []
    entries: list[tuple[str, str]] = []
    for name in ORDER:
        builder = _builders.get(name)
        if builder is not None:
            entries.extend(builder(tenancy))
    # The one item whose URL is the longest prefix of the current path is marked current.
    path = request.path
    matching = [url for _label, url in entries if path == url or (url != "/" and path.startswith(url))]
    current = max(matching, key=len) if matching else None
    return [NavItem(str(label), url, url == current) for label, url in entries]
