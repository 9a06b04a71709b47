"""Who may see the health check.

A municipality's check and its history (VIEW): whoever may see the municipality's organisation —
its staff, the county analysts of its county, administrators (MunicipalityPolicy). A county's
matrix (VIEW_COUNTY): the county's analysts and administrators (CountyPolicy); anyone else is told
the county does not exist. The rules and their sources are for everyone who is logged in.
"""

from django.http import Http404
from django.shortcuts import get_object_or_404

from fridsam.core.policies import VIEW, PermissionPolicy
from fridsam.organisations.models import County, Municipality
from fridsam.organisations.policies import county_policy, municipality_policy

VIEW_COUNTY = "view_county"


class HealthCheckPolicy(PermissionPolicy):
    """``obj`` is a municipality (VIEW) or a county (VIEW_COUNTY)."""

    model = Municipality
    actions = (VIEW, VIEW_COUNTY)

    def can(self, tenancy, action, obj=None):
        if action == VIEW:
            return municipality_policy.can(tenancy, VIEW, obj)
        if action == VIEW_COUNTY:
            return county_policy.can(tenancy, VIEW, obj)
        return False

    def visible(self, tenancy, action=VIEW):
        """The municipalities whose check the user may see."""
        return municipality_policy.visible(tenancy) if action == VIEW else self.base_queryset().none()

    def county_or_404(self, tenancy, code: str) -> County:
        """The county of *code* if the user may see its matrix; 404 otherwise."""
        county = tenancy.county_by_code(code) or get_object_or_404(County, code=code)
        if not self.can(tenancy, VIEW_COUNTY, county):
            raise Http404
        return county


healthcheck_policy = HealthCheckPolicy()
