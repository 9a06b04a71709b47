"""What collaboration shows on the pages of others: the user's open action items on the start page
(fridsam.core.start), "Collaboration" in the menu (fridsam.core.navigation)."""

from __future__ import annotations

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from fridsam.collaboration.selectors import open_actions_of
from fridsam.core.navigation import items
from fridsam.core.roles import MUNICIPAL_ROLES, Role
from fridsam.core.start import Section, section


@section("collaboration")
def collaboration(tenancy) -> list[Section]:
    """Action items from collaboration meetings that the user owns and has not done."""
    if not tenancy.is_authenticated or not tenancy.memberships:
        return []
    actions = list(open_actions_of(tenancy.user)[:20])
    if not actions:
        return []
    return [Section("collaboration/start.html", {"actions": actions, "today": timezone.localdate()})]


@items("collaboration")
def collaboration_item(tenancy):
    if tenancy.roles & {Role.COUNTY_ANALYST, Role.PARTNER, *MUNICIPAL_ROLES}:
        return [(_("Collaboration"), reverse("collaboration:group_list"))]
    return []
