"""A machine client's call: its credential found by the token, its scope, its actor, its rate.

``Authorization: Bearer fsk_<key id>_<secret>``. The credential is looked up by its public key
id (the one read past the tenant scope, before a scope exists: counted in the tenancy guards'
allow-list), its secret compared with the stored hash in constant time, its revocation and expiry
checked. The call then runs inside the credential's :class:`~fridsam.core.tenancy.Scope` and as
its :class:`~fridsam.core.actor.Actor` (ADR 0034): a municipality's credential sees that
municipality at organisation and case level, a county's credential the county's municipalities at
organisation level only, never a record. Calls are counted per credential and minute in the cache.
"""

from __future__ import annotations

import hmac
import time
from contextlib import contextmanager

from django.conf import settings
from django.core.cache import cache
from django.utils import timezone

from fridsam.core.actor import Actor, acting, client_ip
from fridsam.core.tenancy import Scope, tenant_scope
from fridsam.integrations.models import IntegrationCredential
from fridsam.integrations.services import PREFIX, secret_hash
from fridsam.organisations.models import Municipality


def credential_for_token(token: str) -> IntegrationCredential | None:
    """The active credential the token belongs to, or None."""
    parts = (token or "").strip().split("_", 2)
    if len(parts) != 3 or parts[0] != PREFIX or not parts[1] or not parts[2]:
        return None
    credential = (
        IntegrationCredential.system_objects.select_related("municipality__county", "unit", "county")
        .filter(key_id=parts[1])
        .first()
    )
    if credential is None or not hmac.compare_digest(credential.secret_hash, secret_hash(parts[2])):
        return None
    if not credential.is_active():
        return None
    return credential


def scope_of(credential: IntegrationCredential) -> Scope:
    if credential.municipality_id:
        own = frozenset({credential.municipality_id})
        return Scope(
            municipality=own,
            case_municipality=own,
            county=frozenset({credential.municipality.county_id}),
            label="integration",
        )
    ids = frozenset(Municipality.objects.filter(county_id=credential.county_id).values_list("id", flat=True))
    return Scope(municipality=ids, county=frozenset({credential.county_id}), label="integration")


@contextmanager
def as_credential(credential: IntegrationCredential, request=None):
    """Run the block in the credential's scope and as its actor."""
    with tenant_scope(scope_of(credential)), acting(Actor(ip_address=client_ip(request), credential=credential)):
        yield


def rate_limited(credential: IntegrationCredential) -> int:
    """0 if the call may go ahead; otherwise the seconds until the next minute, when it may.

    At most ``FRIDSAM_API_RATE_LIMIT`` calls per credential and minute (the cache is shared by
    the workers: the database cache in production)."""
    limit = settings.FRIDSAM_API_RATE_LIMIT
    now = time.time()
    window = int(now // 60)
    key = f"fridsam:api:rate:{credential.pk}:{window}"
    if cache.add(key, 1, timeout=120):
        count = 1
    else:
        try:
            count = cache.incr(key)
        except ValueError:  # expired between add and incr
            cache.add(key, 1, timeout=120)
            count = 1
    if count > limit:
        return max(1, int(60 - now % 60))
    return 0


def touch(credential: IntegrationCredential) -> None:
    """Note when the credential was last used (at most once a minute, one UPDATE)."""
    now = timezone.now()
    if credential.last_used_at is None or (now - credential.last_used_at).total_seconds() > 60:
        IntegrationCredential.system_objects.filter(pk=credential.pk).update(last_used_at=now)
        credential.last_used_at = now
