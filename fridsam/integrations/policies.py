"""Who manages integration credentials: a municipality's managers its credentials, a county's
analysts the county's. Nobody else sees them (not even the municipality's other staff)."""

from __future__ import annotations

from django.db.models import Q

from fridsam.core.policies import ADD, CHANGE, VIEW, PermissionPolicy
from fridsam.core.roles import Role
from fridsam.integrations.models import IntegrationCredential


class CredentialPolicy(PermissionPolicy):
    model = IntegrationCredential
    actions = (VIEW, ADD, CHANGE)

    def base_queryset(self):
        return IntegrationCredential.objects.select_related("municipality", "unit", "county", "created_by")

    @staticmethod
    def municipality_ids(tenancy) -> set[int]:
        return {m.municipality_id for m in tenancy.memberships if m.role == Role.MANAGER}

    @staticmethod
    def county_ids(tenancy) -> set[int]:
        return {m.county_id for m in tenancy.memberships if m.role == Role.COUNTY_ANALYST}

    def can(self, tenancy, action, obj=None):
        if obj is None:
            return bool(self.municipality_ids(tenancy) or self.county_ids(tenancy))
        if isinstance(obj, IntegrationCredential):
            if obj.municipality_id:
                return obj.municipality_id in self.municipality_ids(tenancy)
            return obj.county_id in self.county_ids(tenancy)
        # ADD for a municipality or a county
        if getattr(obj, "_meta", None) and obj._meta.model_name == "county":
            return obj.pk in self.county_ids(tenancy)
        return obj.pk in self.municipality_ids(tenancy)

    def visible(self, tenancy, action=VIEW):
        q = Q(municipality_id__in=sorted(self.municipality_ids(tenancy))) | Q(
            county_id__in=sorted(self.county_ids(tenancy))
        )
        return self.base_queryset().filter(q)


credential_policy = CredentialPolicy()
