"""Who may do what with competence data.

* The catalogue is shared within the county: everyone with a role in the county reads it;
  coordinators and county analysts keep the county-wide courses, a municipality's coordinators and
  managers its own courses.
* A municipality's plan: its staff and the county analysts read it; its coordinators and managers
  write drafts; a manager approves.
* Coverage and gap reports (aggregates of people): the municipality's coordinators and managers and
  the county analysts. A staff member's own training and checklist: the person, and the
  coordinators and managers of the municipality, who may also record training for them.
* Events: coordinators curate them for their municipalities, county analysts county-wide; staff
  of the county see those that concern them.
"""

from __future__ import annotations

from django.db.models import Q

from fridsam.competence.models import CompetencePlan, Course, Event
from fridsam.core.policies import ADD, CHANGE, VIEW, PermissionPolicy
from fridsam.core.roles import MUNICIPAL_ROLES, Role

APPROVE = "approve"
OVERSEE = "oversee"
RECORD = "record"


def _municipalities(tenancy, *roles) -> set[int]:
    return {m.municipality_id for m in tenancy.memberships if m.role in roles and m.municipality_id}


def _counties(tenancy, *roles) -> set[int]:
    return {m.county_id for m in tenancy.memberships if m.role in roles and m.county_id}


class CoursePolicy(PermissionPolicy):
    model = Course
    actions = (VIEW, ADD, CHANGE)

    def can(self, tenancy, action, obj=None):
        if action == VIEW:
            return tenancy.has_role(*MUNICIPAL_ROLES, Role.COUNTY_ANALYST)
        if action in (ADD, CHANGE):
            if obj is None:
                return tenancy.has_role(Role.COORDINATOR, Role.MANAGER, Role.COUNTY_ANALYST)
            municipality_id = getattr(obj, "municipality_id", None)
            if municipality_id:
                return municipality_id in _municipalities(tenancy, Role.COORDINATOR, Role.MANAGER)
            return obj.county_id in _counties(tenancy, Role.COORDINATOR, Role.COUNTY_ANALYST)
        return False

    def visible(self, tenancy, action=VIEW):
        if not self.can(tenancy, VIEW):
            return Course.objects.none()
        return Course.objects.select_related("municipality")  # the county scope limits to the user's county


class CompetencePolicy(PermissionPolicy):
    """Actions on a municipality's competence work; *obj* is the municipality (or a plan)."""

    model = CompetencePlan
    actions = (VIEW, CHANGE, APPROVE, OVERSEE, RECORD)

    def can(self, tenancy, action, obj=None):
        municipality_id = getattr(obj, "municipality_id", None) or getattr(obj, "pk", None)
        if action == VIEW:
            if obj is None:
                return tenancy.has_role(*MUNICIPAL_ROLES, Role.COUNTY_ANALYST)
            return municipality_id in _municipalities(tenancy, *MUNICIPAL_ROLES) or self._analyst(tenancy, obj)
        if action == OVERSEE:
            if obj is None:
                return tenancy.has_role(Role.COORDINATOR, Role.MANAGER, Role.COUNTY_ANALYST)
            return municipality_id in _municipalities(tenancy, Role.COORDINATOR, Role.MANAGER) or self._analyst(
                tenancy, obj
            )
        roles = {CHANGE: (Role.COORDINATOR, Role.MANAGER), RECORD: (Role.COORDINATOR, Role.MANAGER)}.get(
            action, (Role.MANAGER,)
        )
        ids = _municipalities(tenancy, *roles)
        return bool(ids) if obj is None else municipality_id in ids

    def _analyst(self, tenancy, obj) -> bool:
        municipality = getattr(obj, "municipality", obj)
        return tenancy.can_see_municipality(municipality) and municipality.county_id in _counties(
            tenancy, Role.COUNTY_ANALYST
        )


class EventPolicy(PermissionPolicy):
    model = Event
    actions = (VIEW, ADD, CHANGE)

    def can(self, tenancy, action, obj=None):
        if action == VIEW:
            return tenancy.has_role(*MUNICIPAL_ROLES, Role.COUNTY_ANALYST)
        if obj is None:
            return tenancy.has_role(Role.COORDINATOR, Role.COUNTY_ANALYST)
        municipality_id = getattr(obj, "municipality_id", None)
        if municipality_id:
            return municipality_id in _municipalities(tenancy, Role.COORDINATOR)
        return obj.county_id in _counties(tenancy, Role.COORDINATOR, Role.COUNTY_ANALYST)

    def visible(self, tenancy, action=VIEW):
        if not self.can(tenancy, VIEW):
            return Event.objects.none()
        own = _municipalities(tenancy, *MUNICIPAL_ROLES)

        qs = Event.objects.select_related("municipality", "course")
        if tenancy.has_role(Role.COUNTY_ANALYST):
            return qs
        return qs.filter(Q(municipality__isnull=True) | Q(municipality_id__in=sorted(own)))


course_policy = CoursePolicy()
competence_policy = CompetencePolicy()
event_policy = EventPolicy()
