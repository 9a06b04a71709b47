"""What routines and action plans make due: reviews (to the owner, 30 days ahead and when
overdue), versions waiting for a manager's approval, documents in force a staff member has not
confirmed reading, and action-plan activities due within 14 days (to their owner)."""

from __future__ import annotations

import datetime

from django.urls import reverse

from fridsam.accounts.models import memberships_unscoped
from fridsam.core.reminders import Due, register, register_label
from fridsam.core.roles import Role
from fridsam.routines.models import (
    Acknowledgement,
    Activity,
    ActivityStatus,
    Document,
    DocumentKind,
    DocumentVersion,
    VersionStatus,
)
from fridsam.routines.selectors import REVIEW_SOON_DAYS

ACTIVITY_AHEAD = datetime.timedelta(days=14)

# The messages name the kind of document in lower case: "the routine …", "the checklist …".
register_label("kind", lambda kind: str(dict(DocumentKind.choices).get(kind, kind)).lower())


def _params(document):
    return {"kind": document.kind, "title": document.title}


@register
def reviews(on: datetime.date, user_ids):
    documents = Document.system_objects.filter(
        archived_at__isnull=True,
        current_version__isnull=False,
        review_due__lte=on + datetime.timedelta(days=REVIEW_SOON_DAYS),
    )
    if user_ids is not None:
        documents = documents.filter(owner_id__in=sorted(user_ids))
    for d in documents:
        yield Due(
            d.owner_id,
            f"review:{d.pk}:{d.review_due.isoformat()}",
            "review_overdue" if d.review_due < on else "review_due",
            d.review_due,
            reverse("routines:document_detail", args=[d.pk]),
            {**_params(d), "due": d.review_due.isoformat()},
        )


@register
def approvals(on: datetime.date, user_ids):
    waiting = DocumentVersion.system_objects.filter(status=VersionStatus.IN_REVIEW).select_related("document")
    if user_ids is not None:  # a few people (refresh_for): only the municipalities they manage
        managed = (
            memberships_unscoped()
            .active(on)
            .filter(user_id__in=sorted(user_ids), role=Role.MANAGER)
            .values("municipality_id")
        )
        waiting = waiting.filter(document__municipality_id__in=managed)
    waiting = list(waiting)
    if not waiting:
        return
    managers = {}
    members = (
        memberships_unscoped()
        .active(on)
        .filter(role=Role.MANAGER, municipality_id__in={v.document.municipality_id for v in waiting})
    )
    for m in members:
        managers.setdefault(m.municipality_id, set()).add(m.user_id)
    for v in waiting:
        for user_id in managers.get(v.document.municipality_id, ()):
            yield Due(
                user_id,
                f"approve:{v.pk}",
                "approve_routine",
                (v.submitted_at.date() if v.submitted_at else on),
                reverse("routines:document_detail", args=[v.document_id]),
                _params(v.document),
            )


@register
def reading(on: datetime.date, user_ids):
    members = memberships_unscoped().active(on).filter(role__in=["coordinator", "manager", "social_worker"])
    if user_ids is not None:
        members = members.filter(user_id__in=sorted(user_ids))
    members = list(members.select_related("unit"))
    documents = list(
        Document.system_objects.filter(
            municipality_id__in={m.municipality_id for m in members},
            archived_at__isnull=True,
            current_version__isnull=False,
        ).select_related("current_version")
    )
    if not documents:
        return
    read = set(
        Acknowledgement.system_objects.filter(
            version_id__in=[d.current_version_id for d in documents], user_id__in={m.user_id for m in members}
        ).values_list("user_id", "version_id")
    )
    for m in members:
        unit_type = m.unit.unit_type if m.unit_id else None
        for d in documents:
            if d.municipality_id != m.municipality_id or (m.user_id, d.current_version_id) in read:
                continue
            if not d.concerns(unit_type, m.role):
                continue
            yield Due(
                m.user_id,
                f"read:{d.current_version_id}",
                "read_routine",
                d.current_version.approved_at.date() if d.current_version.approved_at else on,
                reverse("routines:document_detail", args=[d.pk]),
                {**_params(d), "version": d.current_version.number},
            )


@register
def activities(on: datetime.date, user_ids):
    rows = Activity.system_objects.filter(
        status__in=[ActivityStatus.PLANNED, ActivityStatus.ONGOING], due_on__lte=on + ACTIVITY_AHEAD
    ).select_related("sub_goal__goal__plan")
    if user_ids is not None:
        rows = rows.filter(owner_id__in=sorted(user_ids))
    for a in rows:
        yield Due(
            a.owner_id,
            f"activity:{a.pk}",
            "activity_overdue" if a.due_on < on else "activity_due",
            a.due_on,
            reverse("routines:action_plan_detail", args=[a.sub_goal.goal.plan_id]),
            {"activity": a.text, "due": a.due_on.isoformat()},
        )
