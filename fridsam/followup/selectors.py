"""Reads of case follow-up that write nothing. A read of case-level data that is shown to a user
goes through a read service in :mod:`fridsam.followup.reads`, which writes it to the access log."""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.db.models import Avg, Case, Count, Prefetch, Q, Value, When
from django.db.models.functions import TruncMonth
from django.utils import timezone

from fridsam.accounts.models import Membership, User
from fridsam.coordination.models import PostAssignment, Team, TeamMember
from fridsam.coordination.selectors import current_q
from fridsam.core import references
from fridsam.core.roles import Role
from fridsam.followup.models import (
    Consultation,
    ConsultationStatus,
    FollowUpRecord,
    Instrument,
    InstrumentVersion,
    Status,
)
from fridsam.followup.policies import answering_municipality_ids, consultation_policy, followup_policy

PAGE_SIZE = 25


@dataclass
class RecordFilter:
    municipality_id: int | None = None
    mine_only: bool = True
    status: str = ""
    category: str = ""
    year: int | None = None


def records(*, tenancy, filters: RecordFilter):
    qs = followup_policy.visible(tenancy).select_related("unit", "owner", "municipality")
    if filters.mine_only:
        qs = qs.filter(owner_id=tenancy.user.pk)
    if filters.municipality_id:
        qs = qs.filter(municipality_id=filters.municipality_id)
    if filters.status:
        qs = qs.filter(status=filters.status)
    if filters.category:
        qs = qs.filter(category=filters.category)
    if filters.year:
        qs = qs.filter(opened_year=filters.year)
    return qs.order_by("-opened_on", "-id")


def record_for_change(*, tenancy, pk: int, action: str) -> FollowUpRecord:
    return followup_policy.get_or_404(
        tenancy, action, queryset=followup_policy.visible(tenancy).select_related("municipality"), pk=pk
    )


def record_owners(*, municipality_id: int):
    """Who may own the municipality's records: its social workers (the choices of a reassignment)."""
    workers = Membership.objects.active().filter(role=Role.SOCIAL_WORKER, municipality_id=municipality_id)
    return User.objects.filter(pk__in=workers.values("user_id")).order_by("last_name", "first_name")


def find_by_reference(*, tenancy, municipality, reference: str) -> FollowUpRecord | None:
    """The record with this journal reference in the municipality, if the user may see it."""
    digest = references.reference_hash(municipality, reference)
    return followup_policy.visible(tenancy).filter(municipality=municipality, reference_hash=digest).first()


def instruments(kind: str | None = None):
    qs = Instrument.objects.filter(is_active=True).order_by("kind", "name")
    return qs.filter(kind=kind) if kind else qs


def instrument_versions():
    """Every active instrument with its current version, in two queries."""
    result = []
    for instrument in instruments().prefetch_related(
        Prefetch("versions", queryset=InstrumentVersion.objects.order_by("-loaded_at", "-pk"))
    ):
        versions = list(instrument.versions.all())
        if versions:
            result.append((instrument, versions[0], versions))
    return result


# --- Consultations -----------------------------------------------------------------------------


# The queue shows its most urgent questions; the rest are counted. A queue longer than this is a
# backlog to be dealt with, not a page to scroll (and read into the access log) whole.
QUEUE_SHOWN = 50


def consultation_lists(*, tenancy):
    """The user's own questions (the newest 50); the queue of the municipalities where they answer,
    most urgent first (open before answered, then by urgency, then the oldest), its first
    ``QUEUE_SHOWN``; and how many the queue holds in all."""
    visible = consultation_policy.visible(tenancy)
    with_replies = visible.annotate(reply_count=Count("replies"))
    mine = list(with_replies.filter(asked_by_id=tenancy.user.pk).order_by("-asked_at")[:50])
    answering = answering_municipality_ids(tenancy)
    if not answering:
        return mine, [], 0
    waiting = Q(municipality_id__in=sorted(answering)) | Q(assignee_id=tenancy.user.pk)
    others = ~Q(asked_by_id=tenancy.user.pk) & ~Q(status=ConsultationStatus.CLOSED)
    total = visible.filter(waiting, others).count()
    queue = list(
        with_replies.filter(waiting, others)
        .select_related("municipality")
        .order_by(
            Case(When(status=ConsultationStatus.OPEN, then=Value(0)), default=Value(1)),
            Case(When(urgency="today", then=Value(0)), When(urgency="week", then=Value(1)), default=Value(2)),
            "asked_at",
            "pk",
        )[:QUEUE_SHOWN]
    )
    return mine, queue, total


def answerers(municipality):
    """Who answers the municipality's consultations today: its coordinators and its violence team."""
    today = timezone.localdate()
    ids = set(
        PostAssignment.system_objects.filter(current_q("post__", today), municipality=municipality).values_list(
            "post__coordinator_id", flat=True
        )
    )
    teams = Team.system_objects.filter(current_q("", today), municipality=municipality)
    ids |= set(teams.values_list("leader_id", flat=True))
    ids |= set(TeamMember.system_objects.filter(team__in=teams).values_list("user_id", flat=True))
    return User.objects.filter(pk__in=ids, is_active=True).order_by("last_name", "first_name")


@dataclass
class ConsultationMonth:
    month: datetime.date
    unit: str
    asked: int
    answered: int
    average_hours: float | None


def consultation_statistics(*, municipality_ids: list[int], since: datetime.date) -> list[ConsultationMonth]:
    rows = (
        Consultation.objects.filter(municipality_id__in=municipality_ids, asked_at__date__gte=since)
        .annotate(month=TruncMonth("asked_at"))
        .values("month", "unit__name")
        .annotate(
            asked=Count("id"),
            answered=Count("id", filter=Q(first_answered_at__isnull=False)),
            minutes=Avg("answer_minutes"),
        )
        .order_by("-month", "unit__name")
    )
    return [
        ConsultationMonth(
            month=r["month"].date() if hasattr(r["month"], "date") else r["month"],
            unit=r["unit__name"],
            asked=r["asked"],
            answered=r["answered"],
            average_hours=round(r["minutes"] / 60, 1) if r["minutes"] is not None else None,
        )
        for r in rows
    ]


def open_records_count(*, tenancy) -> int:
    return followup_policy.visible(tenancy).filter(owner_id=tenancy.user.pk, status=Status.OPEN).count()


def twelve_months_ago() -> datetime.date:
    return timezone.localdate() - datetime.timedelta(days=365)
