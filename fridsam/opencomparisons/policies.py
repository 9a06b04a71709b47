"""Who answers the open comparisons survey for a municipality: its coordinators and managers, who
see its facts exactly (the evidence counts its cases). Nobody else sees the answers here; the
health check shows what it reads of them through its own policy."""

from __future__ import annotations

from fridsam.core.policies import CHANGE, VIEW, PermissionPolicy
from fridsam.core.roles import Role
from fridsam.opencomparisons.models import ConfirmedAnswer
from fridsam.organisations.models import Municipality


class OpenComparisonsPolicy(PermissionPolicy):
    """``obj`` is a municipality."""

    model = ConfirmedAnswer
    actions = (VIEW, CHANGE)

    def can(self, tenancy, action, obj=None):
        if action not in self.actions:
            return False
        if not isinstance(obj, Municipality):
            return tenancy.has_role(Role.COORDINATOR, Role.MANAGER)
        return tenancy.has_role(Role.COORDINATOR, Role.MANAGER, municipality=obj)


open_comparisons_policy = OpenComparisonsPolicy()
