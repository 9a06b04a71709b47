"""Who sees and runs a collaboration group.

Sees: its members (staff or partner contacts); for an internal team or a local group, the staff
of its municipality; for a regional group, the coordinators and managers of the county's
municipalities and the county analysts. Creates: coordinators and managers (for their
municipality), coordinators and county analysts (regional). Runs it (records meetings, follows up
goals): the chair, the municipality's coordinators, for a regional group the county analysts.
"""

from __future__ import annotations

from django.db.models import Q

from fridsam.collaboration.models import Agreement, CollaborationGroup, GroupKind, PreventionAgreement, Referral
from fridsam.core.policies import ADD, CHANGE, VIEW, PermissionPolicy
from fridsam.core.roles import MUNICIPAL_ROLES, Role


def _municipalities(tenancy, *roles) -> set[int]:
    return {m.municipality_id for m in tenancy.memberships if m.role in roles and m.municipality_id}


def _counties(tenancy, *roles) -> set[int]:
    return {m.county_id for m in tenancy.memberships if m.role in roles and m.county_id}


class GroupPolicy(PermissionPolicy):
    model = CollaborationGroup
    actions = (VIEW, ADD, CHANGE)

    def base_queryset(self):
        return CollaborationGroup.objects.select_related("municipality", "county", "chair")

    def _reader_q(self, tenancy) -> Q:
        staff = sorted(_municipalities(tenancy, *MUNICIPAL_ROLES))
        regional = sorted(_counties(tenancy, Role.COORDINATOR, Role.MANAGER, Role.COUNTY_ANALYST))
        member_of = CollaborationGroup.system_objects.filter(
            members__user_id=tenancy.user.pk, members__active=True
        ).values("pk")
        return (
            Q(pk__in=member_of)
            | (~Q(kind=GroupKind.REGIONAL) & Q(municipality_id__in=staff))
            | Q(kind=GroupKind.REGIONAL, county_id__in=regional)
        )

    def can(self, tenancy, action, obj=None):
        if action == VIEW:
            if obj is None:
                # Collaboration is a county's affair: its members represent a municipality, a partner or
                # the county board. A national actor's analyst belongs to no county (ADR 0042).
                return tenancy.is_administrator or any(m.county_id for m in tenancy.memberships)
            return self.visible(tenancy).filter(pk=obj.pk).exists()
        if action == ADD:
            if obj is None:
                return tenancy.has_role(Role.COORDINATOR, Role.MANAGER, Role.COUNTY_ANALYST)
            kind, place = obj  # (kind, municipality or county)
            if kind == GroupKind.REGIONAL:
                return place.pk in _counties(tenancy, Role.COORDINATOR, Role.COUNTY_ANALYST)
            return place.pk in _municipalities(tenancy, Role.COORDINATOR, Role.MANAGER)
        if action == CHANGE:
            if obj is None:
                return False
            if obj.chair_id == tenancy.user.pk:
                return True
            if obj.kind == GroupKind.REGIONAL:
                return obj.county_id in _counties(tenancy, Role.COUNTY_ANALYST)
            return obj.municipality_id in _municipalities(tenancy, Role.COORDINATOR)
        return False

    def visible(self, tenancy, action=VIEW):
        if not tenancy.memberships:
            return self.base_queryset().none()
        return self.base_queryset().filter(self._reader_q(tenancy))

    @staticmethod
    def municipalities_to_add(tenancy) -> list:
        """The municipalities where the user creates local groups (coordinators, managers)."""
        return tenancy.municipalities_with_role(Role.COORDINATOR, Role.MANAGER)

    @staticmethod
    def county_ids_to_add(tenancy) -> set[int]:
        """The counties where the user creates regional groups (coordinators, county analysts)."""
        return _counties(tenancy, Role.COORDINATOR, Role.COUNTY_ANALYST)


group_policy = GroupPolicy()


def own_municipalities(tenancy) -> list:
    """The municipalities the user works in (coordinator, manager, social worker): a form of
    agreements, referrals or prevention work that names no municipality is about the only one."""
    return tenancy.municipalities_with_role(*MUNICIPAL_ROLES)


RECEIVE = "receive"


class MunicipalRecordPolicy(PermissionPolicy):
    """Agreements and prevention work of a municipality: its staff and the county analysts read;
    its coordinators and managers register and change."""

    actions = (VIEW, ADD, CHANGE)

    def __init__(self, model):
        self.model = model

    def base_queryset(self):
        return self.model.objects.select_related("municipality")

    def can(self, tenancy, action, obj=None):
        municipality_id = getattr(obj, "municipality_id", getattr(obj, "pk", None)) if obj is not None else None
        if action == VIEW:
            if obj is None:
                return tenancy.has_role(*MUNICIPAL_ROLES, Role.COUNTY_ANALYST)
            return municipality_id in _municipalities(tenancy, *MUNICIPAL_ROLES) or (
                tenancy.can_see_municipality(municipality_id) and tenancy.has_role(Role.COUNTY_ANALYST)
            )
        if action in (ADD, CHANGE):
            ids = _municipalities(tenancy, Role.COORDINATOR, Role.MANAGER)
            return bool(ids) if obj is None else municipality_id in ids
        return False

    def visible(self, tenancy, action=VIEW):
        if not self.can(tenancy, VIEW):
            return self.base_queryset().none()
        return self.base_queryset()  # the municipality scope already limits to the user's municipalities


class ReferralPolicy(PermissionPolicy):
    """Referrals: the municipality's staff (case-level scope, never the county) and the addressed
    partner, who marks them received. Social workers, coordinators and managers refer."""

    actions = (VIEW, ADD, RECEIVE)

    model = Referral

    def base_queryset(self):
        return self.model.objects.select_related("municipality", "unit", "partner_organisation")

    def _partners(self, tenancy) -> set[int]:
        return {m.partner_organisation_id for m in tenancy.memberships if m.role == Role.PARTNER}

    def can(self, tenancy, action, obj=None):
        staff = _municipalities(tenancy, *MUNICIPAL_ROLES)
        if action == VIEW:
            if obj is None:
                return bool(staff or self._partners(tenancy))
            return obj.municipality_id in staff or obj.partner_organisation_id in self._partners(tenancy)
        if action == ADD:
            return bool(staff) if obj is None else getattr(obj, "pk", obj) in staff
        if action == RECEIVE:
            return obj is not None and obj.partner_organisation_id in self._partners(tenancy)
        return False

    def visible(self, tenancy, action=VIEW):
        return self.base_queryset().filter(
            Q(municipality_id__in=sorted(_municipalities(tenancy, *MUNICIPAL_ROLES)))
            | Q(partner_organisation_id__in=sorted(self._partners(tenancy)))
        )


agreement_policy = MunicipalRecordPolicy(Agreement)
prevention_policy = MunicipalRecordPolicy(PreventionAgreement)
referral_policy = ReferralPolicy()
