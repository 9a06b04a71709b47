"""Read services of case follow-up: every read, list, search and export of records, assessments
and consultations, each written to the access log as the acting user (``tenancy.user``), with the
reader's purpose when they are not the owner. The reads they build on, which write nothing, are in
:mod:`fridsam.followup.selectors`."""

from __future__ import annotations

from django.core.paginator import Page, Paginator
from django.db.models import Prefetch
from django.http import Http404

from fridsam.core.audit import log_access
from fridsam.core.models import AccessAction
from fridsam.followup import selectors
from fridsam.followup.models import (
    Assessment,
    Category,
    Consultation,
    ConsultationReply,
    FollowUpRecord,
    Intervention,
    RecordEvent,
    Status,
)
from fridsam.followup.policies import consultation_policy, followup_policy

EXPORT_LIMIT = 50_000


def _purpose(tenancy, record, purpose: str) -> str:
    """The purpose as the log keeps it: none for the record's owner."""
    return "" if followup_policy.is_owner(tenancy, record) else purpose


# --- Records -----------------------------------------------------------------------------------


def record_list_read(*, tenancy, filters: selectors.RecordFilter, page: str | None, purpose: str) -> Page:
    """One page of records, logged as a list (with the purpose when it shows others' records)."""
    paginator = Paginator(selectors.records(tenancy=tenancy, filters=filters), selectors.PAGE_SIZE)
    result = paginator.get_page(page)
    municipality = result.object_list[0].municipality if result.object_list else None
    log_access(
        action=AccessAction.LIST,
        object_type=FollowUpRecord,
        object_id="",
        user=tenancy.user,
        municipality=municipality,
        purpose="" if filters.mine_only else purpose,
        detail=f"page {result.number}: " + ",".join(str(r.pk) for r in result.object_list),
    )
    return result


def record_export_read(*, tenancy, mine_only: bool, purpose: str) -> list[FollowUpRecord]:
    """The records of an export (the user's own, or all they may see), logged as an export."""
    rows = list(selectors.records(tenancy=tenancy, filters=selectors.RecordFilter(mine_only=mine_only))[:EXPORT_LIMIT])
    log_access(
        action=AccessAction.EXPORT,
        object_type=FollowUpRecord,
        user=tenancy.user,
        municipality=rows[0].municipality if rows else None,
        purpose=purpose,
        detail=f"{len(rows)} records",
    )
    return rows


def suv_export_read(*, tenancy, municipality, year: int, purpose: str) -> list[FollowUpRecord]:
    """A municipality's records of adults subjected to violence opened in *year*, for the
    SU-Kvinnofrid file (fridsam.followup.suv), logged as an export with its purpose."""
    rows = list(
        followup_policy.visible(tenancy)
        .filter(municipality=municipality, opened_year=year, category=Category.ADULT_VICTIM)
        .select_related("municipality", "risk_instrument")
        .prefetch_related(Prefetch("interventions", queryset=Intervention.objects.order_by("started_on", "pk")))
        .order_by("opened_on", "pk")[:EXPORT_LIMIT]
    )
    log_access(
        action=AccessAction.EXPORT,
        object_type=FollowUpRecord,
        user=tenancy.user,
        municipality=municipality,
        purpose=purpose,
        detail=f"SU-Kvinnofrid {year}: {len(rows)} records",
    )
    return rows


def record_read(*, tenancy, pk: int, purpose: str) -> FollowUpRecord:
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
        user=tenancy.user,
        municipality=record.municipality,
        purpose=_purpose(tenancy, record, purpose),
    )
    return record


def record_shown(*, tenancy, record: FollowUpRecord, purpose: str = "", detail: str = "") -> None:
    """Log that a page other than the record's own showed it (its forms, the reassignment, a
    consultation or a referral linked to it), with the purpose when the reader is not the owner."""
    log_access(
        action=AccessAction.READ,
        object_type=record,
        user=tenancy.user,
        municipality=record.municipality,
        purpose=_purpose(tenancy, record, purpose),
        detail=detail,
    )


def record_find(*, tenancy, reference: str, purpose: str) -> FollowUpRecord | None:
    """Search the user's municipalities for a journal reference. The search is logged whether it
    finds a record or not (never the reference itself: it is the journal's)."""
    found = None
    municipalities = {m.municipality_id: m.municipality for m in tenancy.memberships if m.municipality_id}
    for municipality in municipalities.values():
        found = selectors.find_by_reference(tenancy=tenancy, municipality=municipality, reference=reference)
        if found is not None:
            break
    only = next(iter(municipalities.values())) if len(municipalities) == 1 else None
    log_access(
        action=AccessAction.LIST,
        object_type=FollowUpRecord,
        object_id=found.pk if found is not None else "",
        user=tenancy.user,
        municipality=found.municipality if found is not None else only,
        purpose="" if found is None else _purpose(tenancy, found, purpose),
        detail="search by reference: " + ("found" if found is not None else "no match"),
    )
    return found


def own_open_records_read(*, tenancy, municipality, detail: str, asked: str = ""):
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
        user=tenancy.user,
        municipality=municipality,
        detail=f"{detail}: " + ",".join(str(i) for i in ids),
    )
    return qs.filter(pk__in=ids)


def assessment_read(*, tenancy, record: FollowUpRecord, pk: int, purpose: str) -> Assessment:
    """An assessment of a record the user may see; the read is logged."""
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
        user=tenancy.user,
        municipality=record.municipality,
        purpose=_purpose(tenancy, record, purpose),
        detail=f"record {record.pk}",
    )
    return assessment


# --- Consultations -----------------------------------------------------------------------------


def consultation_lists_read(*, tenancy):
    """The user's own questions, the queue they answer and its length
    (:func:`selectors.consultation_lists`); what is shown is logged as a list."""
    mine, queue, queue_total = selectors.consultation_lists(tenancy=tenancy)
    log_access(
        action=AccessAction.LIST,
        object_type="followup.consultation",
        user=tenancy.user,
        detail=f"{len(mine)} own, {len(queue)} in the queue",
    )
    return mine, queue, queue_total


def consultation_read(*, tenancy, pk: int) -> Consultation:
    """A consultation the user may see, with its replies; the read is logged."""
    consultation = consultation_policy.get_or_404(
        tenancy,
        queryset=consultation_policy.visible(tenancy)
        .select_related("municipality")
        .prefetch_related(Prefetch("replies", queryset=ConsultationReply.objects.select_related("author"))),
        pk=pk,
    )
    log_access(
        action=AccessAction.READ,
        object_type=consultation,
        user=tenancy.user,
        municipality=consultation.municipality,
    )
    return consultation


def consultation_statistics_read(*, tenancy, municipality_ids: list[int], since) -> list[selectors.ConsultationMonth]:
    """The consultations per month and unit of the municipalities (:func:`selectors.
    consultation_statistics`), logged as a list."""
    rows = selectors.consultation_statistics(municipality_ids=municipality_ids, since=since)
    log_access(action=AccessAction.LIST, object_type="followup.consultation", user=tenancy.user, detail="statistics")
    return rows
