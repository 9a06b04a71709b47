"""Who may do what in the log review.

The plan and its routine: read by every member of the municipality's staff (it is what they are
told about the review of their reads); changed by its managers and the installation's
administrators. Reviews: the municipality's managers, each marking the reads of their own unit
(a manager without a unit: every unit, and the readers without one); any of its managers signs.
The county never sees a review, nor one municipality another's: the reviews are case-level data.
"""

from __future__ import annotations

from fridsam.core.policies import CHANGE, VIEW, PermissionPolicy
from fridsam.core.roles import MUNICIPAL_ROLES, Role
from fridsam.logreview.models import Review, ReviewItem, ReviewPlan

DRAW = "draw"
MARK = "mark"
SIGN = "sign"


def _municipality_id(obj):
    if obj is None:
        return None
    return obj.pk if hasattr(obj, "code") else obj.municipality_id


def _managed(tenancy) -> set[int]:
    return {m.municipality_id for m in tenancy.memberships if m.role == Role.MANAGER and m.municipality_id}


class ReviewPlanPolicy(PermissionPolicy):
    """``obj`` is the municipality (a plan may not exist yet: the default applies)."""

    model = ReviewPlan
    actions = (VIEW, CHANGE)

    def can(self, tenancy, action, obj=None):
        municipality_id = _municipality_id(obj)
        if action == VIEW:
            staff = {m.municipality_id for m in tenancy.memberships if m.role in MUNICIPAL_ROLES}
            return tenancy.is_administrator or (municipality_id in staff if obj is not None else bool(staff))
        if action == CHANGE:
            managed = _managed(tenancy)
            return tenancy.is_administrator or (municipality_id in managed if obj is not None else bool(managed))
        return False


class ReviewPolicy(PermissionPolicy):
    model = Review
    actions = (VIEW, DRAW, SIGN)

    def base_queryset(self):
        return Review.objects.select_related("municipality", "signed_by", "drawn_by")

    def can(self, tenancy, action, obj=None):
        if action not in self.actions:
            return False
        managed = _managed(tenancy)
        return bool(managed) if obj is None else _municipality_id(obj) in managed

    def visible(self, tenancy, action=VIEW):
        return self.base_queryset().filter(municipality_id__in=sorted(_managed(tenancy)))


class ReviewItemPolicy(PermissionPolicy):
    model = ReviewItem
    actions = (VIEW, MARK)

    def can(self, tenancy, action, obj=None):
        if action == VIEW:
            return review_policy.can(tenancy, VIEW, obj)
        if action == MARK:
            if obj is None:
                return bool(_managed(tenancy))
            return any(
                m.role == Role.MANAGER
                and m.municipality_id == obj.municipality_id
                and (m.unit_id is None or obj.unit_id is None or m.unit_id == obj.unit_id)
                for m in tenancy.memberships
            )
        return False

    def visible(self, tenancy, action=VIEW):
        return ReviewItem.objects.filter(municipality_id__in=sorted(_managed(tenancy)))


plan_policy = ReviewPlanPolicy()
review_policy = ReviewPolicy()
item_policy = ReviewItemPolicy()
