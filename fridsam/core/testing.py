"""Test helpers shared by every app."""

import contextlib

from django.db import connection
from django.test.utils import CaptureQueriesContext


@contextlib.contextmanager
def assert_query_budget(budget: int):
    """Fail, printing every query, if the block runs more than *budget* queries."""
    with CaptureQueriesContext(connection) as ctx:
        yield ctx
    if len(ctx.captured_queries) > budget:
        listing = "\n".join(f"{i + 1}. {q['sql']}" for i, q in enumerate(ctx.captured_queries))
        raise AssertionError(f"{len(ctx.captured_queries)} queries, budget {budget}:\n{listing}")


def count_queries(callable_) -> int:
    with CaptureQueriesContext(connection) as ctx:
        callable_()
    return len(ctx.captured_queries)
