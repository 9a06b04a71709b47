"""The start page: for each role the user holds, what that role needs today.

The domains build the sections (``@section("name")`` in their ``hooks.py``, found when the
application starts: :mod:`fridsam.core.apps`), as they collect reminders for
:mod:`fridsam.core.reminders`; core imports none of them. The page shows the sections in the order
of ``ORDER``, decided here. A builder takes the request's tenancy and returns its sections (none
when the user has nothing of it).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from django.core.exceptions import ImproperlyConfigured


@dataclass
class Section:
    template: str
    context: dict = field(default_factory=dict)


Builder = Callable[[object], list[Section]]

ORDER = (
    "reminders",  # core: what is due for the user
    "followup",  # open records, consultations waiting for an answer
    "collaboration",  # the user's action items from meetings
    "coordinator",  # coordination: the municipalities, the share of a post, the questionnaire
    "housing",  # allocations waiting, free places to report
    "manager",  # health check: units, the access log, the health check (its facts feed "competence")
    "competence",  # units behind on training, routines overdue, introductions
    "log_review",  # log review: "your reads are logged and reviewed", the routine
    "social_worker",  # coordination: the entry point, colleagues of the unit
    "county_analyst",  # coordination: the county's municipalities
    "national_analyst",  # statistics: the estimate over every municipality in the country, per indicator
    "partner",  # coordination: the entry points of the county, the partner survey
    "administrator",  # accounts: users, two-factor, memberships
)
_builders: dict[str, Builder] = {}


def section(name: str) -> Callable[[Builder], Builder]:
    """Register the builder of the start page's section *name* (one of ``ORDER``)."""
    if name not in ORDER:
        raise ImproperlyConfigured(f"the start page has no section {name!r}: add it to fridsam.core.start.ORDER")

    def register(builder: Builder) -> Builder:
        _builders[name] = builder
        return builder

    return register


def registered() -> list[str]:
    return [name for name in ORDER if name in _builders]


def start_sections(tenancy) -> list[Section]:
    sections: list[Section] = []
    for name in ORDER:
        builder = _builders.get(name)
        if builder is not None:
            sections.extend(builder(tenancy))
    return sections
