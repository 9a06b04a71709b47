"""Who may see and change statistics.

A municipality's figures: its own staff see them exactly; the county analysts of its county see
them through the suppression. Entering and importing: the municipality's coordinators and
managers, and the county analysts (who gather the county's figures). Administrators manage the
indicator catalogue in the admin site, not the figures. Partners see no statistics.
"""

from fridsam.accounts.models import MUNICIPAL_ROLES, Role
from fridsam.core.policies import ADD, CHANGE, VIEW, PermissionPolicy
from fridsam.organisations.models import County, Municipality
from fridsam.statistics.models import IndicatorValue

VIEW_COUNTY = "view_county"


def _analyst_of(tenancy, county_id) -> bool:
    return any(m.role == Role.COUNTY_ANALYST and m.county_id == county_id for m in tenancy.memberships)


class StatisticsPolicy(PermissionPolicy):
    """``obj`` is a municipality (VIEW, CHANGE, ADD an observation) or a county (VIEW_COUNTY)."""

    model = IndicatorValue
    actions = (VIEW, CHANGE, ADD, VIEW_COUNTY)

    def can(self, tenancy, action, obj=None):
        if action == VIEW_COUNTY:
            return isinstance(obj, County) and _analyst_of(tenancy, obj.pk)
        if not isinstance(obj, Municipality):
            return action == VIEW and bool(tenancy.roles & {Role.COUNTY_ANALYST, *MUNICIPAL_ROLES})
        if _analyst_of(tenancy, obj.county_id):
            return True
        if action == VIEW:
            return tenancy.has_role(*MUNICIPAL_ROLES, municipality=obj)
        return tenancy.has_role(Role.COORDINATOR, Role.MANAGER, municipality=obj)


statistics_policy = StatisticsPolicy()
