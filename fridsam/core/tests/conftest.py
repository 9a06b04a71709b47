import contextlib
import importlib

import pytest
from django.db import connection

# The access log's triggers as they are now (0008: deletion up to a checkpoint; 0012: an UPDATE only to seal).
triggers = importlib.import_module("fridsam.core.migrations.0012_access_log_seal")


@pytest.fixture
def drop_triggers():
    """Switch the append-only triggers off inside the test's transaction, as an attacker with
    direct database access could; they are back (rolled back) when the test ends."""

    @contextlib.contextmanager
    def off():
        with connection.cursor() as cursor:
            if connection.vendor == "postgresql":
                cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
                cursor.execute("ALTER TABLE core_accesslogentry DISABLE TRIGGER USER")
            else:
                for sql in triggers.SQLITE_DOWN:
                    cursor.execute(sql)
        try:
            yield
        finally:
            with connection.cursor() as cursor:
                if connection.vendor == "postgresql":
                    cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
                    cursor.execute("ALTER TABLE core_accesslogentry ENABLE TRIGGER USER")
                    cursor.execute("SET CONSTRAINTS ALL DEFERRED")
                else:
                    for sql in triggers.SQLITE_UP:
                        cursor.execute(sql)

    return off


@pytest.fixture
def empty_access_log(db, drop_triggers):
    """The tests of the chain itself start from genesis: the shared world's log rows are removed
    inside the test's transaction (and are back when it is rolled back)."""
    with drop_triggers(), connection.cursor() as cursor:
        cursor.execute("DELETE FROM core_accesslogentry")
