"""Test helpers shared by every app."""

import contextlib
import re

from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext

from fridsam.core import generations


def _listing(queries) -> str:
    return "\n".join(f"{i + 1}. {q['sql']}" for i, q in enumerate(queries))


@contextlib.contextmanager
def assert_query_budget(budget: int):
    """Fail, printing every query, if the block runs more than *budget* queries."""
    with CaptureQueriesContext(connection) as ctx:
        yield ctx
    if len(ctx.captured_queries) > budget:
        raise AssertionError(f"{len(ctx.captured_queries)} queries, budget {budget}:\n{_listing(ctx.captured_queries)}")


@contextlib.contextmanager
def assert_query_count(expected: int | dict[str, int]):
    """Fail, printing every query numbered, unless the block runs exactly *expected* queries.

    *expected* is a number, or a number per database vendor (``connection.vendor``:
    ``{"sqlite": 12, "postgresql": 15}``), since PostgreSQL runs statements SQLite does not (an
    advisory lock per access-log row, savepoints). A count that drifts either way fails: fewer
    queries mean the pinned number is stale, more may mean a query per row.
    """
    if isinstance(expected, dict):
        if connection.vendor not in expected:
            raise AssertionError(f"no expected query count for {connection.vendor}: {expected}")
        expected = expected[connection.vendor]
    with CaptureQueriesContext(connection) as ctx:
        yield ctx
    actual = len(ctx.captured_queries)
    if actual != expected:
        raise AssertionError(
            f"{actual} queries, expected {expected} ({actual - expected:+d}) on {connection.vendor}:\n"
            f"{_listing(ctx.captured_queries)}"
        )


def count_queries(callable_) -> int:
    with CaptureQueriesContext(connection) as ctx:
        callable_()
    return len(ctx.captured_queries)


def cache_outside_the_tests_transaction(monkeypatch) -> None:
    """Let the data-generation caches (:mod:`fridsam.core.generations`) work in a test: every test
    runs inside a transaction of its own, in which nothing is cached; here that transaction does
    not count, as if each request ran on its own. Writes still bypass the cache in theirs."""
    monkeypatch.setattr(
        generations, "in_transaction", lambda: any(not block._from_testcase for block in connection.atomic_blocks)
    )


def without_csrf_tokens(content: bytes) -> bytes:
    """A page's HTML without its CSRF tokens, which are masked anew in every response."""
    return re.sub(rb'name="csrfmiddlewaretoken" value="[^"]+"', b"", content)


def forget_kept(kind: str) -> None:
    """Drop what is kept of *kind* ("page", "start": fridsam.core.kept) from the tests'
    local-memory cache, so that the next request builds it afresh."""
    for key in [k for k in cache._cache if f":kept:{kind}:" in k]:
        cache.delete(key.split(":", 2)[2])  # without its prefix, ":1:"
