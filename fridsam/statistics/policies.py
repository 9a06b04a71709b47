"""Who may see and change statistics.

A municipality's figures: its own staff see them exactly; the county analysts of its county see
them through the suppression. Entering and importing (CHANGE), and the foreword of the
municipality's yearly report: only the municipality's coordinators and managers, who see its
figures exactly. A form or a check shows and compares stored figures, so whoever may change them
must be allowed to see them exactly (ADR 0017). The county analysts add observations (ADD) and
write the county report. Administrators manage the indicator catalogue in the admin site, not the
figures. Partners see no statistics.
"""

from django.http import Http404
from django.shortcuts import get_object_or_404

from fridsam.core.policies import ADD, CHANGE, VIEW, PermissionPolicy
from fridsam.core.roles import MUNICIPAL_ROLES, Role
from fridsam.organisations.models import County, Municipality
from fridsam.organisations.policies import county_policy
from fridsam.statistics.models import IndicatorValue

VIEW_COUNTY = "view_county"
VIEW_NATIONAL = "view_national"


class StatisticsPolicy(PermissionPolicy):
    """``obj`` is a municipality (VIEW, CHANGE, ADD an observation) or a county (VIEW_COUNTY).

    VIEW_NATIONAL: the effect estimate over every municipality (ADR 0028), an aggregate that shows no
    municipality's figure; the county analysts read it (there is no national role yet)."""

    model = IndicatorValue
    actions = (VIEW, CHANGE, ADD, VIEW_COUNTY, VIEW_NATIONAL)

    def can(self, tenancy, action, obj=None):
        if action == VIEW_NATIONAL:
            return Role.COUNTY_ANALYST in tenancy.roles
        if action == VIEW_COUNTY:
            return isinstance(obj, County) and county_policy.is_analyst_of(tenancy, obj)
        if not isinstance(obj, Municipality):
            return action == VIEW and bool(tenancy.roles & {Role.COUNTY_ANALYST, *MUNICIPAL_ROLES})
        if action in (VIEW, ADD) and county_policy.is_analyst_of(tenancy, obj.county_id):
            return True
        if action == VIEW:
            return tenancy.has_role(*MUNICIPAL_ROLES, municipality=obj)
        return tenancy.has_role(Role.COORDINATOR, Role.MANAGER, municipality=obj)


statistics_policy = StatisticsPolicy()


def county_or_404(tenancy, county_code: str) -> County:
    """The county whose statistics and report the user may see (its analysts), else 404."""
    county = tenancy.county_by_code(county_code) or get_object_or_404(County, code=county_code)
    if not statistics_policy.can(tenancy, VIEW_COUNTY, county):
        raise Http404
    return county
