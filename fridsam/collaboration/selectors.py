"""Reads of collaboration that write nothing: attendance over time, open action items. The referrals,
whose listing is logged, are read through ``services.referral_overview_read``."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Count, Q
from django.db.models.functions import ExtractYear

from fridsam.collaboration.models import ActionItem, Attendance


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
