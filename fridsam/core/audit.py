"""The one helper every domain uses to write to the access log, and the chain verifier.

Each entry's ``entry_hash`` is HMAC-SHA-256, under the key ``key_id`` names, of the entry's
canonical JSON (its fields, ``prev_hash`` and ``key_id``). The key (``FRIDSAM_ACCESS_LOG_KEY``) is
never in the database, so someone who can only change the database cannot re-hash the chain after
an edit. Entries written before the chain was keyed have an empty ``key_id`` and a plain SHA-256
hash; they stay verifiable, but only before the first keyed entry (ADR 0018). Truncation of the
newest entries is caught by the anchors outside the database (:mod:`fridsam.core.anchors`).
"""

from __future__ import annotations

import functools
import hashlib
import hmac
import json
import math
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.db import connection, transaction
from django.db.models import Model
from django.utils import timezone

from fridsam.core.actor import current_actor
from fridsam.core.models import AccessAction, AccessLogEntry
from fridsam.core.tenancy import unscoped
from fridsam.core.validators import redact_personal_identity_numbers

GENESIS_HASH = "0" * 64
# Arbitrary constant identifying the access-log chain lock in PostgreSQL.
_PG_LOCK_KEY = 7_413_020_611

HASHED_FIELDS = (
    "sequence",
    "occurred_at",
    "user_id",
    "username",
    "role",
    "organisation",
    "municipality_id",
    "county_id",
    "action",
    "object_type",
    "object_id",
    "purpose",
    "detail",
    "ip_address",
    "prev_hash",
)
# The rank of the entries from before the keyed chain: older than any key.
_LEGACY_RANK = math.inf


@dataclass(frozen=True)
class ChainKey:
    """One access-log key: its public id and the two keys derived from the secret."""

    key_id: str
    entry_key: bytes = b""
    anchor_key: bytes = b""

    def __repr__(self) -> str:  # never print the key material
        return f"ChainKey({self.key_id!r})"


@functools.lru_cache(maxsize=32)
def derive_key(secret: str) -> ChainKey:
    """The entry key, the anchor key and the key id of one secret (separate HMAC labels, so the
    id that is stored in every row reveals nothing about the keys)."""

    def sub(label: str) -> bytes:
        return hmac.new(secret.encode(), f"fridsam access log: {label}".encode(), hashlib.sha256).digest()

    return ChainKey(key_id=sub("key id").hex()[:16], entry_key=sub("entry"), anchor_key=sub("anchor"))


def current_key() -> ChainKey:
    secret = settings.FRIDSAM_ACCESS_LOG_KEY
    if not secret:
        raise ImproperlyConfigured("FRIDSAM_ACCESS_LOG_KEY is not set: the access log cannot be written (ADR 0018).")
    return derive_key(secret)


def key_ring() -> dict[str, tuple[int, ChainKey]]:
    """Every key that may have signed entries, by key id, with its age: 0 for the current key,
    1 for the newest retired key (FRIDSAM_ACCESS_LOG_OLD_KEYS lists them newest first), and so on."""
    secrets = [settings.FRIDSAM_ACCESS_LOG_KEY, *settings.FRIDSAM_ACCESS_LOG_OLD_KEYS]
    ring: dict[str, tuple[int, ChainKey]] = {}
    for rank, secret in enumerate(s for s in secrets if s):
        key = derive_key(secret)
        ring.setdefault(key.key_id, (rank, key))
    return ring


def _payload(values: dict, keyed: bool) -> bytes:
    payload = {}
    for name in HASHED_FIELDS:
        value = values.get(name)
        if name == "occurred_at":
            value = value.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")
        payload[name] = "" if value is None else str(value)
    if keyed:
        payload["key_id"] = values["key_id"]
    return json.dumps(payload, sort_keys=True, ensure_ascii=False, separators=(",", ":")).encode("utf-8")


def legacy_hash(values: dict) -> str:
    """SHA-256 of the canonical payload: the entries written before the chain was keyed."""
    return hashlib.sha256(_payload(values, keyed=False)).hexdigest()


def keyed_hash(values: dict, key: ChainKey) -> str:
    """HMAC-SHA-256 of the canonical payload (which includes the key id) under ``key``."""
    return hmac.new(key.entry_key, _payload(values, keyed=True), hashlib.sha256).hexdigest()


class UnknownKeyError(LookupError):
    pass


def compute_hash(values: dict) -> str:
    """The hash an entry must carry: keyed under the key its ``key_id`` names, or plain SHA-256
    for an entry from before the keyed chain (empty ``key_id``)."""
    key_id = values.get("key_id") or ""
    if not key_id:
        return legacy_hash(values)
    found = key_ring().get(key_id)
    if found is None:
        raise UnknownKeyError(key_id)
    return keyed_hash(values, found[1])


def log_access(
    *,
    action: str,
    object_type: str | type[Model] | Model,
    object_id: object = "",
    user=None,
    role: str = "",
    organisation: str = "",
    municipality=None,
    county=None,
    purpose: str = "",
    detail: str = "",
    ip_address: str | None = None,
    occurred_at=None,
) -> AccessLogEntry:
    """Append one entry to the access log, in the caller's transaction.

    ``object_type`` may be a model class or instance ("app_label.model") or a string. The acting
    user (when ``user`` is not given), their roles and the IP address come from the current
    :mod:`fridsam.core.actor`. Call it inside the service's ``transaction.atomic()`` block so
    that the change and its log row commit together.

    ``occurred_at`` is for the demo county alone (a past month's reads for its log review, ADR
    0039): refused wherever the demo may not be loaded, so a real entry always bears the time it
    was written.
    """
    if occurred_at is not None and not getattr(settings, "FRIDSAM_ALLOW_DEMO", False):
        raise ImproperlyConfigured("occurred_at is only for the demo county (FRIDSAM_ALLOW_DEMO).")
    if action not in AccessAction.values:
        raise ValueError(f"unknown access-log action {action!r}")
    if isinstance(object_type, Model) and not object_id:
        object_id = object_type.pk
    if not isinstance(object_type, str):
        object_type = object_type._meta.label_lower
    actor = current_actor()
    if user is None:
        user = actor.user
    if actor.memberships and not role and actor.is_user(user):
        # The acting user's role(s) where the access happened: in that municipality if there is
        # one, otherwise every role they hold.
        relevant = [m for m in actor.memberships if municipality is None or m.municipality_id == municipality.pk]
        relevant = relevant or list(actor.memberships)
        role = ",".join(sorted({m.role for m in relevant}))
        organisation = organisation or "; ".join(sorted({m.organisation_label for m in relevant}))
    if municipality is not None and county is None:
        county_id = municipality.county_id
    else:
        county_id = county.pk if county is not None else None

    key = current_key()
    with transaction.atomic(), unscoped():
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("SELECT pg_advisory_xact_lock(%s)", [_PG_LOCK_KEY])
        head = AccessLogEntry.objects.order_by("-sequence").values("sequence", "entry_hash").first()
        values = {
            "sequence": (head["sequence"] + 1) if head else 1,
            "occurred_at": occurred_at or timezone.now(),
            "user_id": user.pk if user is not None else None,
            "username": (user.get_username() if user is not None else "")[:150],
            "role": role,
            "organisation": organisation[:250],
            "municipality_id": municipality.pk if municipality is not None else None,
            "county_id": county_id,
            "action": action,
            "object_type": object_type[:100],
            # The log can never be corrected: a personal identity number that slipped past a form
            # (a file name, a search) is masked here, the last place before it would stay for good.
            "object_id": redact_personal_identity_numbers(str(object_id))[:64],
            "purpose": redact_personal_identity_numbers(purpose)[:300],
            "detail": redact_personal_identity_numbers(detail)[:300],
            "ip_address": ip_address or actor.ip_address,
            "prev_hash": head["entry_hash"] if head else GENESIS_HASH,
            "key_id": key.key_id,
        }
        values["entry_hash"] = keyed_hash(values, key)
        return AccessLogEntry.objects.create(**values)


@dataclass(frozen=True)
class ChainReport:
    checked: int
    first_broken_sequence: int | None
    reason: str
    legacy: int = 0  # entries from before the keyed chain (plain SHA-256)
    anchors_checked: int = 0
    newest_anchor: object = None

    @property
    def ok(self) -> bool:
        return not self.reason


def verify_chain(batch_size: int = 5000, anchors: Iterable = ()) -> ChainReport:
    """Walk the whole chain in order; report the first entry whose hash, key, link or sequence is
    wrong, or that differs from an anchor; and report truncation when an anchor records more
    entries than the chain has.

    ``anchors`` are :class:`fridsam.core.anchors.Anchor` (``sequence``, ``head_hash``, ``count``
    and ``label``), already checked for their own MAC.
    """
    ring = key_ring()
    anchors = list(anchors)
    by_sequence = defaultdict(list)
    for anchor in anchors:
        if anchor.count != anchor.sequence:
            return ChainReport(
                0,
                None,
                f"the {anchor.label} counted {anchor.count} entries up to #{anchor.sequence}: "
                "entries were already missing when it was written",
            )
        if anchor.sequence:
            by_sequence[anchor.sequence].append(anchor)
    newest = max(anchors, key=lambda a: a.sequence, default=None)

    expected_prev = GENESIS_HASH
    expected_sequence = 1
    previous_rank = _LEGACY_RANK
    checked = legacy = 0

    def broken(sequence, reason):
        return ChainReport(checked, sequence, reason, legacy, len(anchors), newest)

    with unscoped():
        qs = AccessLogEntry.objects.order_by("sequence").values(*HASHED_FIELDS, "key_id", "entry_hash")
        for row in qs.iterator(chunk_size=batch_size):
            sequence = row["sequence"]
            if sequence != expected_sequence:
                return broken(expected_sequence, "missing entry (gap in the sequence)")
            if row["prev_hash"] != expected_prev:
                return broken(sequence, "link to the previous entry is broken")
            key_id = row["key_id"]
            if key_id:
                found = ring.get(key_id)
                if found is None:
                    return broken(
                        sequence,
                        f"signed with an unknown key (key id {key_id}); if the key was rotated, its old "
                        "value belongs in FRIDSAM_ACCESS_LOG_OLD_KEYS",
                    )
                rank, key = found
                if rank > previous_rank:
                    return broken(sequence, f"signed with an older key (key id {key_id}) than the entry before it")
                digest = keyed_hash(row, key)
            else:
                if previous_rank != _LEGACY_RANK:
                    return broken(sequence, "unkeyed entry after the keyed chain began")
                rank = _LEGACY_RANK
                digest = legacy_hash(row)
            if not hmac.compare_digest(digest, row["entry_hash"]):
                return broken(sequence, "content does not match its hash")
            for anchor in by_sequence.get(sequence, ()):
                if anchor.head_hash != row["entry_hash"]:
                    return broken(sequence, f"the entry differs from the {anchor.label}")
            if rank == _LEGACY_RANK:
                legacy += 1
            previous_rank = rank
            expected_prev = row["entry_hash"]
            expected_sequence += 1
            checked += 1
    if newest is not None and newest.sequence > checked:
        return broken(
            checked + 1,
            f"the log ends at entry #{checked} but the {newest.label} records #{newest.sequence}: "
            "the newest entries were removed",
        )
    return ChainReport(checked, None, "", legacy, len(anchors), newest)
