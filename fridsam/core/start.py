"""The start page: for each role the user holds, what that role needs today.

The domains build the sections (``@section("name")`` in their ``hooks.py``, found when the
application starts: :mod:`fridsam.core.apps`), as they collect reminders for
:mod:`fridsam.core.reminders`; core imports none of them. The page shows the sections in the order
of ``ORDER``, decided here. A builder takes the request's tenancy and returns its sections (none
when the user has nothing of it).

Each builder's sections are kept rendered in the cache per person, language and day (ADR 0047),
for as long as nothing they were built from has changed: the entry names the tables the builder
and its templates read and the municipalities' generations it asked for, with their tokens read
*before* it was built; a write to any of them (any statement, renewed when its transaction
commits: :mod:`fridsam.core.generations`) makes the entry out of date. What a builder reads is
found by building it, so an entry is first stored with what was read and no HTML, and from the
next build on with its HTML; a builder that writes is never kept, nor is anything inside a
transaction.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from django.core.cache import cache
from django.core.exceptions import ImproperlyConfigured
from django.utils import translation
from django.utils.safestring import SafeString, mark_safe

from fridsam.core import generations


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
    """Every builder's sections, built now (nothing from the cache)."""
    sections: list[Section] = []
    for name in ORDER:
        builder = _builders.get(name)
        if builder is not None:
            sections.extend(builder(tenancy))
    return sections


@dataclass
class Part:
    """One builder's sections on this request: from the cache while they are current, else built
    and rendered now (and kept)."""

    name: str
    builder: Builder
    tenancy: object
    key: str | None = None  # the cache entry's, None: not kept
    entry: dict | None = None  # {"keys": [...], "tokens": {...} | None, "html": str | None}
    current: dict | None = None  # the tokens of the entry's keys, read before building

    def render(self, context) -> SafeString:
        entry = self.entry
        if entry is not None and entry["html"] is not None and entry["tokens"] == self.current:
            return mark_safe(entry["html"])  # noqa: S308 - rendered by the templates, as below
        with generations.reading() as reads:
            sections = self.builder(self.tenancy)
            html = "".join(_render(context, section) for section in sections)
        if self.key is not None and not reads.wrote:
            known = set(entry["keys"]) if entry else set()
            if entry is not None and reads.keys <= known:
                value = {"keys": sorted(known), "tokens": self.current, "html": html}
            else:  # what it reads is known only now: the next build is kept
                value = {"keys": sorted(known | reads.keys), "tokens": None, "html": None}
            cache.set(self.key, value, generations.CACHE_SECONDS)
        return mark_safe(html)  # noqa: S308 - the section templates' own output, escaped by them


def _render(context, section: Section) -> str:
    """The section's template in the page's context, as ``{% include … with ctx=… %}`` would."""
    template = context.template.engine.get_template(section.template)
    with context.push(ctx=section.context):
        return template.render(context)


def start_parts(tenancy) -> list[Part]:
    """The start page's parts, in the order of ``ORDER``, with what the cache holds of them: two
    round trips to the cache for the whole page (the entries, then the tokens they name)."""
    parts = [Part(name, _builders[name], tenancy) for name in ORDER if name in _builders]
    person = getattr(tenancy, "key", "")  # the person, their memberships' generation and the day
    if not person or generations.in_transaction():
        return parts
    language = translation.get_language() or ""
    for part in parts:
        part.key = f"start:{part.name}:{language}:{person}"
    entries = cache.get_many([part.key for part in parts])
    now = generations.tokens({key for entry in entries.values() for key in entry["keys"]})
    for part in parts:
        part.entry = entries.get(part.key)
        if part.entry is not None:
            part.current = {key: now[key] for key in part.entry["keys"]}
    return parts
