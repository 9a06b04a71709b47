"""What case follow-up shows on the pages of others: open records and consultations on the start
page (fridsam.core.start), "Case follow-up" and "Consultations" in the menu
(fridsam.core.navigation)."""

from __future__ import annotations

from django.db.models import Count, Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from fridsam.core.navigation import items
from fridsam.core.roles import MUNICIPAL_ROLES, Role
from fridsam.core.start import Section, section
from fridsam.followup import selectors
from fridsam.followup.models import ConsultationStatus
from fridsam.followup.policies import answering_municipality_ids, consultation_policy


@section("followup")
def followup(tenancy) -> list[Section]:
    """Case follow-up and consultations: open records, questions waiting for an answer."""
    if not tenancy.has_role(*MUNICIPAL_ROLES):
        return []
    is_worker = tenancy.has_role(Role.SOCIAL_WORKER)
    answering = sorted(answering_municipality_ids(tenancy))
    counts = consultation_policy.visible(tenancy).aggregate(
        queue=Count(
            "id",
            filter=Q(municipality_id__in=answering, status=ConsultationStatus.OPEN) & ~Q(asked_by_id=tenancy.user.pk),
        ),
        mine_waiting=Count("id", filter=Q(asked_by_id=tenancy.user.pk, status=ConsultationStatus.OPEN)),
        mine_answered=Count("id", filter=Q(asked_by_id=tenancy.user.pk, status=ConsultationStatus.ANSWERED)),
    )
    open_records = selectors.open_records_count(tenancy=tenancy) if is_worker else None
    return [
        Section(
            "core/start/followup.html",
            {"is_worker": is_worker, "answers": bool(answering), "open_records": open_records, **counts},
        )
    ]


@items("followup")
def followup_items(tenancy):
    if tenancy.roles & set(MUNICIPAL_ROLES):
        return [
            (_("Case follow-up"), reverse("followup:record_list")),
            (_("Consultations"), reverse("followup:consultation_list")),
        ]
    return []
