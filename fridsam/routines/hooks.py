"""What routines show on the pages of others: "Routines" in the menu (fridsam.core.navigation).
Their reminders are in reminders.py."""

from __future__ import annotations

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from fridsam.core.navigation import items
from fridsam.core.roles import MUNICIPAL_ROLES, Role


@items("routines")
def routines_item(tenancy):
    if tenancy.roles & {Role.COUNTY_ANALYST, *MUNICIPAL_ROLES}:
        return [(_("Routines"), reverse("routines:document_list"))]
    return []
