"""Reads about the coordinator function, with their joins, for pages and the health check."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Prefetch, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext

from fridsam.coordination.models import Absence, CoordinatorPost, PostAssignment, RoleDescription, Team, TeamMember


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
    from django.shortcuts import get_object_or_404

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
    from fridsam.accounts.models import Membership, Role

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
