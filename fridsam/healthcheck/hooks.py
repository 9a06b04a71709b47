"""What the health check shows on the pages of others: the manager's start page
(fridsam.core.start), the county analyst's "Health check" in the menu (fridsam.core.navigation) and
the check on the municipality page (fridsam.organisations.panels)."""

from __future__ import annotations

import datetime

from django.db.models import Count
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from fridsam.core.navigation import items
from fridsam.core.roles import Role
from fridsam.core.selectors import access_log_policy
from fridsam.core.start import Section, section
from fridsam.healthcheck.selectors import check_for, checks_for
from fridsam.organisations import panels
from fridsam.organisations import selectors as org_selectors


@section("manager")
def manager(tenancy) -> list[Section]:
    municipalities = tenancy.municipalities_with_role(Role.MANAGER)
    if not municipalities:
        return []
    since = timezone.now() - datetime.timedelta(days=30)
    log_counts = dict(
        access_log_policy.visible(tenancy)
        .filter(occurred_at__gte=since)
        .values_list("municipality_id")
        .annotate(n=Count("id"))
        .order_by()
    )
    checks = {c.municipality.pk: c for c in checks_for(municipalities)}
    sections = []
    for municipality in municipalities:
        sections.append(
            Section(
                "core/start/manager.html",
                {
                    "municipality": municipality,
                    "units": org_selectors.municipality_units(tenancy=tenancy, municipality=municipality),
                    "log_count_30_days": log_counts.get(municipality.pk, 0),
                    "check": checks[municipality.pk],
                },
            )
        )
    return sections


@items("healthcheck")
def healthcheck_items(tenancy):
    return [
        (_("Health check"), reverse("healthcheck:county_matrix", args=[membership.county.code]))
        for membership in tenancy.memberships_with_role(Role.COUNTY_ANALYST)
    ]


@panels.municipality_panel
def check(tenancy, municipality, units) -> dict:
    return {"check": check_for(municipality)}
