from django.http import Http404
from django.shortcuts import get_object_or_404

from fridsam.core.policies import ADD, CHANGE, VIEW, PermissionPolicy
from fridsam.core.roles import MUNICIPAL_ROLES, Role
from fridsam.organisations.models import County, Municipality, PartnerOrganisation, Unit


class MunicipalityPolicy(PermissionPolicy):
    """The organisation overview of a municipality: its own staff, its county, administrators."""

    model = Municipality
    actions = (VIEW,)

    def base_queryset(self):
        return Municipality.objects.select_related("county")

    def can(self, tenancy, action, obj=None):
        if action != VIEW or not (tenancy.roles & {Role.COUNTY_ANALYST, Role.ADMINISTRATOR, *MUNICIPAL_ROLES}):
            return False
        return obj is None or tenancy.can_see_municipality(obj)

    def visible(self, tenancy, action=VIEW):
        qs = self.base_queryset()
        if not self.can(tenancy, action):
            return qs.none()
        ids = tenancy.scope.municipality
        return qs if tenancy.is_administrator else qs.filter(pk__in=sorted(ids))


class UnitPolicy(PermissionPolicy):
    model = Unit

    def can(self, tenancy, action, obj=None):
        if action == VIEW:
            return bool(tenancy.roles & {Role.COUNTY_ANALYST, Role.ADMINISTRATOR, *MUNICIPAL_ROLES})
        if action in (ADD, CHANGE):
            if tenancy.is_administrator:
                return True
            municipality_id = obj.municipality_id if isinstance(obj, Unit) else getattr(obj, "pk", None)
            return tenancy.has_role(Role.MANAGER, municipality=municipality_id)
        return False


class PartnerOrganisationPolicy(PermissionPolicy):
    model = PartnerOrganisation

    def base_queryset(self):
        return PartnerOrganisation.objects.select_related("county").prefetch_related("municipalities")

    def can(self, tenancy, action, obj=None):
        if action == VIEW:
            return bool(tenancy.roles & {Role.COUNTY_ANALYST, Role.PARTNER, Role.ADMINISTRATOR, *MUNICIPAL_ROLES})
        if action == CHANGE:
            if tenancy.is_administrator:
                return True
            # Partners keep their own organisation's entry up to date.
            return obj is not None and any(
                m.role == Role.PARTNER and m.partner_organisation_id == obj.pk for m in tenancy.memberships
            )
        if action == ADD:
            return tenancy.is_administrator
        return False


class CountyPolicy(PermissionPolicy):
    """A county's overview (the health-check matrix): its county analysts and administrators.
    Anyone else is told the county does not exist."""

    model = County
    actions = (VIEW,)

    def can(self, tenancy, action, obj=None):
        return action == VIEW and (tenancy.is_administrator or self.is_analyst_of(tenancy, obj))

    @staticmethod
    def is_analyst_of(tenancy, county) -> bool:
        """A county analyst of *county* (a County or its id; None: of any county)."""
        county_id = getattr(county, "pk", county)
        return any(
            m.role == Role.COUNTY_ANALYST and (county_id is None or m.county_id == county_id)
            for m in tenancy.memberships
        )

    def get_or_404(self, tenancy, action=VIEW, queryset=None, **lookup):
        county = get_object_or_404(queryset if queryset is not None else County.objects.all(), **lookup)
        if not self.can(tenancy, action, county):
            raise Http404
        return county


county_policy = CountyPolicy()
municipality_policy = MunicipalityPolicy()
unit_policy = UnitPolicy()
partner_policy = PartnerOrganisationPolicy()


def municipality_for(tenancy, code: str, policy: PermissionPolicy, action: str = VIEW) -> Municipality:
    """The municipality a URL names, for a domain's view: 404 when it lies outside the user's
    scope (the scoped manager does not find it), 403 when ``policy`` does not allow ``action``
    there. Every view that takes a ``municipality_code`` starts with this."""
    municipality = get_object_or_404(Municipality.objects.select_related("county"), code=code)
    policy.check(tenancy, action, municipality)
    return municipality
