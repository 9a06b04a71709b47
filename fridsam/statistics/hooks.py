"""What the statistics show on the pages of others: "Statistics" in the menu
(fridsam.core.navigation), the link to them on the municipality page
(fridsam.organisations.panels), and a national analyst's start page and menu: the estimate over
every municipality in the country (fridsam.core.start; ADR 0042)."""

from __future__ import annotations

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from fridsam.core.navigation import items
from fridsam.core.policies import VIEW
from fridsam.core.roles import MUNICIPAL_ROLES, Role
from fridsam.core.start import Section, section
from fridsam.organisations import panels
from fridsam.statistics import effect_reading
from fridsam.statistics.effects import NATIONAL
from fridsam.statistics.policies import VIEW_NATIONAL, statistics_policy


@items("statistics")
def statistics_item(tenancy):
    entries = []
    if tenancy.roles & {Role.COUNTY_ANALYST, *MUNICIPAL_ROLES}:
        entries.append((_("Statistics"), reverse("statistics:index")))
    if statistics_policy.can(tenancy, VIEW_NATIONAL):
        entries.append((_("Does the coordinator make a difference?"), reverse("statistics:national_effects")))
    return entries


@section("national_analyst")
def national_analyst(tenancy) -> list[Section]:
    """The national estimate per indicator, in two queries: what a national actor's analyst reads."""
    if not statistics_policy.can(tenancy, VIEW_NATIONAL):
        return []
    organisations = sorted({str(m.national_organisation) for m in tenancy.memberships_with_role(Role.NATIONAL_ANALYST)})
    rows, practice = effect_reading.summary_rows(NATIONAL)
    return [
        Section(
            "statistics/start/national.html",
            {"organisations": ", ".join(organisations), "rows": rows, "practice": practice},
        )
    ]


@panels.municipality_panel
def statistics_link(tenancy, municipality, units) -> dict:
    return {"can_view_statistics": statistics_policy.can(tenancy, VIEW, municipality)}
