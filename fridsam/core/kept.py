"""What a person's pages show, kept rendered while nothing it was built from has changed (ADR 0047).

An entry holds the rendered HTML with the generation keys of what was read to build it — the
tables its queries read, the municipalities' generations it asked for (:mod:`fridsam.core.generations`)
— and their tokens read *before* it was built. It is current while those tokens are unchanged:
every statement that writes a table renews the table's token when its transaction commits,
whichever way it was sent (a save, ``update()``, ``bulk_create()``, a cursor's own SQL). What a
page reads is found by building it, so an entry is first stored with what was read and no HTML,
and from the next build on with its HTML (when a build reads something new, it starts again).

Nothing is kept that wrote while it was built: a page that reads case-level data writes its
access-log row, so no case-level page is ever kept. Nothing is kept inside a transaction. Each
entry lives at most ``generations.CACHE_SECONDS``.

``start_parts`` (the start page's sections) and ``@kept_page`` (a whole page, for the views that
show what the database holds and nothing else) use it.
"""

from __future__ import annotations

import datetime
import functools
import hashlib
import zlib
from dataclasses import dataclass

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.staticfiles.storage import staticfiles_storage
from django.core.cache import cache
from django.http import HttpResponse
from django.template.response import TemplateResponse
from django.utils import timezone, translation

from fridsam.core import generations


@dataclass
class Entry:
    keys: list[str]  # the generations it was built from
    tokens: dict | None  # theirs when it was built; None: only what it reads is known yet
    value: object | None
    current: dict  # theirs now
    until: datetime.datetime | None = None  # when it changes by the clock alone

    @property
    def is_current(self) -> bool:
        return (
            self.value is not None
            and self.tokens == self.current
            and (self.until is None or timezone.now() < self.until)
        )


def entries(keys: list[str]) -> dict[str, Entry]:
    """The entries under *keys*, with the current tokens of what they were built from: two round
    trips to the cache, however many entries."""
    found = cache.get_many(keys)
    now = generations.tokens({key for entry in found.values() for key in entry["keys"]})
    return {
        key: Entry(
            entry["keys"], entry["tokens"], entry["value"], {k: now[k] for k in entry["keys"]}, entry.get("until")
        )
        for key, entry in found.items()
    }


def keep(key: str, entry: Entry | None, value, reads: generations.Reads) -> None:
    """Store what was built under *key* (after ``with generations.reading() as reads``), with the
    tokens read before it was built; only what it read when that is new."""
    if reads.wrote:
        return
    seconds = generations.CACHE_SECONDS
    if reads.until is not None:
        seconds = min(seconds, int((reads.until - timezone.now()).total_seconds()))
        if seconds <= 0:
            return
    known = set(entry.keys) if entry else set()
    if entry is not None and reads.keys <= known:
        stored = {"keys": sorted(known), "tokens": entry.current, "value": value, "until": reads.until}
    else:
        stored = {"keys": sorted(known | reads.keys), "tokens": None, "value": None}
    cache.set(key, stored, seconds)


def person_key(request) -> str:
    """Who is asking, their memberships' generation and the day, the language, the CSRF secret
    (what is kept may hold a form with a token of it; a new login draws a new one) and the
    release (a page names the static files of its release); empty when nothing may be kept for
    them (not logged in, no CSRF secret yet, inside a transaction)."""
    tenancy = getattr(request, "tenancy", None)
    person = getattr(tenancy, "key", "")
    secret = request.META.get("CSRF_COOKIE")
    if not person or not secret or generations.in_transaction():
        return ""
    secret_digest = hashlib.sha256(secret.encode()).hexdigest()[:16]  # the secret itself is kept nowhere
    return f"{person}:{translation.get_language() or ''}:{secret_digest}:{_release()}"


@functools.cache
def _release() -> str:
    """The release being served: the static files' manifest (named by content: a new release's
    pages name new files), or FRIDSAM_RELEASE when it is set."""
    release = settings.FRIDSAM_RELEASE
    try:
        manifest = getattr(staticfiles_storage, "manifest_hash", "") or ""
    except Exception:  # no manifest (development: the files are served as they are)
        manifest = ""
    return hashlib.sha256(f"{release}:{manifest}".encode()).hexdigest()[:12]


def _page_key(request) -> str | None:
    person = person_key(request)
    messages = getattr(request, "_messages", None)
    if (
        not person
        or request.method != "GET"
        or request.headers.get("HX-Request")
        or (messages is not None and len(messages))  # a message to show now: built afresh
    ):
        return None
    digest = hashlib.sha256("\n".join([person, request.get_full_path()]).encode()).hexdigest()
    return f"kept:page:{digest}"


def _storable(request, response) -> bool:
    messages = getattr(request, "_messages", None)
    return (
        type(response) in (HttpResponse, TemplateResponse)
        and response.status_code == 200
        and not response.cookies
        and {name.lower() for name in response.headers} <= {"content-type"}
        and not getattr(messages, "used", False)
    )


def kept_page(view):
    """Serve the page from what is kept while it is current; build it otherwise (and keep it).

    For views whose page shows what the database holds and nothing else: no file, no other
    service, and no clock finer than the day unless the build says when it changes by the clock
    (``generations.changes_at``). A build that touches the session (what the page shows may
    depend on it), sets a header or a cookie, shows a message or answers anything but 200 is not
    kept; a request with a message waiting, or from htmx, is built afresh."""

    @functools.wraps(view)
    def wrapper(request, *args, **kwargs):
        key = _page_key(request)
        if key is None:
            return view(request, *args, **kwargs)
        entry = entries([key]).get(key)
        if entry is not None and entry.is_current:
            content, content_type = entry.value
            return HttpResponse(zlib.decompress(content), content_type=content_type)
        session = request.session
        accessed, session.accessed = session.accessed, False
        with generations.reading() as reads:
            response = view(request, *args, **kwargs)
            if isinstance(response, TemplateResponse):
                response.render()
        # The page's header (and My account) show the person's own account, read by the
        # middleware before the view: a change to it makes the page out of date too.
        reads.keys.add(generations.table_key(get_user_model()._meta.db_table))
        touched = session.accessed
        session.accessed = accessed or touched
        if not touched and _storable(request, response):
            # Compressed: a municipality's page of 40 kB is kept in 5–6 kB (level 1 costs ~0,1 ms).
            keep(key, entry, (zlib.compress(response.content, 1), response["Content-Type"]), reads)
        return response

    wrapper.kept_page = True  # (the outer decorators copy it: tests/test_kept_pages.py finds them)
    return wrapper
