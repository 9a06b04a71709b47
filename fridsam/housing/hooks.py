"""What protected housing and the exchange show on the pages of others: allocations waiting and
free places to report on the start page (fridsam.core.start), "Protected housing" (for a
partner contact only when their organisation reports for a provider) and "Housing exchange" in
the menu (fridsam.core.navigation)."""

from __future__ import annotations

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from fridsam.core import crypto
from fridsam.core.navigation import items
from fridsam.core.roles import MUNICIPAL_ROLES, Role
from fridsam.core.start import Section, section
from fridsam.housing.selectors import reports_for_providers, start_summary

# The exact addresses, encrypted at rest (fridsam.core.crypto: key rotation, the backup drill).
crypto.register("housing.Provider", "address_encrypted")
crypto.register("housing.Apartment", "address_encrypted")


@section("housing")
def housing(tenancy) -> list[Section]:
    """Allocations waiting for the coordinator, free places for a provider's partner contact to report."""
    summary = start_summary(tenancy)
    return [Section("housing/start.html", summary)] if summary else []


@items("housing")
def housing_items(tenancy):
    roles = tenancy.roles
    found = []
    # A partner contact sees only their organisation's providers: no menu item when it has none.
    if roles & {Role.COUNTY_ANALYST, *MUNICIPAL_ROLES} or (Role.PARTNER in roles and reports_for_providers(tenancy)):
        found.append((_("Protected housing"), reverse("housing:provider_list")))
    if roles & {Role.COORDINATOR, Role.MANAGER}:
        found.append((_("Housing exchange"), reverse("housing:exchange_index")))
    return found
