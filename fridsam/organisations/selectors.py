"""Reads about organisations. Every list is built with its joins here, in a constant number of
queries whatever the number of rows. The people of an organisation (staff, contact persons) are the
accounts' to read (fridsam.organisations.panels); the coordinator function's overview of the
municipalities is coordination's (fridsam.coordination.selectors.municipalities_overview)."""

from __future__ import annotations

from django.db.models import Count, Q, QuerySet
from django.utils import timezone

from fridsam.organisations.models import Municipality, MunicipalityPopulation, PartnerOrganisation, Unit
from fridsam.organisations.policies import partner_policy, unit_policy


def _active_membership(prefix: str = "memberships__") -> Q:
    today = timezone.localdate()
    return Q(**{f"{prefix}valid_from__lte": today}) & (
        Q(**{f"{prefix}valid_until__isnull": True}) | Q(**{f"{prefix}valid_until__gte": today})
    )


def municipality_units(*, tenancy, municipality: Municipality) -> QuerySet[Unit]:
    return (
        unit_policy.visible(tenancy)
        .filter(municipality=municipality)
        .annotate(staff_count=Count("memberships", filter=_active_membership(), distinct=True))
        .order_by("-is_active", "name")
    )


def municipality_populations(*, municipality: Municipality) -> QuerySet[MunicipalityPopulation]:
    return MunicipalityPopulation.objects.filter(municipality=municipality).order_by("-year")


def partner_organisations(*, tenancy) -> QuerySet[PartnerOrganisation]:
    """The partner organisations the user may see; their contact persons come with
    ``panels.with_partner_contacts``."""
    return partner_policy.visible(tenancy).order_by("partner_type", "name")
