"""Search for protected housing by a household's needs: which providers fit, in what order, and
for every provider left out, why.

Pure functions over plain values, so the rules are tested without a database. A provider is left
out when it does not take the household (target groups, children's ages, older boys, pets, needs),
cannot house it (places, a family room for a parent with children) or has reported, within the
last 48 hours, too few free places. The providers that fit are ordered by quality status
(quality-assured first), then availability (a fresh report with room, then unknown or stale),
then the placing municipalities' feedback, then name.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field

from django.conf import settings
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from fridsam.housing.models import TargetGroup

OLDER_BOY_AGE = 13


@dataclass(frozen=True)
class Child:
    age: int
    sex: str  # "girl" | "boy"


@dataclass
class Household:
    adult_group: str  # TargetGroup.WOMEN | MEN | LGBTQ
    adults: int = 1
    children: list[Child] = field(default_factory=list)
    pets: bool = False
    needs: set[str] = field(default_factory=set)  # further TargetGroup values

    @property
    def size(self) -> int:
        return self.adults + len(self.children)


@dataclass
class Availability:
    free_places: int
    free_family_rooms: int
    reported_at: datetime.datetime
    stale: bool


@dataclass
class Candidate:
    """What the search needs to know of a provider (built by selectors in constant queries)."""

    provider: object
    target_groups: set[str]
    children_max_age: int | None
    places: int
    family_rooms: int
    quality: str  # assured | expired | not_assured | not_assessed
    availability: Availability | None
    feedback_average: float | None
    feedback_count: int = 0
    reasons: list[str] = field(default_factory=list)

    @property
    def quality_label(self) -> str:
        return str(QUALITY_LABELS[self.quality])

    @property
    def availability_rank(self) -> int:
        a = self.availability
        if a is None or a.stale:
            return 1
        return 0


QUALITY_LABELS = {
    "assured": gettext_lazy("Quality-assured"),
    "expired": gettext_lazy("Assessment too old"),
    "not_assured": gettext_lazy("Not quality-assured"),
    "not_assessed": gettext_lazy("Not assessed"),
}
QUALITY_RANK = {"assured": 0, "expired": 1, "not_assured": 2, "not_assessed": 2}


def is_stale(reported_at: datetime.datetime, now: datetime.datetime) -> bool:
    return now > stale_from(reported_at)


def stale_from(reported_at: datetime.datetime) -> datetime.datetime:
    """When a report of free places is too old to count on."""
    return reported_at + datetime.timedelta(hours=settings.FRIDSAM_HOUSING_AVAILABILITY_STALE_HOURS)


def reasons_left_out(c: Candidate, household: Household) -> list[str]:
    """Every reason the provider cannot take this household (empty: it can)."""
    labels = dict(TargetGroup.choices)
    reasons = []
    if household.adult_group not in c.target_groups:
        reasons.append(_("Does not take %(group)s.") % {"group": str(labels[household.adult_group]).lower()})
    if household.children:
        if TargetGroup.CHILDREN not in c.target_groups:
            reasons.append(_("Does not take children."))
        else:
            oldest = max(child.age for child in household.children)
            if c.children_max_age is not None and oldest > c.children_max_age:
                reasons.append(
                    ngettext(
                        "Takes children up to %(max)s year; the oldest child is %(age)s.",
                        "Takes children up to %(max)s years; the oldest child is %(age)s.",
                        c.children_max_age,
                    )
                    % {"max": c.children_max_age, "age": oldest}
                )
            if (
                any(child.sex == "boy" and child.age >= OLDER_BOY_AGE for child in household.children)
                and TargetGroup.OLDER_BOYS not in c.target_groups
            ):
                reasons.append(_("Does not take boys aged 13 or older."))
        if c.family_rooms == 0:
            reasons.append(_("Has no family room."))
    if household.pets and TargetGroup.PETS not in c.target_groups:
        reasons.append(_("Does not take pets."))
    for need in sorted(household.needs):
        if need not in c.target_groups:
            reasons.append(_("Does not take: %(need)s.") % {"need": str(labels[need]).lower()})
    if household.size > c.places:
        reasons.append(
            ngettext(
                "Has %(places)s place; the household is %(size)s persons.",
                "Has %(places)s places; the household is %(size)s persons.",
                c.places,
            )
            % {"places": c.places, "size": household.size}
        )
    a = c.availability
    if a is not None and not a.stale:
        if a.free_places < household.size:
            reasons.append(
                ngettext(
                    "Reported %(free)s free place on %(when)s.",
                    "Reported %(free)s free places on %(when)s.",
                    a.free_places,
                )
                % {"free": a.free_places, "when": a.reported_at.strftime("%Y-%m-%d %H:%M")}
            )
        elif household.children and a.free_family_rooms == 0 and c.family_rooms > 0:
            reasons.append(
                _("Reported no free family room on %(when)s.") % {"when": a.reported_at.strftime("%Y-%m-%d %H:%M")}
            )
    return reasons


def search(candidates: list[Candidate], household: Household) -> tuple[list[Candidate], list[Candidate]]:
    """(matching in order, left out with reasons in name order)."""
    matching, left_out = [], []
    for c in candidates:
        c.reasons = reasons_left_out(c, household)
        (left_out if c.reasons else matching).append(c)
    matching.sort(
        key=lambda c: (
            QUALITY_RANK[c.quality],
            c.availability_rank,
            -(c.feedback_average or 0),
            str(c.provider),
        )
    )
    left_out.sort(key=lambda c: str(c.provider))
    return matching, left_out
