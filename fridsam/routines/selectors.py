"""Reads about documents: their state, who has read the version in force, what is due."""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field

from django.db.models import Count, Exists, OuterRef, Q

from fridsam.accounts.selectors import staff
from fridsam.routines.models import Acknowledgement, Document, DocumentVersion, VersionStatus

REVIEW_SOON_DAYS = 30


def review_state(document: Document, on: datetime.date) -> str:
    """'archived', 'draft' (never approved), 'overdue', 'soon' or 'ok'."""
    if document.archived_at:
        return "archived"
    if document.current_version_id is None or document.review_due is None:
        return "draft"
    if document.review_due < on:
        return "overdue"
    if document.review_due <= on + datetime.timedelta(days=REVIEW_SOON_DAYS):
        return "soon"
    return "ok"


def documents(queryset, on: datetime.date):
    """The documents with their open version's status and review state (two queries)."""
    docs = list(
        queryset.select_related("municipality", "owner", "current_version").order_by("municipality__name", "title")
    )
    open_versions = {
        v.document_id: v
        for v in DocumentVersion.system_objects.filter(
            document__in=docs, status__in=[VersionStatus.DRAFT, VersionStatus.IN_REVIEW]
        ).only("id", "document_id", "status", "number")
    }
    return [(d, open_versions.get(d.pk), review_state(d, on)) for d in docs]


def _concerned(document: Document, on: datetime.date):
    members = staff([document.municipality_id], on)
    if document.unit_types:
        members = members.filter(unit__unit_type__in=document.unit_types)
    if document.roles:
        members = members.filter(role__in=document.roles)
    return members


def read_coverage(document: Document, on: datetime.date):
    """Per unit: staff the document concerns and how many confirmed the version in force (one
    query). Returns (rows [(unit name, read, total)], read, total)."""
    if document.current_version_id is None:
        return [], 0, 0
    has_read = Exists(
        Acknowledgement.system_objects.filter(version_id=document.current_version_id, user_id=OuterRef("user_id"))
    )
    rows, read, total = [], 0, 0
    for row in (
        _concerned(document, on)
        .values("unit__name")
        .annotate(total=Count("user", distinct=True), read=Count("user", distinct=True, filter=Q(has_read)))
        .order_by("unit__name")
    ):
        rows.append((row["unit__name"], row["read"], row["total"]))
        read, total = read + row["read"], total + row["total"]
    return rows, read, total


def unread_by(document: Document, on: datetime.date, limit: int = 200):
    has_read = Exists(
        Acknowledgement.system_objects.filter(version_id=document.current_version_id, user_id=OuterRef("user_id"))
    )
    return list(
        _concerned(document, on).filter(~Q(has_read)).select_related("user", "unit").order_by("user__last_name")[:limit]
    )


def for_memberships(memberships, on: datetime.date):
    """The documents in force that concern the person's memberships, with whether they confirmed
    the version in force: [(document, read)]."""
    memberships = [m for m in memberships if m.municipality_id]
    if not memberships:
        return []
    user_id = memberships[0].user_id
    docs = Document.system_objects.filter(
        municipality_id__in={m.municipality_id for m in memberships},
        archived_at__isnull=True,
        current_version__isnull=False,
    ).select_related("current_version")
    read = set(
        Acknowledgement.system_objects.filter(
            user_id=user_id, version_id__in=[d.current_version_id for d in docs]
        ).values_list("version_id", flat=True)
    )
    out = []
    for d in docs:
        if any(
            m.municipality_id == d.municipality_id and d.concerns(m.unit.unit_type if m.unit_id else None, m.role)
            for m in memberships
        ):
            out.append((d, d.current_version_id in read))
    return sorted(out, key=lambda pair: (pair[1], pair[0].title))


@dataclass
class InForce:
    """A municipality's documents in force: how many, how many reviewed on time, the overdue ones."""

    count: int = 0
    on_time: int = 0
    overdue: list = field(default_factory=list)

    @property
    def percent(self) -> int:
        return round(100 * self.on_time / self.count) if self.count else 0


def in_force(municipality_ids, on: datetime.date) -> dict[int, InForce]:
    """Per municipality with documents in force (one query)."""
    out: dict[int, InForce] = {}
    for d in Document.system_objects.filter(
        municipality_id__in=list(municipality_ids), archived_at__isnull=True, current_version__isnull=False
    ).order_by("review_due", "title"):
        row = out.setdefault(d.municipality_id, InForce())
        row.count += 1
        if d.review_due is not None and d.review_due >= on:
            row.on_time += 1
        else:
            row.overdue.append(d)
    return out
