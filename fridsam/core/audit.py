"""The one helper every domain uses to write to the access log, and the chain verifier.

Each entry's ``entry_hash`` is HMAC-SHA-256, under the key ``key_id`` names, of the entry's
canonical JSON (its fields, ``prev_hash`` and ``key_id``). The key (``FRIDSAM_ACCESS_LOG_KEY``) is
never in the database, so someone who can only change the database cannot re-hash the chain after
an edit. Entries written before the chain was keyed have an empty ``key_id`` and a plain SHA-256
hash; they stay verifiable, but only before the first keyed entry (ADR 0018). Truncation of the
newest entries is caught by the anchors outside the database (:mod:`fridsam.core.anchors`).
"""

from __future__ import annotations

import datetime
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
from fridsam.core.models import AccessAction, AccessLogCheckpoint, AccessLogEntry, AccessLogVerification
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
    checkpoint_key: bytes = b""
    verification_key: bytes = b""  # the mark of the last whole verification (ADR 0041)
    seal_key: bytes = b""  # the seal of an entry whose name was pseudonymised (ADR 0040)
    pseudonym_key: bytes = b""  # the keyed hash a former staff member's pseudonym is made of

    def __repr__(self) -> str:  # never print the key material
        return f"ChainKey({self.key_id!r})"


@functools.lru_cache(maxsize=32)
def derive_key(secret: str) -> ChainKey:
    """The key id and the keys derived from one secret (separate HMAC labels, so the id that is
    stored in every row reveals nothing about the keys, and no key can stand in for another)."""

    def sub(label: str) -> bytes:
        return hmac.new(secret.encode(), f"fridsam access log: {label}".encode(), hashlib.sha256).digest()

    return ChainKey(
        key_id=sub("key id").hex()[:16],
        entry_key=sub("entry"),
        anchor_key=sub("anchor"),
        checkpoint_key=sub("checkpoint"),
        verification_key=sub("verification"),
        seal_key=sub("pseudonymisation seal"),
        pseudonym_key=sub("pseudonym"),
    )


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


def seal_mac(values: dict, key: ChainKey) -> str:
    """HMAC-SHA-256, under the seal key, of an entry as it reads after its name was replaced by a
    pseudonym (its fields, key id and the hash it was written with, which is not changed: the next
    entry still links to it and the anchors still hold it; ADR 0040)."""
    encoded = json.dumps(
        {
            "entry": _payload(values, keyed=True).decode("utf-8"),
            "entry_hash": values["entry_hash"],
            "seal_key_id": key.key_id,
        },
        sort_keys=True,
        ensure_ascii=False,
        separators=(",", ":"),
    ).encode("utf-8")
    return hmac.new(key.seal_key, encoded, hashlib.sha256).hexdigest()


def seal_for(values: dict, key: ChainKey) -> str:
    """The value of an entry's ``seal`` column: the sealing key's id and the MAC."""
    return f"{key.key_id}:{seal_mac(values, key)}"


CHECKPOINT_FIELDS = ("cut_sequence", "cut_hash", "cut_key_id", "culled_before", "removed", "created_at", "reason")


def checkpoint_mac(values: dict, key: ChainKey) -> str:
    """HMAC-SHA-256 of a checkpoint's fields and key id under the checkpoint key (ADR 0032)."""
    payload = {}
    for name in CHECKPOINT_FIELDS:
        value = values[name]
        if name in ("culled_before", "created_at"):
            value = value.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")
        payload[name] = str(value)
    payload["key_id"] = values["key_id"]
    encoded = json.dumps(payload, sort_keys=True, ensure_ascii=False, separators=(",", ":")).encode("utf-8")
    return hmac.new(key.checkpoint_key, encoded, hashlib.sha256).hexdigest()


@dataclass(frozen=True)
class Start:
    """Where verification begins: genesis, the newest checkpoint's cut, or an entry verified
    before (ADR 0041)."""

    sequence: int = 0  # the last entry not walked (culled, or verified before; 0: none)
    prev_hash: str = GENESIS_HASH
    rank: float = _LEGACY_RANK
    reason: str = ""  # why the checkpoints cannot be trusted ("" when they can)
    key_id: str = ""  # the key of the entry at ``sequence``


def chain_start() -> Start:
    """The newest checkpoint, once each checkpoint's MAC is checked; genesis without one."""
    ring = key_ring()
    with unscoped():
        rows = list(AccessLogCheckpoint.objects.order_by("cut_sequence").values(*CHECKPOINT_FIELDS, "key_id", "mac"))
    for row in rows:
        found = ring.get(row["key_id"])
        if found is None:
            return Start(reason=f"the checkpoint at entry #{row['cut_sequence']} is signed with an unknown key")
        if not hmac.compare_digest(checkpoint_mac(row, found[1]), row["mac"]):
            return Start(reason=f"the checkpoint at entry #{row['cut_sequence']} does not match its signature")
    if not rows:
        return Start()
    newest = rows[-1]
    rank = _LEGACY_RANK
    if newest["cut_key_id"]:
        found = ring.get(newest["cut_key_id"])
        if found is None:
            return Start(reason=f"the checkpoint at entry #{newest['cut_sequence']} names an unknown key")
        rank = found[0]
    return Start(sequence=newest["cut_sequence"], prev_hash=newest["cut_hash"], rank=rank, key_id=newest["cut_key_id"])


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
    username = user.get_username() if user is not None else ""
    if user is None and actor.credential is not None:
        # A machine client: the call is logged under the credential's name (ADR 0034).
        username = actor.credential.log_name
        role = role or CREDENTIAL_ROLE
        organisation = organisation or actor.credential.log_organisation
    if municipality is not None and county is None:
        county_id = municipality.county_id
    else:
        county_id = county.pk if county is not None else None
    entry = {
        "user_id": user.pk if user is not None else None,
        "username": username[:150],
        "role": role[:200],
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
    }
    return _append([entry], occurred_at)[0]


# The role the access log records for a machine client's calls.
CREDENTIAL_ROLE = "integration"


def log_access_many(*, action: str, object_type: str | type[Model], object_ids, municipality, detail: str = ""):
    """One entry per object, appended as one step (one lock, one read of the head, one insert):
    a bulk write of a thousand records logs each of them without a thousand round trips. The
    entries are those :func:`log_access` would write, one after the other."""
    ids = list(object_ids)
    if not ids:
        return []
    first = log_access(
        action=action, object_type=object_type, object_id=ids[0], municipality=municipality, detail=detail
    )
    template = {
        name: getattr(first, name) for name in HASHED_FIELDS if name not in ("sequence", "occurred_at", "prev_hash")
    }
    template.pop("object_id")
    return [first, *_append([{**template, "object_id": str(i)[:64]} for i in ids[1:]])]


def _append(entries: list[dict], occurred_at=None) -> list[AccessLogEntry]:
    """Chain *entries* onto the head of the log, in the caller's transaction (at *occurred_at*:
    the demo's past reads only, see :func:`log_access`)."""
    key = current_key()
    with transaction.atomic(), unscoped():
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("SELECT pg_advisory_xact_lock(%s)", [_PG_LOCK_KEY])
        head = AccessLogEntry.objects.order_by("-sequence").values("sequence", "entry_hash").first()
        sequence = head["sequence"] if head else 0
        prev_hash = head["entry_hash"] if head else GENESIS_HASH
        now = occurred_at or timezone.now()
        rows = []
        for entry in entries:
            sequence += 1
            values = {**entry, "sequence": sequence, "occurred_at": now, "prev_hash": prev_hash, "key_id": key.key_id}
            values["entry_hash"] = prev_hash = keyed_hash(values, key)
            rows.append(AccessLogEntry(**values))
        if len(rows) == 1:
            rows[0].save(force_insert=True)
            return rows
        return AccessLogEntry.objects.bulk_create(rows, batch_size=500)


@dataclass(frozen=True)
class ChainReport:
    checked: int
    first_broken_sequence: int | None
    reason: str
    legacy: int = 0  # entries from before the keyed chain (plain SHA-256)
    anchors_checked: int = 0
    newest_anchor: object = None
    start: int = 0  # the checkpoint verification began after (0: genesis; ADR 0032)
    sealed: int = 0  # entries whose name was pseudonymised, checked against their seal (ADR 0040)
    # The last entry found intact: where the next verification may start (ADR 0041).
    last_sequence: int = 0
    last_hash: str = ""
    last_key_id: str = ""

    @property
    def ok(self) -> bool:
        return not self.reason


def verify_chain(
    batch_size: int = 5000, anchors: Iterable = (), up_to: int | None = None, start: Start | None = None
) -> ChainReport:
    """Walk the chain in order from the newest checkpoint (genesis without one); report the first
    entry whose hash, key, link or sequence is wrong, or that differs from an anchor; and report
    truncation when an anchor records more entries than the chain has. ``up_to`` stops at that
    sequence (culling checks the part it is about to remove).

    ``start`` begins the walk elsewhere than at the newest checkpoint: after an entry already
    verified (:func:`verified_start`, ADR 0041). The checkpoints' signatures are checked all the
    same.

    An entry with a ``seal`` (its name pseudonymised, ADR 0040) is checked against the seal instead
    of its hash, which no longer matches its content; its hash still links the chain.

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
    checkpoint = chain_start()
    if checkpoint.reason:
        return ChainReport(0, None, checkpoint.reason, anchors_checked=len(anchors), newest_anchor=newest)
    start = start or checkpoint
    if start.reason:
        return ChainReport(0, None, start.reason, anchors_checked=len(anchors), newest_anchor=newest)
    # Anchors of culled entries: only the one at the cut can still be compared (with the signed
    # checkpoint); the others are covered by the checkpoint, which was written after checking them.
    for anchor in by_sequence.pop(start.sequence, ()):
        if anchor.head_hash != start.prev_hash:
            what = "checkpoint" if start.sequence == checkpoint.sequence else "entry verified before"
            return ChainReport(
                0, start.sequence, f"the {what} differs from the {anchor.label}", start=checkpoint.sequence
            )
    for sequence in [s for s in by_sequence if s < start.sequence]:
        del by_sequence[sequence]

    expected_prev = start.prev_hash
    expected_sequence = start.sequence + 1
    previous_rank = start.rank
    checked = legacy = sealed = 0
    last_key_id = ""

    def report(sequence=None, reason=""):
        return ChainReport(
            checked,
            sequence,
            reason,
            legacy,
            len(anchors),
            newest,
            checkpoint.sequence,
            sealed,
            start.sequence + checked,
            expected_prev,
            last_key_id if checked else start.key_id,
        )

    with unscoped():
        qs = AccessLogEntry.objects.filter(sequence__gt=start.sequence)
        if up_to is not None:
            qs = qs.filter(sequence__lte=up_to)
        qs = qs.order_by("sequence").values(*HASHED_FIELDS, "key_id", "entry_hash", "seal")
        for row in qs.iterator(chunk_size=batch_size):
            sequence = row["sequence"]
            if sequence != expected_sequence:
                return report(expected_sequence, "missing entry (gap in the sequence)")
            if row["prev_hash"] != expected_prev:
                return report(sequence, "link to the previous entry is broken")
            key_id = row["key_id"]
            if key_id:
                found = ring.get(key_id)
                if found is None:
                    return report(
                        sequence,
                        f"signed with an unknown key (key id {key_id}); if the key was rotated, its old "
                        "value belongs in FRIDSAM_ACCESS_LOG_OLD_KEYS",
                    )
                rank, key = found
                if rank > previous_rank:
                    return report(sequence, f"signed with an older key (key id {key_id}) than the entry before it")
            else:
                if previous_rank != _LEGACY_RANK:
                    return report(sequence, "unkeyed entry after the keyed chain began")
                rank, key = _LEGACY_RANK, None
            if row["seal"]:
                problem = _seal_problem(row, ring)
                if problem:
                    return report(sequence, problem)
                sealed += 1
            else:
                digest = keyed_hash(row, key) if key is not None else legacy_hash(row)
                if not hmac.compare_digest(digest, row["entry_hash"]):
                    return report(sequence, "content does not match its hash")
            for anchor in by_sequence.get(sequence, ()):
                if anchor.head_hash != row["entry_hash"]:
                    return report(sequence, f"the entry differs from the {anchor.label}")
            if rank == _LEGACY_RANK:
                legacy += 1
            previous_rank = rank
            expected_prev = row["entry_hash"]
            last_key_id = key_id
            expected_sequence += 1
            checked += 1
    last = start.sequence + checked
    if up_to is None and newest is not None and newest.sequence > last:
        return report(
            last + 1,
            f"the log ends at entry #{last} but the {newest.label} records #{newest.sequence}: "
            "the newest entries were removed",
        )
    return report()


def _seal_problem(row: dict, ring) -> str:
    seal_key_id, _sep, mac = (row["seal"] or "").partition(":")
    found = ring.get(seal_key_id)
    if found is None:
        return f"pseudonymised under an unknown key (key id {seal_key_id})"
    if not hmac.compare_digest(seal_mac(row, found[1]), mac):
        return "content does not match its pseudonymisation seal"
    return ""


# --- Where the last whole verification reached (ADR 0041) -------------------------------------

VERIFICATION_FIELDS = ("sequence", "entry_hash", "entry_key_id", "start", "checked", "verified_at")


def verification_mac(values: dict, key: ChainKey) -> str:
    payload = {name: str(values[name]) for name in VERIFICATION_FIELDS}
    payload["verified_at"] = values["verified_at"].astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")
    payload["key_id"] = values["key_id"]
    encoded = json.dumps(payload, sort_keys=True, ensure_ascii=False, separators=(",", ":")).encode("utf-8")
    return hmac.new(key.verification_key, encoded, hashlib.sha256).hexdigest()


def record_verification(report: ChainReport) -> AccessLogVerification | None:
    """Store how far a whole, successful verification reached (the nightly ``verify_access_log``):
    the last entry's sequence, hash and key, signed. Nothing is stored for a failed or partial one."""
    if not report.ok or not report.last_sequence:
        return None
    key = current_key()
    values = {
        "sequence": report.last_sequence,
        "entry_hash": report.last_hash,
        "entry_key_id": report.last_key_id,
        "start": report.start,
        "checked": report.checked,
        "verified_at": timezone.now(),
        "key_id": key.key_id,
    }
    values["mac"] = verification_mac(values, key)
    with unscoped():
        return AccessLogVerification.objects.create(**values)


class VerificationChanged(RuntimeError):
    """An entry verified before no longer has the hash it was verified with: the chain was changed."""


def verified_start(*, max_age_hours: float | None = None) -> Start | None:
    """Where a verification may begin instead of the newest checkpoint: after the entry the newest
    trustworthy verification reached — signed with a known key, younger than
    ``FRIDSAM_ACCESS_LOG_VERIFIED_MAX_HOURS``, past the newest checkpoint, and its entry still in the
    database with the hash it was verified with. ``None`` when there is none (verify from the
    checkpoint). Raises :class:`VerificationChanged` when the entry is there with another hash."""
    if max_age_hours is None:
        max_age_hours = settings.FRIDSAM_ACCESS_LOG_VERIFIED_MAX_HOURS
    checkpoint = chain_start()
    if checkpoint.reason:
        return None
    ring = key_ring()
    since = timezone.now() - datetime.timedelta(hours=max_age_hours)
    with unscoped():
        rows = AccessLogVerification.objects.filter(verified_at__gte=since, sequence__gt=checkpoint.sequence)
        for mark in rows.order_by("-verified_at", "-pk").values(*VERIFICATION_FIELDS, "key_id", "mac")[:10]:
            found = ring.get(mark["key_id"])
            if found is None or not hmac.compare_digest(verification_mac(mark, found[1]), mark["mac"]):
                continue  # not ours: as if it were not there
            rank = _LEGACY_RANK
            if mark["entry_key_id"]:
                entry_key = ring.get(mark["entry_key_id"])
                if entry_key is None:
                    continue
                rank = entry_key[0]
            now_hash = (
                AccessLogEntry.objects.filter(sequence=mark["sequence"]).values_list("entry_hash", flat=True).first()
            )
            if now_hash is None:
                continue
            if now_hash != mark["entry_hash"]:
                raise VerificationChanged(
                    f"entry #{mark['sequence']} no longer has the hash it was verified with on "
                    f"{mark['verified_at']:%Y-%m-%d %H:%M}"
                )
            return Start(
                sequence=mark["sequence"], prev_hash=mark["entry_hash"], rank=rank, key_id=mark["entry_key_id"]
            )
    return None


def start_at(sequence: int) -> Start:
    """A walk that checks entry ``sequence + 1`` onwards, taking entry ``sequence`` (already
    verified) as it stands: its hash and key."""
    checkpoint = chain_start()
    if sequence <= checkpoint.sequence:
        return checkpoint
    with unscoped():
        row = AccessLogEntry.objects.filter(sequence=sequence).values("entry_hash", "key_id").first()
    if row is None:
        return Start(reason=f"entry #{sequence} is missing")
    rank = _LEGACY_RANK
    if row["key_id"]:
        found = key_ring().get(row["key_id"])
        if found is None:
            return Start(reason=f"entry #{sequence} is signed with an unknown key (key id {row['key_id']})")
        rank = found[0]
    return Start(sequence=sequence, prev_hash=row["entry_hash"], rank=rank, key_id=row["key_id"])
