"""What the statistics show on the pages of others: "Statistics" in the menu
(fridsam.core.navigation) and the link to them on the municipality page
(fridsam.organisations.panels)."""

from __future__ import annotations

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from fridsam.core.navigation import items
from fridsam.core.policies import VIEW
from fridsam.core.roles import MUNICIPAL_ROLES, Role
from fridsam.organisations import panels
from fridsam.statistics.policies import statistics_policy


@items("statistics")
def statistics_item(tenancy):
    if tenancy.roles & {Role.COUNTY_ANALYST, *MUNICIPAL_ROLES}:
        return [(_("Statistics"), reverse("statistics:index"))]
    return []


@panels.municipality_panel
def statistics_link(tenancy, municipality, units) -> dict:
    return {"can_view_statistics": statistics_policy.can(tenancy, VIEW, municipality)}
