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
* The knowledge self-assessment: answered by the staff, about the municipalities they work in;
  its results per unit are read by those who oversee the municipality.
"""

from __future__ import annotations

import datetime

from django.db.models import Q
from django.http import Http404
from django.shortcuts import get_object_or_404

from fridsam.accounts.models import Membership
from fridsam.competence.models import CompetencePlan, Course, Event, OnboardingItem, StepResponsible, TrainingRecord
from fridsam.competence.selectors import SELF_ASSESSMENT_KEY
from fridsam.core.policies import ADD, CHANGE, VIEW, PermissionPolicy
from fridsam.core.roles import MUNICIPAL_ROLES, Role
from fridsam.evaluation.policies import SurveyPolicy

APPROVE = "approve"
OVERSEE = "oversee"
RECORD = "record"
# Record for a person (obj: their membership, a training record or a step of their introduction):
# the person themselves, or whoever records training in the municipality.
RECORD_FOR = "record_for"


def _municipalities(tenancy, *roles) -> set[int]:
    return {m.municipality_id for m in tenancy.memberships if m.role in roles and m.municipality_id}


def _counties(tenancy, *roles) -> set[int]:
    return {m.county_id for m in tenancy.memberships if m.role in roles and m.county_id}


def staff_memberships(tenancy) -> list[Membership]:
    """The user's memberships in a role of the social services: what their own competence (plan,
    checklist, training, self-assessment) is about."""
    return [m for m in tenancy.memberships if m.role in MUNICIPAL_ROLES]


def _places(tenancy, municipal_roles, county_roles):
    """(municipalities by name, counties) where the user has one of the roles."""
    counties = {m.county_id: m.county for m in tenancy.memberships_with_role(*county_roles)}
    return tenancy.municipalities_with_role(*municipal_roles), list(counties.values())


class CoursePolicy(PermissionPolicy):
    model = Course
    actions = (VIEW, ADD, CHANGE)
    municipal_keepers = (Role.COORDINATOR, Role.MANAGER)  # keep a municipality's own courses
    county_keepers = (Role.COORDINATOR, Role.COUNTY_ANALYST)  # keep the county-wide courses

    def can(self, tenancy, action, obj=None):
        if action == VIEW:
            return tenancy.has_role(*MUNICIPAL_ROLES, Role.COUNTY_ANALYST)
        if action in (ADD, CHANGE):
            if obj is None:
                return tenancy.has_role(*self.municipal_keepers, *self.county_keepers)
            municipality_id = getattr(obj, "municipality_id", None)
            if municipality_id:
                return municipality_id in _municipalities(tenancy, *self.municipal_keepers)
            return obj.county_id in _counties(tenancy, *self.county_keepers)
        return False

    def visible(self, tenancy, action=VIEW):
        if not self.can(tenancy, VIEW):
            return Course.objects.none()
        return Course.objects.select_related("municipality")  # the county scope limits to the user's county

    def catalogue(self, tenancy):
        """The courses of the user's catalogue: the county-wide ones and their own
        municipalities'; a county analyst's has every municipality's courses too."""
        courses = self.visible(tenancy)
        if tenancy.has_role(Role.COUNTY_ANALYST):
            return courses
        own = {m.municipality_id for m in tenancy.memberships if m.municipality_id}
        return courses.filter(Q(municipality__isnull=True) | Q(municipality_id__in=sorted(own)))

    def places(self, tenancy):
        """Where the user adds courses: (the municipalities whose own courses they keep, the
        counties whose county-wide courses they keep)."""
        return _places(tenancy, self.municipal_keepers, self.county_keepers)


class CompetencePolicy(PermissionPolicy):
    """Actions on a municipality's competence work; *obj* is the municipality (or a plan), for
    RECORD_FOR a staff member's membership, training record or introduction step."""

    model = CompetencePlan
    actions = (VIEW, CHANGE, APPROVE, OVERSEE, RECORD, RECORD_FOR)
    overseers = (Role.COORDINATOR, Role.MANAGER)  # follow their municipality's staff

    def can(self, tenancy, action, obj=None):
        if action == RECORD_FOR:
            return self._own(tenancy, obj) or self.can(tenancy, RECORD, obj.municipality)
        municipality_id = getattr(obj, "municipality_id", None) or getattr(obj, "pk", None)
        if action == VIEW:
            if obj is None:
                return tenancy.has_role(*MUNICIPAL_ROLES, Role.COUNTY_ANALYST)
            return municipality_id in _municipalities(tenancy, *MUNICIPAL_ROLES) or self._analyst(tenancy, obj)
        if action == OVERSEE:
            if obj is None:
                return tenancy.has_role(Role.COORDINATOR, Role.MANAGER, Role.COUNTY_ANALYST)
            return municipality_id in _municipalities(tenancy, *self.overseers) or self._analyst(tenancy, obj)
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

    @staticmethod
    def _own(tenancy, obj) -> bool:
        """The person's own: their membership or training record, or a step of their
        introduction that is theirs to take."""
        user_id = getattr(tenancy.user, "pk", None)
        if isinstance(obj, OnboardingItem):
            return obj.membership.user_id == user_id and obj.responsible == StepResponsible.PERSON
        if isinstance(obj, TrainingRecord):
            return obj.person_id == user_id
        return obj.user_id == user_id  # a membership

    def staff_member_or_404(self, tenancy, pk) -> Membership:
        """A staff member's membership the user may see: their own, or one in a municipality
        where they record training. Anyone else's is not found."""
        membership = get_object_or_404(
            Membership.objects.select_related("user", "unit", "municipality"), pk=pk, role__in=MUNICIPAL_ROLES
        )
        if not self.can(tenancy, RECORD_FOR, membership):
            raise Http404
        return membership

    def overseen(self, tenancy):
        """The municipalities whose staff the user follows as coordinator or manager, by name."""
        return tenancy.municipalities_with_role(*self.overseers)

    def overseen_counties(self, tenancy):
        """The counties whose municipalities the user follows as county analyst."""
        return [m.county for m in tenancy.memberships_with_role(Role.COUNTY_ANALYST)]


class EventPolicy(PermissionPolicy):
    model = Event
    actions = (VIEW, ADD, CHANGE)
    municipal_curators = (Role.COORDINATOR,)  # curate a municipality's events
    county_curators = (Role.COORDINATOR, Role.COUNTY_ANALYST)  # curate the county-wide events

    def can(self, tenancy, action, obj=None):
        if action == VIEW:
            return tenancy.has_role(*MUNICIPAL_ROLES, Role.COUNTY_ANALYST)
        if obj is None:
            return tenancy.has_role(*self.municipal_curators, *self.county_curators)
        municipality_id = getattr(obj, "municipality_id", None)
        if municipality_id:
            return municipality_id in _municipalities(tenancy, *self.municipal_curators)
        return obj.county_id in _counties(tenancy, *self.county_curators)

    def visible(self, tenancy, action=VIEW):
        if not self.can(tenancy, VIEW):
            return Event.objects.none()
        own = _municipalities(tenancy, *MUNICIPAL_ROLES)

        qs = Event.objects.select_related("municipality", "course")
        if tenancy.has_role(Role.COUNTY_ANALYST):
            return qs
        return qs.filter(Q(municipality__isnull=True) | Q(municipality_id__in=sorted(own)))

    def concerning(self, tenancy, since: datetime.date) -> list[Event]:
        """The events ending on or after *since* that are meant for the user: for their units'
        types and roles, county-wide or in their municipalities. A county analyst without a staff
        role is meant every event of the county."""
        events = self.visible(tenancy).filter(ends_at__date__gte=since)
        memberships = staff_memberships(tenancy)
        if tenancy.has_role(Role.COUNTY_ANALYST) and not memberships:
            return list(events)
        return [
            e
            for e in events
            if any(e.concerns(m.unit.unit_type if m.unit_id else None, m.role) for m in memberships)
            and (e.municipality_id is None or e.municipality_id in {m.municipality_id for m in memberships})
        ]

    def places(self, tenancy):
        """Where the user adds events: (the municipalities whose events they curate, the counties
        whose county-wide events they curate)."""
        return _places(tenancy, self.municipal_curators, self.county_curators)


course_policy = CoursePolicy()
competence_policy = CompetencePolicy()
event_policy = EventPolicy()
# The staff's knowledge self-assessment, on the survey engine.
self_assessment_policy = SurveyPolicy(SELF_ASSESSMENT_KEY, answered_by=MUNICIPAL_ROLES)
