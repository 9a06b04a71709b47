"""The one helper every domain uses to write to the access log, and the chain verifier."""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from datetime import UTC

from django.db import connection, transaction
from django.db.models import Model
from django.utils import timezone

from fridsam.core.models import AccessAction, AccessLogEntry
from fridsam.core.tenancy import unscoped

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


def compute_hash(values: dict) -> str:
    payload = {}
    for name in HASHED_FIELDS:
        value = values.get(name)
        if name == "occurred_at":
            value = value.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")
        payload[name] = "" if value is None else str(value)
    encoded = json.dumps(payload, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(encoded.encode("utf-8")).hexdigest()


def _client_ip(request) -> str | None:
    if request is None:
        return None
    return request.META.get("REMOTE_ADDR") or None


def log_access(
    *,
    action: str,
    object_type: str | type[Model] | Model,
    object_id: object = "",
    user=None,
    request=None,
    role: str = "",
    organisation: str = "",
    municipality=None,
    county=None,
    purpose: str = "",
    detail: str = "",
) -> AccessLogEntry:
    """Append one entry to the access log, in the caller's transaction.

    ``object_type`` may be a model class or instance ("app_label.model") or a string. When
    ``request`` is given, the acting user and IP address come from it. Call it inside the
    service's ``transaction.atomic()`` block so that the change and its log row commit together.
    """
    if action not in AccessAction.values:
        raise ValueError(f"unknown access-log action {action!r}")
    if isinstance(object_type, Model) and not object_id:
        object_id = object_type.pk
    if not isinstance(object_type, str):
        object_type = object_type._meta.label_lower
    if user is None and request is not None and request.user.is_authenticated:
        user = request.user
    tenancy = getattr(request, "tenancy", None)
    if tenancy is not None and tenancy.memberships and not role:
        # The acting user's role(s) where the access happened: in that municipality if there is
        # one, otherwise every role they hold.
        relevant = [m for m in tenancy.memberships if municipality is None or m.municipality_id == municipality.pk]
        relevant = relevant or list(tenancy.memberships)
        role = ",".join(sorted({m.role for m in relevant}))
        organisation = organisation or "; ".join(sorted({m.organisation_label for m in relevant}))
    if municipality is not None and county is None:
        county_id = municipality.county_id
    else:
        county_id = county.pk if county is not None else None

    with transaction.atomic(), unscoped():
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("SELECT pg_advisory_xact_lock(%s)", [_PG_LOCK_KEY])
        head = AccessLogEntry.objects.order_by("-sequence").values("sequence", "entry_hash").first()
        values = {
            "sequence": (head["sequence"] + 1) if head else 1,
            "occurred_at": timezone.now(),
            "user_id": user.pk if user is not None else None,
            "username": (user.get_username() if user is not None else "")[:150],
            "role": role,
            "organisation": organisation[:250],
            "municipality_id": municipality.pk if municipality is not None else None,
            "county_id": county_id,
            "action": action,
            "object_type": object_type[:100],
            "object_id": str(object_id)[:64],
            "purpose": purpose[:300],
            "detail": detail[:300],
            "ip_address": _client_ip(request),
            "prev_hash": head["entry_hash"] if head else GENESIS_HASH,
        }
        values["entry_hash"] = compute_hash(values)
        return AccessLogEntry.objects.create(**values)


@dataclass(frozen=True)
class ChainReport:
    checked: int
    first_broken_sequence: int | None
    reason: str

    @property
    def ok(self) -> bool:
        return self.first_broken_sequence is None


def verify_chain(batch_size: int = 5000) -> ChainReport:
    """Walk the whole chain in order; report the first entry whose hash or link is wrong."""
    expected_prev = GENESIS_HASH
    expected_sequence = 1
    checked = 0
    with unscoped():
        qs = AccessLogEntry.objects.order_by("sequence").values(*HASHED_FIELDS, "entry_hash")
        for row in qs.iterator(chunk_size=batch_size):
            if row["sequence"] != expected_sequence:
                return ChainReport(checked, expected_sequence, "missing entry (gap in the sequence)")
            if row["prev_hash"] != expected_prev:
                return ChainReport(checked, row["sequence"], "link to the previous entry is broken")
            if compute_hash(row) != row["entry_hash"]:
                return ChainReport(checked, row["sequence"], "content does not match its hash")
            expected_prev = row["entry_hash"]
            expected_sequence += 1
            checked += 1
    return ChainReport(checked, None, "")
