"""Reads about the coordinator function, with their joins, for pages and the health check."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Count, IntegerField, OuterRef, Prefetch, Q, QuerySet, Subquery, Sum
from django.db.models.functions import Coalesce
from django.shortcuts import get_object_or_404
from django.utils import timezone
from django.utils.translation import gettext

from fridsam.accounts.models import Membership
from fridsam.coordination.models import Absence, CoordinatorPost, PostAssignment, RoleDescription, Team, TeamMember
from fridsam.core.roles import Role
from fridsam.organisations.models import Municipality, MunicipalityPopulation, Unit
from fridsam.organisations.policies import municipality_policy


def current_q(prefix: str, day) -> Q:
    """Rows whose start_date/end_date period (via *prefix*) includes *day*."""
    return Q(**{f"{prefix}start_date__lte": day}) & (
        Q(**{f"{prefix}end_date__isnull": True}) | Q(**{f"{prefix}end_date__gte": day})
    )


def current_shares_of(*, user) -> dict[int, int]:
    """Municipality id → share of a full-time post, for the user's current posts."""
    day = timezone.localdate()
    return dict(
        PostAssignment.system_objects.filter(current_q("post__", day), post__coordinator=user).values_list(
            "municipality_id", "share_percent"
        )
    )


def posts_for_municipality(*, municipality) -> QuerySet[CoordinatorPost]:
    """Every post that serves or served the municipality, newest first, with what the page shows."""
    return (
        CoordinatorPost.objects.filter(assignments__municipality=municipality)
        .select_related("coordinator", "deputy", "placement_unit")
        .prefetch_related(
            Prefetch("assignments", queryset=PostAssignment.system_objects.select_related("municipality")),
            Prefetch(
                "role_descriptions", queryset=RoleDescription.system_objects.select_related("approved_by", "written_by")
            ),
            Prefetch("absences", queryset=Absence.system_objects.order_by("-start_date")),
        )
        .order_by("-start_date")
        .distinct()
    )


def teams_for_municipality(*, municipality) -> QuerySet[Team]:
    return (
        Team.objects.filter(municipality=municipality)
        .select_related("leader")
        .prefetch_related(Prefetch("members", queryset=TeamMember.system_objects.select_related("user", "unit")))
        .order_by("-start_date")
    )


def post_of_municipality(*, municipality, pk: int) -> CoordinatorPost:
    return get_object_or_404(posts_for_municipality(municipality=municipality), pk=pk)


@dataclass(frozen=True)
class EntryPoint:
    """Who partners and colleagues contact about violence in a municipality today."""

    user: object
    title: str
    replaces: object = None  # the coordinator a deputy stands in for
    until: object = None  # the end of that absence
    absent_until: object = None  # a coordinator away without a deputy


def entry_points_for(municipality_ids, *, day=None) -> dict[int, list[EntryPoint]]:
    """The named entry point per municipality: its coordinators (the deputy while a coordinator is
    away), or in a municipality without a coordinator the leader of its violence team, or else its
    managers. A constant number of queries for any number of municipalities."""
    day = day or timezone.localdate()
    ids = list(municipality_ids)
    result: dict[int, list[EntryPoint]] = {}
    assignments = list(
        PostAssignment.system_objects.filter(current_q("post__", day), municipality_id__in=ids)
        .select_related("post__coordinator", "post__deputy")
        .order_by("municipality_id", "post__start_date")
    )
    absences = {
        a.post_id: a
        for a in Absence.system_objects.filter(
            post_id__in={a.post_id for a in assignments}, start_date__lte=day, end_date__gte=day
        )
    }
    for a in assignments:
        post, absence = a.post, absences.get(a.post_id)
        if absence and post.deputy_id:
            entry = EntryPoint(
                post.deputy, gettext("Deputy for the coordinator"), replaces=post.coordinator, until=absence.end_date
            )
        else:
            entry = EntryPoint(
                post.coordinator, gettext("Coordinator"), absent_until=absence.end_date if absence else None
            )
        result.setdefault(a.municipality_id, []).append(entry)
    missing = [i for i in ids if i not in result]
    if missing:
        for team in _current_teams(missing, day):
            result.setdefault(team.municipality_id, [EntryPoint(team.leader, gettext("Leads the violence team"))])
    missing = [i for i in ids if i not in result]
    if missing:
        for m in (
            Membership.system_objects.filter(municipality_id__in=missing, role=Role.MANAGER)
            .filter(Q(valid_from__lte=day), Q(valid_until__isnull=True) | Q(valid_until__gte=day))
            .select_related("user")
            .order_by("user__last_name")
        ):
            result.setdefault(m.municipality_id, []).append(EntryPoint(m.user, m.title or gettext("Manager")))
    return result


def _current_teams(municipality_ids, day):
    return (
        Team.system_objects.filter(current_q("", day), municipality_id__in=municipality_ids)
        .select_related("leader")
        .order_by("municipality_id", "-start_date")
    )


# --- The county's municipalities with their coordinator function (the municipality list, the
# county analyst's start page, the health check's county matrix) ----------------------------------


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


def municipalities_overview(*, tenancy, county_id: int | None = None) -> QuerySet[Municipality]:
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
