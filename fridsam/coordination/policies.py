"""Who may change the coordinator function of a municipality.

Managers own the set-up (posts, shares, the team) and approve role descriptions; the coordinator
keeps their own role description, absences and questionnaire up to date; administrators may do
everything. Everybody who may see the municipality's organisation may read it.
"""

from fridsam.coordination.models import CoordinatorPost
from fridsam.core.policies import CHANGE, VIEW, PermissionPolicy
from fridsam.core.roles import Role

APPROVE = "approve"
CHANGE_OWN = "change_own"


class CoordinationPolicy(PermissionPolicy):
    """Actions on a municipality's coordinator function. ``obj`` is the municipality, or a post."""

    model = CoordinatorPost
    actions = (VIEW, CHANGE, CHANGE_OWN, APPROVE)

    def can(self, tenancy, action, obj=None):
        if tenancy.is_administrator:
            return action != APPROVE or obj is not None
        post = obj if isinstance(obj, CoordinatorPost) else None
        municipality_ids = (
            {a.municipality_id for a in post.assignments.all()}
            if post is not None
            else {getattr(obj, "pk", obj)}
            if obj is not None
            else set()
        )
        manager = any(tenancy.has_role(Role.MANAGER, municipality=m) for m in municipality_ids)
        if action == VIEW:
            return any(tenancy.can_see_municipality(m) for m in municipality_ids)
        if action == CHANGE:
            return manager
        if action == CHANGE_OWN:
            return manager or (post is not None and post.coordinator_id == tenancy.user.pk)
        if action == APPROVE:
            return manager and (post is None or post.coordinator_id != tenancy.user.pk)
        return False


coordination_policy = CoordinationPolicy()
