"""What competence shows on the pages of others: units behind, routines overdue and introductions
on the start page of coordinators and managers (fridsam.core.start), "Competence" in the menu
(fridsam.core.navigation). Its reminders are in reminders.py."""

from __future__ import annotations

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from fridsam.competence.selectors import glance
from fridsam.core.navigation import items
from fridsam.core.roles import MUNICIPAL_ROLES, Role
from fridsam.core.start import Section, section


@section("competence")
def competence(tenancy) -> list[Section]:
    """For coordinators and managers: units behind on which training, routines overdue for
    review and new staff behind on their introduction."""
    municipalities = tenancy.municipalities_with_role(Role.COORDINATOR, Role.MANAGER)
    if not municipalities:
        return []
    # Gathered here, not borrowed from the manager's section: each section is kept with what it
    # read itself (ADR 0047).
    return [Section("competence/start.html", {"glances": glance(municipalities, timezone.localdate())})]


@items("competence")
def competence_item(tenancy):
    roles = tenancy.roles
    if roles & set(MUNICIPAL_ROLES):
        return [(_("Competence"), reverse("competence:mine"))]
    if Role.COUNTY_ANALYST in roles:
        return [(_("Competence"), reverse("competence:catalogue"))]
    return []
