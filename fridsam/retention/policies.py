"""Who manages retention: a municipality's archivists and managers, for their own municipality
(its rules, holds, previews and sign-offs); the installation's run (the access log, one chain for
every municipality) is signed by an administrator. Nobody here sees content: counts and rules."""

from __future__ import annotations

from fridsam.core.policies import CHANGE, VIEW, PermissionPolicy
from fridsam.core.roles import Role
from fridsam.retention.models import CullingRun

RETENTION_ROLES = (Role.ARCHIVIST, Role.MANAGER)


class RetentionPolicy(PermissionPolicy):
    """On a municipality: may the user see (VIEW) and manage (CHANGE) its retention?"""

    model = CullingRun
    actions = (VIEW, CHANGE)

    def can(self, tenancy, action, obj=None) -> bool:
        if obj is None:
            return bool(tenancy.municipalities_with_role(*RETENTION_ROLES))
        return tenancy.has_role(*RETENTION_ROLES, municipality=obj)


class InstallationRunPolicy(PermissionPolicy):
    model = CullingRun
    actions = (VIEW, CHANGE)

    def can(self, tenancy, action, obj=None) -> bool:
        return tenancy.is_administrator


class LeavingPolicy(PermissionPolicy):
    """On a municipality: may the user hand over the work of staff who leave? Its managers."""

    model = CullingRun
    actions = (CHANGE,)

    def can(self, tenancy, action, obj=None) -> bool:
        if obj is None:
            return bool(tenancy.municipalities_with_role(Role.MANAGER))
        return tenancy.has_role(Role.MANAGER, municipality=obj)


retention_policy = RetentionPolicy()
leaving_policy = LeavingPolicy()
installation_policy = InstallationRunPolicy()
