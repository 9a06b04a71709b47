"""Matching applicants to apartments in the housing exchange.

The proposal is an *optimal* assignment: as many applicants placed as possible, and among those
assignments the best total fit. Hard constraints are never broken: an apartment in a municipality
excluded for the applicant's safety, with too few rooms, without wheelchair access when it is
needed, or above the ground floor without a lift when that is needed, is not a candidate at all.

It is solved as one maximum-weight assignment with SciPy's ``linear_sum_assignment`` (a proven
Hungarian-type solver): a feasible pair weighs ``BIG + fit``, an infeasible pair 0, and ``BIG`` is
larger than any possible sum of fits, so one more placement always outweighs any gain in fit
(lexicographic optimum). Integer weights and input ordered by id make the result deterministic.

Fit (0–1000) = urgency (months already in protected housing, 20 points a month up to two years)
+ preference (300 when the apartment lies in a municipality the household prefers) + size fit
(220 for exactly the rooms needed, 110 for one more, 0 for more than that).
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
from scipy.optimize import linear_sum_assignment

URGENCY_PER_MONTH = 20
URGENCY_MONTHS_CAP = 24
PREFERENCE_POINTS = 300
SIZE_POINTS = (220, 110)  # exact rooms, one room more; more than that: 0
MAX_FIT = URGENCY_PER_MONTH * URGENCY_MONTHS_CAP + PREFERENCE_POINTS + SIZE_POINTS[0]


@dataclass(frozen=True)
class Need:
    """An applicant as the matching sees it."""

    id: int
    min_rooms: int
    excluded: frozenset[int]
    preferred: frozenset[int] = frozenset()
    needs_accessible: bool = False
    needs_ground_or_lift: bool = False
    months: int = 0


@dataclass(frozen=True)
class Offer:
    """An apartment as the matching sees it."""

    id: int
    municipality_id: int
    rooms: int
    accessible: bool = False
    floor: int = 0
    has_lift: bool = False


@dataclass
class Pair:
    need_id: int
    offer_id: int
    score: int
    explanation: dict


@dataclass
class Unmatched:
    need_id: int
    reason: str  # no_offers | excluded | rooms | accessible | ground_or_lift | competition
    detail: dict = field(default_factory=dict)


@dataclass
class Result:
    pairs: list[Pair]
    unmatched: list[Unmatched]

    @property
    def placed(self) -> int:
        return len(self.pairs)

    @property
    def total_score(self) -> int:
        return sum(p.score for p in self.pairs)


def feasible(need: Need, offer: Offer) -> bool:
    return (
        offer.municipality_id not in need.excluded
        and offer.rooms >= need.min_rooms
        and (offer.accessible or not need.needs_accessible)
        and (offer.floor <= 0 or offer.has_lift or not need.needs_ground_or_lift)
    )


def fit(need: Need, offer: Offer) -> tuple[int, dict]:
    urgency = URGENCY_PER_MONTH * min(need.months, URGENCY_MONTHS_CAP)
    preferred = offer.municipality_id in need.preferred
    extra = offer.rooms - need.min_rooms
    size = SIZE_POINTS[extra] if 0 <= extra < len(SIZE_POINTS) else 0
    total = urgency + (PREFERENCE_POINTS if preferred else 0) + size
    return total, {"urgency": urgency, "preferred": preferred, "size": size, "extra_rooms": extra}


def _matrices(needs: list[Need], offers: list[Offer]):
    """Feasibility and fit for every pair, vectorised (2 000 × 2 000 in well under a second)."""
    municipalities = sorted({o.municipality_id for o in offers})
    index = {m: i for i, m in enumerate(municipalities)}
    o_muni = np.array([index[o.municipality_id] for o in offers], dtype=np.int64)
    o_rooms = np.array([o.rooms for o in offers], dtype=np.int64)
    o_access = np.array([o.accessible for o in offers], dtype=bool)
    o_level = np.array([o.floor <= 0 or o.has_lift for o in offers], dtype=bool)
    n_rooms = np.array([n.min_rooms for n in needs], dtype=np.int64)
    n_access = np.array([n.needs_accessible for n in needs], dtype=bool)
    n_level = np.array([n.needs_ground_or_lift for n in needs], dtype=bool)
    n_urgency = np.array([URGENCY_PER_MONTH * min(n.months, URGENCY_MONTHS_CAP) for n in needs], dtype=np.int64)
    excluded = np.zeros((len(needs), len(municipalities)), dtype=bool)
    preferred = np.zeros((len(needs), len(municipalities)), dtype=bool)
    for row, need in enumerate(needs):
        for m in need.excluded:
            if m in index:
                excluded[row, index[m]] = True
        for m in need.preferred:
            if m in index:
                preferred[row, index[m]] = True
    ok = ~excluded[:, o_muni]
    ok &= o_rooms[None, :] >= n_rooms[:, None]
    ok &= o_access[None, :] | ~n_access[:, None]
    ok &= o_level[None, :] | ~n_level[:, None]
    extra = o_rooms[None, :] - n_rooms[:, None]
    size = np.where(extra == 0, SIZE_POINTS[0], np.where(extra == 1, SIZE_POINTS[1], 0))
    score = n_urgency[:, None] + np.where(preferred[:, o_muni], PREFERENCE_POINTS, 0) + size
    return ok, score


def solve(needs: list[Need], offers: list[Offer]) -> Result:
    needs = sorted(needs, key=lambda n: n.id)
    offers = sorted(offers, key=lambda o: o.id)
    if not needs:
        return Result([], [])
    if not offers:
        return Result([], [Unmatched(n.id, "no_offers") for n in needs])
    ok, score = _matrices(needs, offers)
    big = (min(len(needs), len(offers)) + 1) * (MAX_FIT + 1)
    weight = np.where(ok, big + score, 0).astype(np.float64)
    rows, cols = linear_sum_assignment(weight, maximize=True)
    pairs = []
    for r, c in zip(rows.tolist(), cols.tolist(), strict=True):
        if ok[r, c]:
            total, explanation = fit(needs[r], offers[c])
            pairs.append(Pair(needs[r].id, offers[c].id, total, explanation))
    placed = {p.need_id for p in pairs}
    unmatched = [explain_unmatched(n, offers, ok[i]) for i, n in enumerate(needs) if n.id not in placed]
    return Result(pairs, unmatched)


def explain_unmatched(need: Need, offers: list[Offer], feasible_row=None) -> Unmatched:
    """The binding reason: the first hard constraint that leaves no apartment, or, when some fit,
    that every one of them was needed to place other applicants."""
    if not offers:
        return Unmatched(need.id, "no_offers")
    stages = [
        ("excluded", lambda o: o.municipality_id not in need.excluded),
        ("rooms", lambda o: o.rooms >= need.min_rooms),
        ("accessible", lambda o: o.accessible or not need.needs_accessible),
        ("ground_or_lift", lambda o: o.floor <= 0 or o.has_lift or not need.needs_ground_or_lift),
    ]
    remaining = list(offers)
    counts = {"offers": len(offers)}
    for key, test in stages:
        remaining = [o for o in remaining if test(o)]
        counts[key] = len(remaining)
        if not remaining:
            return Unmatched(need.id, key, counts)
    return Unmatched(need.id, "competition", {**counts, "fitting": len(remaining)})


def greedy(needs: list[Need], offers: list[Offer]) -> Result:
    """The baseline the benchmark compares with: the most urgent applicant first takes the best
    fitting free apartment."""
    taken: set[int] = set()
    pairs = []
    unmatched = []
    offers = sorted(offers, key=lambda o: o.id)
    for need in sorted(needs, key=lambda n: (-n.months, n.id)):
        best = None
        for offer in offers:
            if offer.id in taken or not feasible(need, offer):
                continue
            total, explanation = fit(need, offer)
            if best is None or total > best[0]:
                best = (total, offer, explanation)
        if best is None:
            unmatched.append(explain_unmatched(need, offers))
        else:
            taken.add(best[1].id)
            pairs.append(Pair(need.id, best[1].id, best[0], best[2]))
    return Result(pairs, unmatched)
