"""Reads about the coordinator function, with their joins, for pages and the health check."""

from __future__ import annotations

from django.db.models import Prefetch, Q, QuerySet
from django.utils import timezone

from fridsam.coordination.models import Absence, CoordinatorPost, PostAssignment, RoleDescription, Team, TeamMember


def _current_q(prefix: str, day) -> Q:
    return Q(**{f"{prefix}start_date__lte": day}) & (
        Q(**{f"{prefix}end_date__isnull": True}) | Q(**{f"{prefix}end_date__gte": day})
    )


def current_shares_of(*, user) -> dict[int, int]:
    """Municipality id → share of a full-time post, for the user's current posts."""
    day = timezone.localdate()
    return dict(
        PostAssignment._base_manager.filter(_current_q("post__", day), post__coordinator=user).values_list(
            "municipality_id", "share_percent"
        )
    )


def posts_for_municipality(*, municipality) -> QuerySet[CoordinatorPost]:
    """Every post that serves or served the municipality, newest first, with what the page shows."""
    return (
        CoordinatorPost.objects.filter(assignments__municipality=municipality)
        .select_related("coordinator", "deputy", "placement_unit")
        .prefetch_related(
            Prefetch("assignments", queryset=PostAssignment._base_manager.select_related("municipality")),
            Prefetch(
                "role_descriptions", queryset=RoleDescription._base_manager.select_related("approved_by", "written_by")
            ),
            Prefetch("absences", queryset=Absence._base_manager.order_by("-start_date")),
        )
        .order_by("-start_date")
        .distinct()
    )


def teams_for_municipality(*, municipality) -> QuerySet[Team]:
    return (
        Team.objects.filter(municipality=municipality)
        .select_related("leader")
        .prefetch_related(Prefetch("members", queryset=TeamMember._base_manager.select_related("user", "unit")))
        .order_by("-start_date")
    )


def post_of_municipality(*, municipality, pk: int) -> CoordinatorPost:
    from django.shortcuts import get_object_or_404

    return get_object_or_404(posts_for_municipality(municipality=municipality), pk=pk)
