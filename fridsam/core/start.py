"""The start page: for each role the user holds, what that role needs today.

The domains build the sections (``@section("name")`` in their ``hooks.py``, found when the
application starts: :mod:`fridsam.core.apps`), as they collect reminders for
:mod:`fridsam.core.reminders`; core imports none of them. The page shows the sections in the order
of ``ORDER``, decided here. A builder takes the request's tenancy and returns its sections (none
when the user has nothing of it).

Each builder's sections are kept rendered per person, language and day while nothing they were
built from has changed (:mod:`fridsam.core.kept`, ADR 0047); a builder that writes is never kept.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from django.core.exceptions import ImproperlyConfigured
from django.utils.safestring import SafeString, mark_safe

from fridsam.core import generations, kept


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


@dataclass
class Part:
    """One builder's sections on this request: from what is kept while it is current, else built
    and rendered now (and kept)."""

    name: str
    builder: Builder
    tenancy: object
    key: str | None = None  # what it is kept under; None: not kept
    entry: kept.Entry | None = None

    def render(self, context) -> SafeString:
        if self.entry is not None and self.entry.is_current:
            return mark_safe(self.entry.value)  # noqa: S308 - rendered by the templates, as below
        with generations.reading() as reads:
            sections = self.builder(self.tenancy)
            html = "".join(_render(context, section) for section in sections)
        if self.key is not None:
            kept.keep(self.key, self.entry, html, reads)
        return mark_safe(html)  # noqa: S308 - the section templates' own output, escaped by them


def _render(context, section: Section) -> str:
    """The section's template in the page's context, as ``{% include … with ctx=… %}`` would."""
    template = context.template.engine.get_template(section.template)
    with context.push(ctx=section.context):
        return template.render(context)


def start_parts(request) -> list[Part]:
    """The start page's parts, in the order of ``ORDER``, with what is kept of them (two round
    trips to the cache for the whole page)."""
    parts = [Part(name, _builders[name], request.tenancy) for name in ORDER if name in _builders]
    person = kept.person_key(request)
    if not person:
        return parts
    for part in parts:
        part.key = f"kept:start:{part.name}:{person}"
    found = kept.entries([part.key for part in parts])
    for part in parts:
        part.entry = found.get(part.key)
    return parts
