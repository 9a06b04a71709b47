"""Who edits and approves a municipality's public page: its coordinators write, its managers
approve. Reading the published page needs nothing."""

from __future__ import annotations

from fridsam.core.policies import CHANGE, VIEW, PermissionPolicy
from fridsam.core.roles import Role
from fridsam.organisations.models import Municipality

APPROVE = "approve"


class PublicPagePolicy(PermissionPolicy):
    """Actions on the page of a municipality (``obj`` is the municipality)."""

    model = Municipality
    actions = (VIEW, CHANGE, APPROVE)

    def can(self, tenancy, action, obj=None):
        roles = {VIEW: (Role.COORDINATOR, Role.MANAGER), CHANGE: (Role.COORDINATOR,), APPROVE: (Role.MANAGER,)}
        if action not in roles:
            return False
        if obj is None:
            return tenancy.has_role(*roles[action])
        return tenancy.has_role(*roles[action], municipality=obj)


public_page_policy = PublicPagePolicy()
