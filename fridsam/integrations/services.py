"""Writes of the integrations: creating and revoking credentials (a manager or a county analyst,
in the UI), each in one transaction with its access-log row."""

from __future__ import annotations

import hashlib
import secrets

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from fridsam.core.audit import log_access
from fridsam.core.models import AccessAction
from fridsam.integrations.models import IntegrationCredential, Permission

PREFIX = "fsk"


def secret_hash(secret: str) -> str:
    """SHA-256 of the secret: 256 random bits cannot be guessed, so no slow hash is needed (ADR 0034)."""
    return hashlib.sha256(secret.encode()).hexdigest()


def credential_create(*, name, municipality=None, unit=None, county=None, permissions, expires_on, user):
    """A new credential and its token, ``fsk_<key id>_<secret>``: the only time the secret is seen."""
    permissions = sorted(set(permissions))
    errors = {}
    if not permissions or not set(permissions) <= set(Permission.values):
        errors["permissions"] = _("Choose what the credential may do.")
    if county is not None and Permission.PUSH_FOLLOWUP in permissions:
        errors["permissions"] = _("A county's credential can only read statistics.")
    if (municipality is None) == (county is None):
        raise ValueError("a credential is a municipality's or a county's")
    if municipality is not None and (unit is None or unit.municipality_id != municipality.pk):
        errors["unit"] = _("Choose a unit of the municipality.")
    if expires_on is not None and expires_on < timezone.localdate():
        errors["expires_on"] = _("The date cannot be in the past.")
    if errors:
        raise ValidationError(errors)
    key_id = secrets.token_hex(6)
    secret = secrets.token_urlsafe(32)
    credential = IntegrationCredential(
        name=(name or "").strip(),
        municipality=municipality,
        unit=unit,
        county=county,
        permissions=permissions,
        key_id=key_id,
        secret_hash=secret_hash(secret),
        expires_on=expires_on,
        created_by=user,
    )
    credential.full_clean(exclude=["municipality", "unit", "county", "created_by", "revoked_by"])
    with transaction.atomic():
        credential.save()
        log_access(
            action=AccessAction.CREATE,
            object_type=credential,
            user=user,
            municipality=municipality,
            county=county,
            detail=",".join(permissions),
        )
    return credential, f"{PREFIX}_{key_id}_{secret}"


def credential_revoke(*, credential: IntegrationCredential, user) -> IntegrationCredential:
    with transaction.atomic():
        current = IntegrationCredential.objects.select_for_update().get(pk=credential.pk)
        if current.revoked_at is not None:
            raise ValidationError(_("The credential is already revoked."))
        current.revoked_at = timezone.now()
        current.revoked_by = user
        current.save(update_fields=["revoked_at", "revoked_by"])
        log_access(
            action=AccessAction.CHANGE,
            object_type=current,
            user=user,
            municipality=current.municipality,
            county=current.county,
            detail="revoked",
        )
    return current


def revoke_when_staff_leave(*, municipality, leaver, acting_user, **kwargs) -> int:
    """``accounts.signals.staff_left``: the integration credentials the person made for the
    municipality stop working with their last day there (the manager makes new ones)."""
    revoked = 0
    for credential in IntegrationCredential.objects.filter(
        municipality=municipality, created_by=leaver, revoked_at__isnull=True
    ):
        credential_revoke(credential=credential, user=acting_user)
        revoked += 1
    return revoked
