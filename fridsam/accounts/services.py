"""Writes about users and memberships. Atomic, validated, written to the access log."""

from __future__ import annotations

import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from fridsam.accounts.models import Membership, User
from fridsam.accounts.signals import membership_granted
from fridsam.core.audit import log_access
from fridsam.core.models import AccessAction
from fridsam.core.roles import MUNICIPAL_ROLES, Role
from fridsam.organisations.models import County, Municipality, NationalOrganisation, PartnerOrganisation, Unit


def user_create(
    *,
    username: str,
    first_name: str,
    last_name: str,
    email: str = "",
    phone: str = "",
    password: str | None = None,
    acting_user: User | None = None,
) -> User:
    with transaction.atomic():
        user = User(username=username, first_name=first_name, last_name=last_name, email=email, phone=phone)
        if password:
            user.set_password(password)
        else:
            user.set_unusable_password()
        user.full_clean()
        user.save()
        log_access(action=AccessAction.CREATE, object_type=user, user=acting_user, detail="user account")
    return user


def membership_county(
    *, role: str, municipality=None, unit=None, county=None, partner_organisation=None, national_organisation=None
) -> County | None:
    """Check that the organisation suits the role; return the county the membership belongs to."""
    if role != Role.NATIONAL_ANALYST and national_organisation is not None:
        raise ValidationError({"national_organisation": _("Only national analysts belong to a national actor.")})
    if role in MUNICIPAL_ROLES:
        if municipality is None:
            raise ValidationError({"municipality": _("This role needs a municipality.")})
        if unit is not None and unit.municipality_id != municipality.pk:
            raise ValidationError({"unit": _("The unit does not belong to the municipality.")})
        county = municipality.county
    elif role == Role.COUNTY_ANALYST:
        if county is None:
            raise ValidationError({"county": _("This role needs a county.")})
    elif role == Role.PARTNER:
        if partner_organisation is None:
            raise ValidationError({"partner_organisation": _("This role needs a partner organisation.")})
        county = partner_organisation.county
    elif role == Role.ADMINISTRATOR:
        county = None
    elif role == Role.ARCHIVIST:
        if municipality is None:
            raise ValidationError({"municipality": _("This role needs a municipality.")})
        if unit is not None:
            raise ValidationError({"unit": _("An archivist belongs to the municipality, not to a unit.")})
        return municipality.county
    elif role == Role.NATIONAL_ANALYST:
        # A national actor's analyst belongs to no county, municipality or partner (ADR 0042).
        if national_organisation is None:
            raise ValidationError({"national_organisation": _("This role needs a national actor.")})
        if county is not None:
            raise ValidationError({"county": _("A national analyst belongs to no county.")})
        county = None
    else:
        raise ValidationError({"role": _("Unknown role.")})
    if role not in MUNICIPAL_ROLES and (municipality is not None or unit is not None):
        raise ValidationError({"municipality": _("This role does not belong to a municipality.")})
    if role != Role.PARTNER and partner_organisation is not None:
        raise ValidationError({"partner_organisation": _("Only partners belong to a partner organisation.")})
    return county


def membership_grant(
    *,
    user: User,
    role: str,
    municipality: Municipality | None = None,
    unit: Unit | None = None,
    county: County | None = None,
    partner_organisation: PartnerOrganisation | None = None,
    national_organisation: NationalOrganisation | None = None,
    title: str = "",
    valid_from: datetime.date | None = None,
    acting_user: User | None = None,
) -> Membership:
    """Give *user* a role in an organisation; the organisation must suit the role."""
    county = membership_county(
        role=role,
        municipality=municipality,
        unit=unit,
        county=county,
        partner_organisation=partner_organisation,
        national_organisation=national_organisation,
    )
    membership = Membership(
        user=user,
        role=role,
        county=county,
        municipality=municipality,
        unit=unit,
        partner_organisation=partner_organisation,
        national_organisation=national_organisation,
        title=title,
    )
    if valid_from is not None:
        membership.valid_from = valid_from
    membership.full_clean()
    with transaction.atomic():
        membership.save()
        log_access(
            action=AccessAction.CREATE,
            object_type=membership,
            user=acting_user,
            municipality=municipality,
            county=county,
            detail=f"role={role}; user={user.pk}",
        )
        membership_granted.send(sender=Membership, membership=membership)
    return membership


def membership_end(
    *, membership: Membership, valid_until: datetime.date, acting_user: User | None = None
) -> Membership:
    if valid_until < membership.valid_from:
        raise ValidationError(_("A membership cannot end before it starts."))
    with transaction.atomic():
        membership.valid_until = valid_until
        membership.save(update_fields=["valid_until"])
        log_access(
            action=AccessAction.CHANGE,
            object_type=membership,
            user=acting_user,
            municipality=membership.municipality,
            county=membership.county,
            detail="valid_until",
        )
    return membership
