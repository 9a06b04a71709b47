"""The matching: hard constraints never broken, optimal (verified by brute force), never worse
than the greedy baseline, deterministic, and every unmatched applicant given the binding reason."""

import itertools

from hypothesis import given, settings
from hypothesis import strategies as st

from fridsam.housing.matching import Need, Offer, feasible, fit, greedy, solve

MUNICIPALITIES = [1, 2, 3, 4]

needs_st = st.builds(
    Need,
    id=st.integers(0, 0),  # replaced by position
    min_rooms=st.integers(1, 4),
    excluded=st.frozensets(st.sampled_from(MUNICIPALITIES), min_size=1, max_size=3),
    preferred=st.frozensets(st.sampled_from(MUNICIPALITIES), max_size=2),
    needs_accessible=st.booleans(),
    needs_ground_or_lift=st.booleans(),
    months=st.integers(0, 30),
)
offers_st = st.builds(
    Offer,
    id=st.integers(0, 0),
    municipality_id=st.sampled_from(MUNICIPALITIES),
    rooms=st.integers(1, 5),
    accessible=st.booleans(),
    floor=st.integers(0, 4),
    has_lift=st.booleans(),
)


def _numbered(items, cls):
    return [cls(**{**item.__dict__, "id": i + 1}) for i, item in enumerate(items)]


def instance(max_size):
    return st.tuples(
        st.lists(needs_st, max_size=max_size).map(lambda xs: _numbered(xs, Need)),
        st.lists(offers_st, max_size=max_size).map(lambda xs: _numbered(xs, Offer)),
    )


def brute_force(needs, offers):
    """The lexicographic optimum (placed, total fit) by trying every assignment."""
    best = (0, 0)
    slots = [*offers, *([None] * len(needs))]
    for perm in itertools.permutations(range(len(slots)), len(needs)):
        placed = score = 0
        for need, j in zip(needs, perm, strict=True):
            offer = slots[j]
            if offer is None:
                continue
            if not feasible(need, offer):
                break
            placed += 1
            score += fit(need, offer)[0]
        else:
            best = max(best, (placed, score))
    return best


@settings(max_examples=150, deadline=None)
@given(instance(12))
def test_no_proposal_breaks_a_hard_constraint(data):
    needs, offers = data
    result = solve(needs, offers)
    by_need = {n.id: n for n in needs}
    by_offer = {o.id: o for o in offers}
    assert len({p.offer_id for p in result.pairs}) == len(result.pairs)  # an apartment once
    assert len({p.need_id for p in result.pairs}) == len(result.pairs)  # an applicant once
    for pair in result.pairs:
        need, offer = by_need[pair.need_id], by_offer[pair.offer_id]
        assert offer.municipality_id not in need.excluded
        assert offer.rooms >= need.min_rooms
        assert offer.accessible or not need.needs_accessible
        assert offer.floor <= 0 or offer.has_lift or not need.needs_ground_or_lift
        assert pair.score == fit(need, offer)[0]
    assert {u.need_id for u in result.unmatched} | {p.need_id for p in result.pairs} == set(by_need)


@settings(max_examples=150, deadline=None)
@given(instance(12))
def test_never_worse_than_greedy(data):
    needs, offers = data
    optimal, baseline = solve(needs, offers), greedy(needs, offers)
    assert (optimal.placed, optimal.total_score) >= (baseline.placed, baseline.total_score)


@settings(max_examples=120, deadline=None)
@given(instance(5))
def test_optimal_against_brute_force(data):
    needs, offers = data
    result = solve(needs, offers)
    assert (result.placed, result.total_score) == brute_force(needs, offers)


@settings(max_examples=50, deadline=None)
@given(instance(10))
def test_deterministic_whatever_the_input_order(data):
    needs, offers = data
    a = solve(needs, offers)
    b = solve(list(reversed(needs)), list(reversed(offers)))
    assert [(p.need_id, p.offer_id) for p in a.pairs] == [(p.need_id, p.offer_id) for p in b.pairs]


def test_placing_more_beats_a_better_fit():
    # Applicant 1 fits both apartments and prefers municipality 2; applicant 2 fits only that one.
    needs = [Need(1, 1, frozenset({9}), frozenset({2}), months=24), Need(2, 1, frozenset({1}))]
    offers = [Offer(1, 1, 1), Offer(2, 2, 1)]
    result = solve(needs, offers)
    assert result.placed == 2
    assert {(p.need_id, p.offer_id) for p in result.pairs} == {(1, 1), (2, 2)}


def test_binding_reasons():
    offers = [Offer(1, 1, 2), Offer(2, 2, 3, floor=3)]
    cases = {
        "excluded": Need(1, 1, frozenset({1, 2})),
        "rooms": Need(2, 4, frozenset({3})),
        "accessible": Need(3, 2, frozenset({3}), needs_accessible=True),
        "ground_or_lift": Need(4, 3, frozenset({1}), needs_ground_or_lift=True),
    }
    result = solve(list(cases.values()), offers)
    reasons = {u.need_id: u.reason for u in result.unmatched}
    assert reasons == {need.id: reason for reason, need in cases.items()}
    assert solve([Need(1, 1, frozenset({5}))], []).unmatched[0].reason == "no_offers"


def test_competition_is_the_reason_when_others_took_what_fitted():
    needs = [Need(1, 1, frozenset({9}), months=20), Need(2, 1, frozenset({9}), months=1)]
    result = solve(needs, [Offer(1, 1, 1)])
    assert [(p.need_id, p.offer_id) for p in result.pairs] == [(1, 1)]  # the more urgent one
    (unmatched,) = result.unmatched
    assert unmatched.need_id == 2 and unmatched.reason == "competition" and unmatched.detail["fitting"] == 1


def test_fit_components():
    need = Need(1, 2, frozenset({9}), frozenset({1}), months=30)
    assert fit(need, Offer(1, 1, 2)) == (
        480 + 300 + 220,
        {"urgency": 480, "preferred": True, "size": 220, "extra_rooms": 0},
    )
    assert fit(need, Offer(2, 2, 3))[0] == 480 + 110
    assert fit(need, Offer(3, 2, 5))[0] == 480
