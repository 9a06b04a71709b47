"""Reads of collaboration: attendance over time, open action items, the referrals (logged)."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Count, Q
from django.db.models.functions import ExtractYear
from django.utils import timezone

from fridsam.collaboration.models import ActionItem, Attendance, ReferralCategory
from fridsam.collaboration.policies import referral_policy
from fridsam.core.audit import log_access
from fridsam.core.models import AccessAction


@dataclass
class AttendanceRow:
    organisation: str
    per_year: dict[int, tuple[int, int]]  # year → (present, invited)


def attendance(groups) -> tuple[list[int], list[AttendanceRow]]:
    """Attendance per organisation (municipality or partner) and year over the given groups: how
    many member-meetings they were present at of those they were invited to. One query."""
    rows = (
        Attendance.objects.filter(meeting__group__in=groups)
        .annotate(year=ExtractYear("meeting__held_on"))
        .values("year", "member__municipality__name", "member__partner_organisation__name", "member__county__name")
        .annotate(invited=Count("id"), present=Count("id", filter=Q(present=True)))
        .order_by()
    )
    table: dict[str, dict[int, tuple[int, int]]] = {}
    years = set()
    for r in rows:
        name = r["member__municipality__name"] or r["member__partner_organisation__name"] or r["member__county__name"]
        years.add(r["year"])
        present, invited = table.setdefault(name, {}).get(r["year"], (0, 0))
        table[name][r["year"]] = (present + r["present"], invited + r["invited"])
    return sorted(years), [AttendanceRow(name, table[name]) for name in sorted(table)]


def open_actions_of(user):
    """The user's open action items, oldest due first, with their group (start page)."""
    return (
        ActionItem.objects.filter(owner=user, done_on__isnull=True)
        .select_related("meeting__group")
        .order_by("due_on", "id")
    )


def is_overdue(item) -> bool:
    return item.due_on < timezone.localdate()


def referral_overview(*, tenancy, limit: int = 500):
    """The latest referrals the user may see and the counts per municipality, year and kind.

    Referrals are case-level (ADR 0021): the listing is logged, one row per municipality whose
    referrals are shown, so that each municipality's log review sees who listed them."""
    referrals = list(
        referral_policy.visible(tenancy).select_related("unit", "partner_organisation", "municipality")[:limit]
    )
    labels = dict(ReferralCategory.choices)
    counts = [
        {**c, "category": labels[c["category"]]}
        for c in referral_policy.visible(tenancy)
        .annotate(year=ExtractYear("referred_on"))
        .values("municipality__name", "year", "category")
        .annotate(n=Count("id"))
        .order_by("municipality__name", "-year", "category")
    ]
    shown: dict = {}
    for referral in referrals:
        shown.setdefault(referral.municipality, []).append(referral)
    if not shown:  # an empty list is a listing too: in the user's own municipality if they have one
        own = {m.municipality for m in tenancy.memberships if m.municipality_id}
        shown = {own.pop() if len(own) == 1 else None: []}
    for municipality, rows in shown.items():
        log_access(
            action=AccessAction.LIST,
            object_type="collaboration.referral",
            municipality=municipality,
            detail=",".join(str(r.pk) for r in rows),
        )
    return referrals, counts
