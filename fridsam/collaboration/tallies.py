"""Statistics computed from collaboration. The agreements indicator: how many of the
six partners of the open comparisons (women's shelter, police, primary care, psychiatry,
emergency department, youth clinic) the municipality has a current written agreement with — at
31 December of each year, or today for the current year. Written as computed values; a figure
entered by hand stands (``statistics.computed``). Referrals to partners: counted per year."""

from __future__ import annotations

import datetime

from django.db.models import Count
from django.db.models.functions import ExtractYear
from django.utils import timezone

from fridsam.collaboration.models import OPEN_COMPARISON_PARTIES, Agreement, Referral
from fridsam.statistics.computed import write_computed
from fridsam.statistics.models import Indicator

KEY = "collaboration_agreements"


def current_parties(agreements, day: datetime.date) -> set[str]:
    return {a.party for a in agreements if a.party in OPEN_COMPARISON_PARTIES and a.is_current(day)}


def refresh_agreements(municipality_id: int) -> int:
    indicator = Indicator.objects.filter(key=KEY, is_active=True).values_list("id", flat=True).first()
    if indicator is None:
        return 0
    agreements = list(Agreement.system_objects.filter(municipality_id=municipality_id))
    today = timezone.localdate()
    if not agreements:
        return write_computed(set(), {}, {KEY: indicator})
    first = min(a.approved_on.year for a in agreements)
    figures = {}
    for year in range(first, today.year + 1):
        day = today if year == today.year else datetime.date(year, 12, 31)
        figures[(municipality_id, year)] = {KEY: (len(current_parties(agreements, day)), None)}
    return write_computed(set(figures), figures, {KEY: indicator})


REFERRALS_KEY = "partner_referrals"


def refresh_referrals(municipality_id: int, years) -> int:
    """Referrals to partners per year (by referral date), written as computed values."""
    indicator = Indicator.objects.filter(key=REFERRALS_KEY, is_active=True).values_list("id", flat=True).first()
    years = {y for y in years if y}
    if indicator is None or not years:
        return 0
    counts = dict(
        Referral.system_objects.filter(municipality_id=municipality_id)
        .annotate(year=ExtractYear("referred_on"))
        .filter(year__in=sorted(years))
        .values("year")
        .annotate(n=Count("id"))
        .values_list("year", "n")
    )
    figures = {(municipality_id, y): {REFERRALS_KEY: (n, None)} for y, n in counts.items()}
    return write_computed({(municipality_id, y) for y in years}, figures, {REFERRALS_KEY: indicator})
