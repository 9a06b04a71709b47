"""Culling the access log's oldest entries without breaking its chain (ADR 0032).

The log is one chain for the whole installation, so it is cut at one place: after the newest entry
that is older than the cut-off, never at the head (the next entry must still link to something).
Before anything is removed, the part to be removed is verified and a checkpoint is written — the
last removed entry's sequence and hash, signed with a key derived from the access-log key, which is
never in the database. Only then do the database triggers let rows at or below the cut be deleted,
in batches of consecutive sequences, each its own short transaction. ``verify_access_log`` starts
from the newest checkpoint: the first entry kept must link to the checkpoint's hash.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.db import transaction
from django.db.models import SET_NULL
from django.utils import timezone

from fridsam.core.audit import (
    VerificationChanged,
    chain_start,
    checkpoint_mac,
    current_key,
    start_at,
    verified_start,
    verify_chain,
)
from fridsam.core.models import AccessLogCheckpoint, AccessLogEntry, incoming_relations
from fridsam.core.tenancy import unscoped

BATCH_SIZE = 5000


class ChainNotIntact(RuntimeError):
    """The part of the log to be culled does not verify: nothing is cut (it is evidence)."""


@dataclass(frozen=True)
class LogCut:
    sequence: int  # the last entry to remove (0: nothing to cull)
    count: int  # how many entries that removes


def planned_cut(before: datetime.datetime) -> LogCut:
    """Where a cut at ``before`` would fall: entries older than it, up to the first younger one,
    and never the newest entry."""
    start = chain_start()
    with unscoped():
        head = AccessLogEntry.objects.order_by("-sequence").values_list("sequence", flat=True).first()
        if head is None:
            return LogCut(0, 0)
        first_young = (
            AccessLogEntry.objects.filter(occurred_at__gte=before, sequence__gt=start.sequence)
            .order_by("sequence")
            .values_list("sequence", flat=True)
            .first()
        )
        cut = min(head - 1, (first_young - 1) if first_young is not None else head - 1)
        if cut <= start.sequence:
            return LogCut(0, 0)
        count = AccessLogEntry.objects.filter(sequence__gt=start.sequence, sequence__lte=cut).count()
    return LogCut(cut, count)


def verify_to_cut(cut: LogCut):
    """Verify the entries to be removed. After a recent whole verification (the nightly
    ``verify_access_log``, ADR 0041) only the entries after the one it reached, up to the cut, are
    walked — and when it reached past the cut, the cut entry itself (its hash and its link).
    Without one, every entry from the checkpoint on, as before."""
    try:
        verified = verified_start()
    except VerificationChanged as error:
        raise ChainNotIntact(str(error)) from error
    if verified is None:
        return verify_chain(up_to=cut.sequence)
    if verified.sequence < cut.sequence:
        return verify_chain(up_to=cut.sequence, start=verified)
    return verify_chain(up_to=cut.sequence, start=start_at(cut.sequence - 1))


def write_checkpoint(*, cut: LogCut, before: datetime.datetime, reason: str) -> AccessLogCheckpoint:
    """Verify the entries up to the cut, then sign and store the checkpoint (nothing is removed yet)."""
    report = verify_to_cut(cut)
    if not report.ok:
        raise ChainNotIntact(f"entry #{report.first_broken_sequence}: {report.reason}")
    key = current_key()
    with transaction.atomic(), unscoped():
        last = AccessLogEntry.objects.values("entry_hash", "key_id").get(sequence=cut.sequence)
        values = {
            "cut_sequence": cut.sequence,
            "cut_hash": last["entry_hash"],
            "cut_key_id": last["key_id"],
            "culled_before": before,
            "removed": cut.count,
            "created_at": timezone.now(),
            "reason": reason[:200],
            "key_id": key.key_id,
        }
        values["mac"] = checkpoint_mac(values, key)
        return AccessLogCheckpoint.objects.create(**values)


def _links_set_to_null():
    """The other apps' foreign keys to the log, when each of them lets go of a culled entry (a
    drawn read of a log review keeps what it copied, ADR 0039): they are set to null in one
    statement per batch and the entries deleted in one more, without Django first loading the
    batch's rows. ``None`` when some relation wants more (then Django's own delete is used).
    Hidden relations (``related_name="+"``, as the drawn reads' is) count: ``related_objects``
    leaves them out, Django's delete does not. None of these keys is a database constraint (ADR
    0041): this null-setting, and Django's on every other delete, is what keeps them right."""
    links = []
    for relation in incoming_relations(AccessLogEntry):
        if relation.on_delete is not SET_NULL or relation.many_to_many:
            return None
        links.append((relation.related_model, relation.field.name))
    return links


def delete_up_to(cut_sequence: int, batch_size: int = BATCH_SIZE, on_batch=None) -> int:
    """Delete the entries at or below a written checkpoint, a batch of consecutive sequences per
    transaction (each holds its row locks for one batch only). Resumable: rows a stopped run left
    below the cut are taken by the next. ``on_batch(n)`` is called in each batch's transaction
    with the number it deleted (the culling protocol counts them there, ADR 0043)."""
    removed = 0
    links = _links_set_to_null()
    with unscoped():
        low = AccessLogEntry.objects.order_by("sequence").values_list("sequence", flat=True).first()
        while low is not None and low <= cut_sequence:
            high = min(low + batch_size - 1, cut_sequence)
            with transaction.atomic():
                batch = AccessLogEntry.objects.filter(sequence__gte=low, sequence__lte=high)
                if links is None:
                    deleted, _ = batch.delete()
                else:
                    for model, name in links:
                        model.system_objects.filter(**{f"{name}__in": batch.values("pk")}).update(**{name: None})
                    deleted = batch._raw_delete(batch.db)
                if on_batch is not None and deleted:
                    on_batch(deleted)
            removed += deleted
            low = high + 1
    return removed
