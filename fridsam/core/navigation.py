"""Navigation by role: each role sees the sections it can use."""

from __future__ import annotations

from dataclasses import dataclass

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from fridsam.accounts.models import MUNICIPAL_ROLES, Role


@dataclass(frozen=True)
class NavItem:
    label: str
    url: str
    active: bool


def navigation_for(request, tenancy) -> list[NavItem]:
    if not tenancy.is_authenticated or not tenancy.memberships or getattr(request, "needs_two_factor_setup", False):
        return []
    items: list[tuple[str, str]] = [(_("Start"), reverse("core:start"))]
    roles = tenancy.roles
    if roles & {Role.COUNTY_ANALYST, Role.ADMINISTRATOR, *MUNICIPAL_ROLES}:
        items.append((_("Municipalities"), reverse("organisations:municipality_list")))
    for membership in tenancy.memberships_with_role(Role.COUNTY_ANALYST):
        items.append((_("Health check"), reverse("healthcheck:county_matrix", args=[membership.county.code])))
    if roles & set(MUNICIPAL_ROLES):
        items.append((_("Case follow-up"), reverse("followup:record_list")))
        items.append((_("Consultations"), reverse("followup:consultation_list")))
    if roles & {Role.COUNTY_ANALYST, Role.PARTNER, *MUNICIPAL_ROLES}:
        items.append((_("Collaboration"), reverse("collaboration:group_list")))
        items.append((_("Protected housing"), reverse("housing:provider_list")))
    if roles & {Role.COORDINATOR, Role.MANAGER}:
        items.append((_("Housing exchange"), reverse("housing:exchange_index")))
    if roles & set(MUNICIPAL_ROLES):
        items.append((_("Competence"), reverse("competence:mine")))
    elif Role.COUNTY_ANALYST in roles:
        items.append((_("Competence"), reverse("competence:catalogue")))
    if roles & {Role.COUNTY_ANALYST, *MUNICIPAL_ROLES}:
        items.append((_("Routines"), reverse("routines:document_list")))
    if roles & {Role.COUNTY_ANALYST, *MUNICIPAL_ROLES}:
        items.append((_("Statistics"), reverse("statistics:index")))
    for municipality in tenancy.municipalities_with_role(Role.MANAGER):
        items.append(
            (
                _("Access log review")
                if len(tenancy.municipalities_with_role(Role.MANAGER)) == 1
                else _("Access log: %(municipality)s") % {"municipality": municipality.name},
                reverse("core:access_log", kwargs={"municipality_code": municipality.code}),
            )
        )
    if tenancy.is_administrator:
        items.append((_("Administration"), reverse("admin:index")))
    items.append((_("My account"), reverse("accounts:profile")))
    # The one item whose URL is the longest prefix of the current path is marked current.
    path = request.path
    matching = [url for _label, url in items if path == url or (url != "/" and path.startswith(url))]
    current = max(matching, key=len) if matching else None
    return [NavItem(str(label), url, url == current) for label, url in items]
