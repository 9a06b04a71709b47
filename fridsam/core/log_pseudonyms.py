"""Replacing a former staff member's name in the access log by their pseudonym (ADR 0040).

The log is append-only and hash-chained (ADR 0018): an entry's hash covers its username, so the
name cannot simply be overwritten. Instead each entry that names the person is first verified
against its hash, then rewritten once — the username (and a ``detail`` that quoted the username)
replaced by the pseudonym — together with a *seal*: an HMAC, under a key derived from the access-log
secret and never in the database, of the entry as it now reads and of its hash, which stays as it
was. The next entry still links to that hash and the anchors outside the database still hold it, so
the chain and the anchors are untouched; ``verify_chain`` checks a sealed entry against its seal
instead of its hash. The database lets an entry be updated only this way (migration 0012): once,
with a seal, and nothing but the username, the detail and the seal changed.
"""

from __future__ import annotations

from django.db import connection, transaction
from django.db.models import Q

from fridsam.core.audit import HASHED_FIELDS, UnknownKeyError, compute_hash, current_key, seal_for
from fridsam.core.log_culling import ChainNotIntact
from fridsam.core.models import AccessLogEntry
from fridsam.core.tenancy import unscoped

BATCH_SIZE = 2000
_SEAL_SQL = (
    f"UPDATE {AccessLogEntry._meta.db_table} SET username = %s, detail = %s, seal = %s "  # noqa: S608 - the model's own names
    "WHERE id = %s AND seal IS NULL"
)


def entries_naming(*, user_id: int, details) -> Q:
    """The entries naming one person: theirs (``user_id``), and those whose whole ``detail`` is one
    of ``details`` (compared without case: an attempted username as it was typed)."""
    found = Q(user_id=user_id)
    for text in details:
        found |= Q(detail__iexact=text)
    return found


def pseudonymise(*, user_id: int, pseudonym: str, details: dict[str, str], batch_size: int = BATCH_SIZE) -> int:
    """Seal every entry naming the person with their pseudonym: the username of their own entries,
    and a ``detail`` that is one of ``details`` (the text as it was → as it is to read). Each batch
    is one short transaction; an entry that does not verify is evidence and stops it all
    (:class:`ChainNotIntact`), with the batches before it sealed and verifiable. Returns how many
    entries were sealed; run again, it seals only what is new."""
    key = current_key()
    replace = {text.lower(): new for text, new in details.items()}
    with unscoped():
        sequences = list(
            AccessLogEntry.objects.filter(entries_naming(user_id=user_id, details=details), seal__isnull=True)
            .order_by("sequence")
            .values_list("sequence", flat=True)
        )
    sealed = 0
    for start in range(0, len(sequences), batch_size):
        batch = sequences[start : start + batch_size]
        with transaction.atomic(), unscoped():
            changed = []
            for entry in (
                AccessLogEntry.objects.select_for_update()
                .filter(sequence__in=batch, seal__isnull=True)
                .order_by("sequence")
            ):
                values = {name: getattr(entry, name) for name in HASHED_FIELDS}
                values.update(key_id=entry.key_id, entry_hash=entry.entry_hash)
                try:
                    intact = compute_hash(values) == entry.entry_hash
                except UnknownKeyError as error:
                    raise ChainNotIntact(f"entry #{entry.sequence}: signed with an unknown key ({error})") from error
                if not intact:
                    raise ChainNotIntact(f"entry #{entry.sequence}: content does not match its hash")
                username = pseudonym if entry.user_id == user_id else entry.username
                detail = replace.get(entry.detail.lower(), entry.detail)
                if (username, detail) == (entry.username, entry.detail):
                    continue  # written with the pseudonym already (after the account was removed)
                values.update(username=username, detail=detail)
                entry.username, entry.detail, entry.seal = username, detail, seal_for(values, key)
                changed.append(entry)
            if changed:
                with connection.cursor() as cursor:
                    # One statement per entry, sent together (psycopg pipelines executemany): Django's
                    # bulk_update builds a CASE per column and entry, which took most of the time.
                    cursor.executemany(_SEAL_SQL, [(e.username, e.detail, e.seal, e.pk) for e in changed])
            sealed += len(changed)
    return sealed
