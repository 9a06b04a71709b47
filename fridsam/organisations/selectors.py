"""Reads about organisations. Every list is built with its joins here, in a constant number of
queries whatever the number of rows."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Count, IntegerField, OuterRef, Prefetch, Q, QuerySet, Subquery, Sum
from django.db.models.functions import Coalesce
from django.utils import timezone

from fridsam.accounts.models import Membership, Role
from fridsam.accounts.selectors import Tenancy
from fridsam.coordination.models import PostAssignment
from fridsam.coordination.selectors import entry_points_for
from fridsam.organisations.models import Municipality, MunicipalityPopulation, PartnerOrganisation, Unit
from fridsam.organisations.policies import municipality_policy, partner_policy, unit_policy


def _active_membership(prefix: str = "memberships__") -> Q:
    today = timezone.localdate()
    return Q(**{f"{prefix}valid_from__lte": today}) & (
        Q(**{f"{prefix}valid_until__isnull": True}) | Q(**{f"{prefix}valid_until__gte": today})
    )


def _latest_population(field: str):
    return Subquery(
        MunicipalityPopulation.objects.filter(municipality=OuterRef("pk")).order_by("-year").values(field)[:1]
    )


def _per_municipality(queryset: QuerySet, expression) -> Subquery:
    """A correlated subquery aggregating *queryset* per municipality: unlike joined annotations,
    several of these on one query never multiply each other's rows."""
    return Subquery(
        queryset.filter(municipality=OuterRef("pk"))
        .order_by()
        .values("municipality")
        .annotate(v=expression)
        .values("v"),
        output_field=IntegerField(),
    )


def municipalities_overview(*, tenancy: Tenancy, county_id: int | None = None) -> QuerySet[Municipality]:
    """Municipalities the user may see, with population, unit count and coordinator capacity."""
    today = timezone.localdate()
    coordinators = PostAssignment.objects.filter(
        Q(post__start_date__lte=today), Q(post__end_date__isnull=True) | Q(post__end_date__gte=today)
    )
    qs = (
        municipality_policy.visible(tenancy)
        .annotate(
            population=_latest_population("total"),
            population_year=_latest_population("year"),
            unit_count=Coalesce(_per_municipality(Unit.objects.filter(is_active=True), Count("pk")), 0),
            coordinator_count=Coalesce(_per_municipality(coordinators, Count("post", distinct=True)), 0),
            coordinator_percent=_per_municipality(coordinators, Sum("share_percent")),
        )
        .order_by("name")
    )
    if county_id is not None:
        qs = qs.filter(county_id=county_id)
    return qs


def with_contacts(municipalities) -> list[Municipality]:
    """Attach ``contacts`` (the named entry point) to each municipality, in one query."""
    municipalities = list(municipalities)
    contacts = entry_points_for([m.pk for m in municipalities])
    for m in municipalities:
        m.contacts = contacts.get(m.pk, [])
    return municipalities


def municipality_units(*, tenancy: Tenancy, municipality: Municipality) -> QuerySet[Unit]:
    return (
        unit_policy.visible(tenancy)
        .filter(municipality=municipality)
        .annotate(staff_count=Count("memberships", filter=_active_membership(), distinct=True))
        .order_by("-is_active", "name")
    )


def municipality_staff(*, municipality: Municipality) -> QuerySet[Membership]:
    return (
        Membership.objects.active()
        .filter(municipality=municipality)
        .select_related("user", "unit")
        .order_by("role", "user__last_name", "user__first_name")
    )


def municipality_populations(*, municipality: Municipality) -> QuerySet[MunicipalityPopulation]:
    return MunicipalityPopulation.objects.filter(municipality=municipality).order_by("-year")


def partner_organisations(*, tenancy: Tenancy) -> QuerySet[PartnerOrganisation]:
    return (
        partner_policy.visible(tenancy)
        .prefetch_related(
            Prefetch(
                "memberships",
                queryset=Membership.objects.active().filter(role=Role.PARTNER).select_related("user"),
                to_attr="contacts",
            )
        )
        .order_by("partner_type", "name")
    )


@dataclass(frozen=True)
class CountySummary:
    municipalities: int
    with_coordinator: int
    coordinator_posts_percent: int
    population: int

    @property
    def coordinator_posts(self) -> float:
        """Full-time equivalents of all coordinator posts."""
        return self.coordinator_posts_percent / 100


def county_summary(municipalities: list[Municipality]) -> CountySummary:
    return CountySummary(
        municipalities=len(municipalities),
        with_coordinator=sum(1 for m in municipalities if m.coordinator_count),
        coordinator_posts_percent=sum(m.coordinator_percent or 0 for m in municipalities),
        population=sum(m.population or 0 for m in municipalities),
    )
