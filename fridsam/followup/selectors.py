"""Reads of case follow-up. Every read, list and export of records is written to the access log
here, with the reader's purpose when they are not the owner."""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.core.paginator import Paginator
from django.db.models import Avg, Count, Prefetch, Q
from django.db.models.functions import TruncMonth
from django.http import Http404
from django.utils import timezone

from fridsam.accounts.models import User
from fridsam.coordination.models import PostAssignment, Team, TeamMember
from fridsam.coordination.selectors import current_q
from fridsam.core import references
from fridsam.core.audit import log_access
from fridsam.core.models import AccessAction
from fridsam.followup.models import (
    Assessment,
    Consultation,
    ConsultationReply,
    ConsultationStatus,
    FollowUpRecord,
    Instrument,
    InstrumentVersion,
    Intervention,
    RecordEvent,
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


def record_page(*, tenancy, filters: RecordFilter, page: str | None, purpose: str):
    """One page of records, logged as a list (with the purpose when it shows others' records)."""
    paginator = Paginator(records(tenancy=tenancy, filters=filters), PAGE_SIZE)
    result = paginator.get_page(page)
    municipality = result.object_list[0].municipality if result.object_list else None
    log_access(
        action=AccessAction.LIST,
        object_type=FollowUpRecord,
        object_id="",
        municipality=municipality,
        purpose="" if filters.mine_only else purpose,
        detail=f"page {result.number}: " + ",".join(str(r.pk) for r in result.object_list),
    )
    return result


def record_for_read(*, tenancy, pk: int, purpose: str) -> FollowUpRecord:
    """A record the user may see, with its interventions, assessments and history; the read is logged."""
    record = followup_policy.get_or_404(
        tenancy,
        queryset=followup_policy.visible(tenancy)
        .select_related("municipality", "screening_instrument", "risk_instrument")
        .prefetch_related(
            Prefetch("interventions", queryset=Intervention.objects.order_by("started_on", "pk")),
            Prefetch(
                "assessments",
                queryset=Assessment.objects.select_related("instrument_version__instrument", "assessor").order_by(
                    "-assessed_on", "-pk"
                ),
            ),
            Prefetch("events", queryset=RecordEvent.objects.select_related("by").order_by("at", "pk")),
        ),
        pk=pk,
    )
    log_access(
        action=AccessAction.READ,
        object_type=record,
        municipality=record.municipality,
        purpose="" if followup_policy.is_owner(tenancy, record) else purpose,
    )
    return record


def record_for_change(*, tenancy, pk: int, action: str) -> FollowUpRecord:
    return followup_policy.get_or_404(
        tenancy, action, queryset=followup_policy.visible(tenancy).select_related("municipality"), pk=pk
    )


def record_shown(*, tenancy, record: FollowUpRecord, purpose: str = "", detail: str = "") -> None:
    """Log that a page other than the record's own showed it (its forms, the reassignment, a
    consultation or a referral linked to it), with the purpose when the reader is not the owner."""
    log_access(
        action=AccessAction.READ,
        object_type=record,
        municipality=record.municipality,
        purpose="" if followup_policy.is_owner(tenancy, record) else purpose,
        detail=detail,
    )


def find_by_reference(*, tenancy, municipality, reference: str) -> FollowUpRecord | None:
    """The record with this journal reference in the municipality, if the user may see it."""
    digest = references.reference_hash(municipality, reference)
    return followup_policy.visible(tenancy).filter(municipality=municipality, reference_hash=digest).first()


def find_record(*, tenancy, reference: str, purpose: str) -> FollowUpRecord | None:
    """Search the user's municipalities for a journal reference. The search is logged whether it
    finds a record or not (never the reference itself: it is the journal's)."""
    found = None
    municipalities = {m.municipality_id: m.municipality for m in tenancy.memberships if m.municipality_id}
    for municipality in municipalities.values():
        found = find_by_reference(tenancy=tenancy, municipality=municipality, reference=reference)
        if found is not None:
            break
    only = next(iter(municipalities.values())) if len(municipalities) == 1 else None
    log_access(
        action=AccessAction.LIST,
        object_type=FollowUpRecord,
        object_id=found.pk if found is not None else "",
        municipality=found.municipality if found is not None else only,
        purpose="" if found is None or followup_policy.is_owner(tenancy, found) else purpose,
        detail="search by reference: " + ("found" if found is not None else "no match"),
    )
    return found


def own_open_records(*, tenancy, municipality, detail: str, asked: str = ""):
    """The user's own open records in the municipality, offered in a form (a consultation's
    linked record); the offer is logged as a list of those records."""
    qs = followup_policy.visible(tenancy).filter(
        owner_id=tenancy.user.pk, municipality=municipality, status=Status.OPEN
    )
    ids = list(qs.order_by("-opened_on", "-pk").values_list("pk", flat=True)[:500])
    log_access(
        action=AccessAction.LIST,
        object_type=FollowUpRecord,
        object_id=asked if asked in {str(i) for i in ids} else "",
        municipality=municipality,
        detail=f"{detail}: " + ",".join(str(i) for i in ids),
    )
    return qs.filter(pk__in=ids)


def assessment_for_read(*, tenancy, record: FollowUpRecord, pk: int, purpose: str) -> Assessment:
    assessment = (
        Assessment.objects.filter(record=record, pk=pk)
        .select_related("instrument_version__instrument", "assessor", "record__unit", "record__municipality")
        .first()
    )
    if assessment is None:
        raise Http404
    log_access(
        action=AccessAction.READ,
        object_type=assessment,
        municipality=record.municipality,
        purpose="" if followup_policy.is_owner(tenancy, record) else purpose,
        detail=f"record {record.pk}",
    )
    return assessment


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


def consultation_lists(*, tenancy):
    """The user's own questions, and the queue of the municipalities where they answer."""
    visible = consultation_policy.visible(tenancy).annotate(reply_count=Count("replies"))
    mine = list(visible.filter(asked_by_id=tenancy.user.pk).order_by("-asked_at")[:50])
    answering = answering_municipality_ids(tenancy)
    queue = []
    if answering:
        queue = list(
            visible.filter(Q(municipality_id__in=sorted(answering)) | Q(assignee_id=tenancy.user.pk))
            .exclude(asked_by_id=tenancy.user.pk)
            .exclude(status=ConsultationStatus.CLOSED)
            .select_related("municipality")
        )
        urgency_order = {"today": 0, "week": 1, "no_hurry": 2}
        queue.sort(key=lambda c: (c.status != ConsultationStatus.OPEN, urgency_order[c.urgency], c.asked_at))
    return mine, queue


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


def consultation_for_read(*, tenancy, pk: int) -> Consultation:
    consultation = consultation_policy.get_or_404(
        tenancy,
        queryset=consultation_policy.visible(tenancy)
        .select_related("municipality")
        .prefetch_related(Prefetch("replies", queryset=ConsultationReply.objects.select_related("author"))),
        pk=pk,
    )
    log_access(action=AccessAction.READ, object_type=consultation, municipality=consultation.municipality)
    return consultation


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
