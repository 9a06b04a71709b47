"""A municipality's data generation: how a cache knows that what it holds is out of date (ADR 0045).

Each municipality has a generation in the cache, a random token replaced when a transaction that
changed the municipality's data commits (``changed(municipality_id)``); a change that cannot be
placed in one municipality replaces the installation's generation (``changed()``), which is part
of every municipality's. A cached value is stored under the generation it was computed at, so
after a change the next reader misses and computes it again; nothing is deleted.

The token is replaced *after* the commit, so a reader that sees the new token also sees the new
data; one that read the old token just before stores its result under the old one, where nobody
looks any more. A value computed inside a transaction must not be cached (it may see its own
uncommitted writes, or be rolled back): callers bypass the cache in an atomic block. A generation
missing from the cache (evicted, Redis restarted empty) is a new random token, never a default
that could match an old entry. While the cache is away every read misses.
"""

from __future__ import annotations

import atexit
import contextlib
import contextvars
import logging
import re
import secrets
import threading
from collections.abc import Iterator

from django.apps import apps
from django.conf import settings
from django.core.cache import cache
from django.core.signals import request_finished
from django.db import DatabaseError, connection, connections, transaction
from django.db.backends.signals import connection_created
from django.db.models.signals import post_delete, post_save

logger = logging.getLogger(__name__)

_KEY = "generation:m:{}"
_INSTALLATION = "generation:all"
# How long a value stays cached under its generation at most, should a write have gone past the
# generations (a training record entered in one municipality for a person on another's staff).
CACHE_SECONDS = 600
_MISSING = object()


def _key(municipality_id: int | None) -> str:
    return _INSTALLATION if municipality_id is None else _KEY.format(municipality_id)


def _write_tokens(keys) -> None:
    try:
        cache.set_many({key: secrets.token_hex(8) for key in keys}, None)
    except DatabaseError:
        # The embedded default's cache is a table of the database: before `createcachetable` has
        # made it (migrate writes first) there is nothing kept that could be out of date.
        if not _shares_the_connection():
            raise


def table_key(table: str) -> str:
    return _TABLE.format(table)


class _Renewal:
    """The generations a transaction changed, each renewed once when it commits (a loop of
    saves in one transaction — an API push, an import — renews a token once, not per row)."""

    def __init__(self, savepoints=frozenset()):
        self.keys: set[str] = set()
        self.savepoints = frozenset(savepoints)  # those open when it was registered
        self.done = False
        self.__qualname__ = "generations.changed"  # what Django logs should the renewal fail

    def __call__(self) -> None:
        self.done = True  # (a test's captured callbacks stay in the list after they ran)
        _write_tokens(self.keys)

    @staticmethod
    def now(keys) -> None:
        """Renewed at once, after a statement that committed by itself. A cache that cannot be
        written (Redis away, the database cache's table not created yet) does not fail the write
        that was made: while it is away nothing is read from it either."""
        try:
            _write_tokens(keys)
        except Exception:
            logger.exception("a data generation could not be renewed")


def _renew_on_commit(connection, keys) -> None:
    """Renew *keys* when the connection's transaction commits (at once outside one).

    A renewal is shared by the changes made at the same savepoint (the same set of open
    savepoints, as Django records with each on-commit callback): rolling a savepoint back drops the
    renewals registered inside it and nothing else, so no change that commits loses its renewal."""
    if not in_transaction():
        _at_once(keys)
        return
    here = set(connection.savepoint_ids)
    # The last renewal registered, if it was registered at this savepoint or an enclosing one
    # still open (so it is rolled back only with this write): a loop of writes shares it. Only
    # the last is looked at, so a write costs the same however many came before it.
    pending = next(
        (func for _savepoints, func, _robust in reversed(connection.run_on_commit) if isinstance(func, _Renewal)),
        None,
    )
    if pending is not None and (pending.done or not pending.savepoints <= here):
        pending = None
    if pending is None:
        pending = _Renewal(here)
        connection.on_commit(pending, robust=True)
    pending.keys.update(keys)


def changed(municipality_id: int | None = None) -> None:
    """The municipality's data (``None``: data of no one municipality) changes in this
    transaction: its generation is renewed when the transaction commits (at once outside one)."""
    _renew_on_commit(transaction.get_connection(), [_key(municipality_id)])


def current(municipality_ids) -> dict[int, str]:
    """``{municipality id: token}``: the municipality's generation with the installation's."""
    ids = list(dict.fromkeys(municipality_ids))
    keys = [_key(pk) for pk in ids] + [_INSTALLATION]
    found = tokens(keys)
    for reads in _reading_now.get():
        reads.keys.update(keys)
    installation = found[_INSTALLATION]
    return {pk: f"{found[_key(pk)]}.{installation}" for pk in ids}


def in_transaction() -> bool:
    """Whether the caller is inside an atomic block: what it reads may include the block's own
    uncommitted writes, or be rolled back, so it must not be cached."""
    return connection.in_atomic_block


def cached(name: str, municipality_id: int, compute, *, parts=()):
    """*compute()*'s value for the municipality, from the cache while the municipality's
    generation is the one it was computed at (and at most CACHE_SECONDS); computed afresh inside
    a transaction. *parts* (strings) complete the key: the day, the plan, what the value depends
    on besides the municipality's data."""
    if in_transaction():
        return compute()
    token = current([municipality_id])[municipality_id]
    key = ":".join([name, str(municipality_id), token, *parts])
    value = cache.get(key, _MISSING)
    if value is _MISSING:
        value = compute()
        cache.set(key, value, CACHE_SECONDS)
    return value


def _municipality_of(instance) -> int | None:
    if instance._meta.label == "organisations.Municipality":
        return instance.pk
    return getattr(instance, "municipality_id", None)  # None: the installation's generation


def _saved(sender, instance, update_fields=None, raw=False, **kwargs) -> None:
    if raw:  # a fixture being loaded
        return
    if update_fields and set(update_fields) <= _quiet.get(sender._meta.label, frozenset()):
        return
    changed(_municipality_of(instance))


def _deleted(sender, instance, **kwargs) -> None:
    changed(_municipality_of(instance))


_quiet: dict[str, frozenset[str]] = {}  # per model: the fields whose saving alone changes no data


def follow(*app_labels: str, quiet: dict[str, set[str]] | None = None) -> None:
    """Renew the generations on every save and delete of the models of these apps (the writes
    that go past Django's signals — ``update()``, ``bulk_create()``, raw deletes — call
    ``changed()`` themselves where their data is cached). *quiet* names, per model label, the
    fields a save of which alone is no change of the data followed (a login's ``last_login``).
    Called from an app's ``ready()``."""
    for model_label, fields in (quiet or {}).items():
        _quiet[model_label] = _quiet.get(model_label, frozenset()) | frozenset(fields)
    for label in app_labels:
        for model in apps.get_app_config(label).get_models():
            post_save.connect(_saved, sender=model, dispatch_uid=f"generations-save-{model._meta.label}")
            post_delete.connect(_deleted, sender=model, dispatch_uid=f"generations-delete-{model._meta.label}")


# --- The tables' generations (ADR 0047) ----------------------------------------------------------
# Every statement that writes a table renews the table's token when its transaction commits: the
# wrapper below sees every statement Django sends (saves, update(), bulk_create(), raw deletes, a
# cursor's own SQL), so no write can go past it. A value computed from what a block of code read
# (``Reads``) is current while the tokens of the tables it read, and of the municipalities'
# generations it asked for, are the ones it was computed at.

_TABLE = "generation:t:{}"
_WRITE = re.compile(
    r'\s*(?:INSERT\s+(?:OR\s+\w+\s+)?INTO|REPLACE\s+INTO|UPDATE(?:\s+OR\s+\w+)?|DELETE\s+FROM)\s+"?(\w+)', re.I
)
_TRUNCATE = re.compile(r"\s*TRUNCATE\b", re.I)
_NAME = re.compile(r'"(\w+)"')
_READ = re.compile(r'\b(?:FROM|JOIN)\s+"?(\w+)', re.I)
_reading_now: contextvars.ContextVar[tuple[Reads, ...]] = contextvars.ContextVar("generations_reading", default=())


def _untracked() -> frozenset[str]:
    """The database cache's tables: a cache entry is no data (and renewing a token there would
    write to it again)."""
    return frozenset(
        str(c.get("LOCATION")) for c in settings.CACHES.values() if c.get("BACKEND", "").endswith("DatabaseCache")
    )


def written_tables(sql: str) -> list[str]:
    """The tables a statement writes, none for one that only reads."""
    if match := _WRITE.match(sql):
        return [match.group(1)]
    if _TRUNCATE.match(sql):
        return _NAME.findall(sql)
    return []


def _shares_the_connection() -> bool:
    """Whether the cache is the database's own table (the embedded default's DatabaseCache)."""
    return settings.CACHES["default"]["BACKEND"].endswith("DatabaseCache")


def _must_wait() -> bool:
    """Whether a renewal after a statement must wait: a database cache on SQLite, where writing
    it from inside the statement's execution would end the statement."""
    return _shares_the_connection() and connection.vendor == "sqlite"


_deferred: set[str] = set()
_deferred_lock = threading.Lock()


def _at_once(keys) -> None:
    """Renew after a statement that committed by itself. A cache in the database itself is not
    written from inside the statement's own execution (the statement's cursor is still open: on
    SQLite the cache's transaction would end it): those renewals wait for the end of the request,
    or of the process (a management command)."""
    if not _must_wait():
        _Renewal.now(keys)
        return
    with _deferred_lock:
        _deferred.update(keys)


def renew_deferred(**kwargs) -> None:
    with _deferred_lock:
        keys = list(_deferred)
        _deferred.clear()
    if keys:
        _Renewal.now(keys)


def track_writes(execute, sql, params, many, context):
    """A database execute wrapper, installed on every connection (``fridsam.core.apps``): after a
    statement that wrote a table, the table's token is renewed when the transaction commits."""
    result = execute(sql, params, many, context)
    if isinstance(sql, str) and (tables := [t for t in written_tables(sql) if t not in _untracked()]):
        for reads in _reading_now.get():
            reads.wrote = True
        _renew_on_commit(context["connection"], [table_key(t) for t in tables])
    return result


def _install(connection, **kwargs) -> None:
    # First in the list: outermost, and never the one a ``with execute_wrapper(...)`` pops.
    if track_writes not in connection.execute_wrappers:
        connection.execute_wrappers.insert(0, track_writes)


def install() -> None:
    """Track the writes of every database connection, those open now and those opened later."""
    connection_created.connect(_install, dispatch_uid="generations-track-writes")
    request_finished.connect(renew_deferred, dispatch_uid="generations-renew-deferred")
    atexit.register(renew_deferred)
    for open_connection in connections.all(initialized_only=True):
        _install(open_connection)


def table_written(*tables: str) -> None:
    """Tables written past Django's cursor (psycopg's COPY): their generations are renewed as
    the wrapper would renew them."""
    _renew_on_commit(connection, [table_key(t) for t in tables])


class Reads:
    """What a block of code read: the tables of its statements and the generations it asked for."""

    def __init__(self):
        self.keys: set[str] = set()
        self.wrote = False
        self.until = None  # the first moment at which what was built changes by the clock alone

    def __call__(self, execute, sql, params, many, context):
        if isinstance(sql, str):
            untracked = _untracked()
            self.keys.update(table_key(t) for t in _READ.findall(sql) if t not in untracked)
        return execute(sql, params, many, context)


def changes_at(moment) -> None:
    """What is being built changes by the clock alone at *moment* (an availability report goes
    stale): what is kept of it is current until then."""
    for reads in _reading_now.get():
        if reads.until is None or moment < reads.until:
            reads.until = moment


@contextlib.contextmanager
def reading() -> Iterator[Reads]:
    """Record what the block reads (``Reads.keys``) and whether it writes."""
    reads = Reads()
    token = _reading_now.set((*_reading_now.get(), reads))
    try:
        with connection.execute_wrapper(reads):
            yield reads
    finally:
        _reading_now.reset(token)


def tokens(keys) -> dict[str, str]:
    """The current token of each generation key (a missing one is a new random token)."""
    keys = sorted(set(keys))
    found = cache.get_many(keys)
    for key in keys:
        if key not in found:
            token = secrets.token_hex(8)
            # Another server may have set it meanwhile: take theirs (a miss of the cache
            # leaves ours, used for this request only).
            found[key] = token if cache.add(key, token, None) else (cache.get(key) or token)
    return {key: found[key] for key in keys}
