"""Search by needs: who is left out and why, and the order of those that fit."""

import datetime

from django.utils import timezone

from fridsam.housing.search import Availability, Candidate, Child, Household, search


def candidate(name, groups, *, places=6, family=2, max_age=17, quality="assured", availability=None, feedback=None):
    return Candidate(
        provider=name,
        target_groups=set(groups),
        children_max_age=max_age,
        places=places,
        family_rooms=family,
        quality=quality,
        availability=availability,
        feedback_average=feedback,
    )


def fresh(free, family=1):
    return Availability(free, family, timezone.now() - datetime.timedelta(hours=2), stale=False)


def stale(free):
    return Availability(free, 1, timezone.now() - datetime.timedelta(hours=72), stale=True)


MOTHER_TWO_CHILDREN_AND_A_DOG = Household(adult_group="women", children=[Child(7, "girl"), Child(14, "boy")], pets=True)


def test_every_reason_is_given():
    _fits, out = search(
        [
            candidate("A men only", ["men", "children", "older_boys", "pets"]),
            candidate("B young children", ["women", "children", "pets"], max_age=10),
            candidate("C no pets", ["women", "children", "older_boys"]),
            candidate("D no family room", ["women", "children", "older_boys", "pets"], family=0),
            candidate("E too small", ["women", "children", "older_boys", "pets"], places=2),
            candidate("F full", ["women", "children", "older_boys", "pets"], availability=fresh(1)),
        ],
        MOTHER_TWO_CHILDREN_AND_A_DOG,
    )
    reasons = {c.provider: c.reasons for c in out}
    assert reasons["A men only"] == ["Tar inte emot kvinnor."]
    assert reasons["B young children"] == [
        "Tar emot barn upp till 10 år; det äldsta barnet är 14.",
        "Tar inte emot pojkar som är 13 år eller äldre.",
    ]
    assert reasons["C no pets"] == ["Tar inte emot husdjur."]
    assert reasons["D no family room"] == ["Har inget familjerum."]
    assert reasons["E too small"] == ["Har 2 platser; hushållet är 3 personer."]
    assert reasons["F full"][0].startswith("Rapporterade 1 ledig plats ")


def test_order_quality_then_availability_then_feedback():
    groups = ["women", "children", "older_boys", "pets"]
    fits, out = search(
        [
            candidate("not assessed, free", groups, quality="not_assessed", availability=fresh(4)),
            candidate("assured, stale", groups, availability=stale(0), feedback=5),
            candidate("assured, free, liked", groups, availability=fresh(3), feedback=4.5),
            candidate("assured, free, less liked", groups, availability=fresh(3), feedback=3),
            candidate("too old", groups, quality="expired", availability=fresh(3)),
        ],
        MOTHER_TWO_CHILDREN_AND_A_DOG,
    )
    assert out == []
    assert [c.provider for c in fits] == [
        "assured, free, liked",
        "assured, free, less liked",
        "assured, stale",  # a stale report of 0 free places does not exclude
        "too old",
        "not assessed, free",
    ]


def test_needs_must_be_accepted():
    household = Household(adult_group="women", needs={"honour", "high_protection"})
    fits, out = search(
        [candidate("X", ["women", "honour"]), candidate("Y", ["women", "honour", "high_protection"])], household
    )
    assert [c.provider for c in fits] == ["Y"]
    assert out[0].reasons == ["Tar inte emot: höga skyddsbehov."]
