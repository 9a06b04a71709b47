"""Who may do what with routines and action plans.

A municipality's documents and action plans are read by its staff and the county analysts. Its
coordinators and managers (and a document's owner) write and submit versions; a manager approves a
version, confirms a review or archives a document. Every staff member confirms reading. Who has read
a document, and who has not yet, is seen by its municipality's coordinators and managers and by the
county analysts (OVERSEE).
"""

from __future__ import annotations

from fridsam.core.policies import ADD, CHANGE, VIEW, PermissionPolicy
from fridsam.core.roles import MUNICIPAL_ROLES, Role
from fridsam.routines.models import ActionPlan, Document, DocumentVersion, VersionStatus

APPROVE = "approve"
ACKNOWLEDGE = "acknowledge"
OVERSEE = "oversee"


def _municipalities(tenancy, *roles) -> set[int]:
    return {m.municipality_id for m in tenancy.memberships if m.role in roles and m.municipality_id}


class MunicipalDocumentPolicy(PermissionPolicy):
    actions = (VIEW, ADD, CHANGE, APPROVE, ACKNOWLEDGE, OVERSEE)

    def __init__(self, model):
        self.model = model

    def base_queryset(self):
        return self.model.objects.select_related("municipality")

    def can(self, tenancy, action, obj=None):
        municipality_id = getattr(obj, "municipality_id", None) if not hasattr(obj, "code") else obj.pk
        if action == VIEW:
            if obj is None:
                return tenancy.has_role(*MUNICIPAL_ROLES, Role.COUNTY_ANALYST)
            return municipality_id in _municipalities(tenancy, *MUNICIPAL_ROLES) or (
                tenancy.can_see_municipality(municipality_id) and tenancy.has_role(Role.COUNTY_ANALYST)
            )
        if action == ACKNOWLEDGE:
            ids = _municipalities(tenancy, *MUNICIPAL_ROLES)
            return bool(ids) if obj is None else municipality_id in ids
        if action in (ADD, CHANGE):
            if obj is not None and getattr(obj, "owner_id", None) == tenancy.user.pk:
                return municipality_id in _municipalities(tenancy, *MUNICIPAL_ROLES)
            ids = _municipalities(tenancy, Role.COORDINATOR, Role.MANAGER)
            return bool(ids) if obj is None else municipality_id in ids
        if action == APPROVE:
            ids = _municipalities(tenancy, Role.MANAGER)
            return bool(ids) if obj is None else municipality_id in ids
        if action == OVERSEE:
            if tenancy.has_role(Role.COUNTY_ANALYST):
                return True
            ids = _municipalities(tenancy, Role.COORDINATOR, Role.MANAGER)
            return bool(ids) if obj is None else municipality_id in ids
        return False

    def visible(self, tenancy, action=VIEW):
        if not self.can(tenancy, VIEW):
            return self.base_queryset().none()
        return self.base_queryset()  # the municipality scope limits to the user's municipalities


document_policy = MunicipalDocumentPolicy(Document)


def version_visible(tenancy, version: DocumentVersion) -> bool:
    """A version in force or superseded is read by whoever reads its document; a draft or a version
    in review only by those who may write or approve it. The version's pages and its attachments
    follow this one rule."""
    document = version.document
    if not document_policy.can(tenancy, VIEW, document):
        return False
    if version.status in (VersionStatus.DRAFT, VersionStatus.IN_REVIEW):
        return document_policy.can(tenancy, CHANGE, document) or document_policy.can(tenancy, APPROVE, document)
    return True


action_plan_policy = MunicipalDocumentPolicy(ActionPlan)
