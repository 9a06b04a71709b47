"""The statistics computed from records equal a brute-force count, update incrementally and never
overwrite a figure entered by hand."""

import datetime

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from fridsam.core.roles import Role
from fridsam.followup import services, tallies
from fridsam.followup.models import FollowUpRecord, Intervention
from fridsam.statistics.models import Indicator, IndicatorValue, ValueSource

pytestmark = pytest.mark.django_db

CATEGORIES = ["adult_victim", "child_exposed", "child_witnessed", "person_using_violence", "other"]


def brute_force(records, interventions):
    """Count by hand, from plain Python rows."""
    result = {}
    with_intervention = {i.record_id for i in interventions}

    def add(key, name, n=1):
        result.setdefault(key, dict.fromkeys(tallies.COMPUTED_FIELDS, 0))[name] += n

    for r in records:
        key = (r.municipality_id, r.opened_on.year)
        add(key, "adults", 0)
        if r.category == "adult_victim":
            add(key, "adults")
            add(key, "adults_screened", int(r.screening_on is not None))
            add(key, "adults_risk_assessed", int(r.risk_assessed_on is not None))
            add(key, "adults_with_intervention", int(r.pk in with_intervention))
        if r.category == "child_exposed":
            add(key, "children_exposed")
        if r.category == "child_witnessed":
            add(key, "children_witnessed")
        if r.closed_on:
            add((r.municipality_id, r.closed_on.year), "closed")
            add((r.municipality_id, r.closed_on.year), "closed_ended", int(r.outcome == "ended"))
            goal_met = r.category == "adult_victim" and r.closure_reason in ("goals_met", "goals_partly_met")
            add(
                (r.municipality_id, r.closed_on.year),
                "adults_closed_goal_met",
                int(goal_met and r.pk in with_intervention),
            )
    by_record = {r.pk: r for r in records}
    seen = set()
    for i in interventions:
        key = (i.municipality_id, i.started_on.year)
        if i.kind in ("protected_housing", "perpetrator_programme"):  # other interventions are not counted
            add(key, "adults", 0)
        if i.kind == "protected_housing":
            add(key, "protected_housing_nights", i.quantity or 0)
            if by_record[i.record_id].category == "adult_victim" and (key, i.record_id, "ph") not in seen:
                seen.add((key, i.record_id, "ph"))
                add(key, "protected_housing_adults")
        if i.kind == "perpetrator_programme" and (key, i.record_id, "pp") not in seen:
            seen.add((key, i.record_id, "pp"))
            add(key, "perpetrator_referrals")
    for tally in result.values():
        tally["all_victims"] = tally["adults"] + tally["children_exposed"] + tally["children_witnessed"]
    return result


record_strategy = st.fixed_dictionaries(
    {
        "where": st.sampled_from(["own", "neighbour"]),
        "category": st.sampled_from(CATEGORIES),
        "opened": st.dates(datetime.date(2024, 1, 1), datetime.date(2025, 12, 31)),
        "screened": st.booleans(),
        "risk": st.booleans(),
        "close_after": st.one_of(st.none(), st.integers(0, 500)),
        "outcome": st.sampled_from(["ended", "reduced", "unchanged", "unknown"]),
        "reason": st.sampled_from(["goals_met", "goals_partly_met", "declined", "moved"]),
        "interventions": st.lists(
            st.tuples(
                st.sampled_from(["protected_housing", "perpetrator_programme", "support_talks"]),
                st.integers(0, 300),
                st.integers(1, 60),
            ),
            max_size=3,
        ),
    }
)


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(rows=st.lists(record_strategy, min_size=1, max_size=25))
def test_aggregation_equals_a_brute_force_count(world, rows):
    FollowUpRecord.objects.all().delete()
    records, interventions = [], []
    for n, row in enumerate(rows):
        tenant = getattr(world, row["where"])
        age = "6-12" if row["category"].startswith("child") else "25-44"
        record = FollowUpRecord(
            municipality=tenant.municipality,
            unit=tenant.unit,
            owner=tenant.users[Role.SOCIAL_WORKER],
            reference_hash=f"h{n}",
            opened_on=row["opened"],
            route_in="self",
            category=row["category"],
            sex="female",
            age_band=age,
            relation="partner",
            screening_on=row["opened"] if row["screened"] else None,
            risk_assessed_on=row["opened"] if row["risk"] else None,
            risk_level="low" if row["risk"] else "",
        )
        if row["close_after"] is not None:
            record.status = "closed"
            record.closed_on = row["opened"] + datetime.timedelta(days=row["close_after"])
            record.outcome = row["outcome"]
            record.closure_reason = row["reason"]
        record.save()
        records.append(record)
        for kind, offset, quantity in row["interventions"]:
            i = Intervention(
                record=record,
                municipality_id=record.municipality_id,
                kind=kind,
                started_on=row["opened"] + datetime.timedelta(days=offset),
                quantity=quantity if kind != "perpetrator_programme" else None,
            )
            i.save()
            interventions.append(i)
    computed = tallies.compute()
    expected = brute_force(records, interventions)
    assert set(computed) == set(expected)
    for key, tally in expected.items():
        assert {k: computed[key][k] for k in tally} == tally, key


def test_the_statistics_follow_each_change_incrementally(world, make_record):
    worker = world.own.users[Role.SOCIAL_WORKER]
    municipality = world.own.municipality

    def value(key, year=2026):
        v = IndicatorValue.objects.filter(municipality=municipality, indicator__key=key, year=year).first()
        return (v.count, v.denominator, v.source) if v else None

    record = make_record()
    assert value("vinr_adults") == (1, None, ValueSource.COMPUTED)
    assert value("screening_rate") == (0, 1, ValueSource.COMPUTED)
    services.record_update(record=record, fields={"screening_on": datetime.date(2026, 3, 3)}, user=worker)
    assert value("screening_rate") == (1, 1, ValueSource.COMPUTED)
    services.intervention_add(
        record=record, kind="protected_housing", started_on=datetime.date(2026, 3, 4), quantity=12, user=worker
    )
    assert value("protected_housing") == (1, None, "computed") and value("protected_housing_nights")[0] == 12
    services.record_update(record=record, fields={"category": "child_witnessed", "age_band": "6-12"}, user=worker)
    assert value("vinr_adults") == (0, None, "computed") and value("vinr_children_witnessed")[0] == 1
    assert value("screening_rate") is None  # a share over nobody is not shown
    services.record_update(record=record, fields={"opened_on": datetime.date(2026, 3, 1)}, user=worker)
    services.record_close(
        record=record,
        closed_on=datetime.date(2026, 5, 1),
        reason="goals_met",
        outcome="ended",
        client_view="",
        user=worker,
    )
    assert value("closed_violence_ended") == (1, 1, "computed")
    services.record_reopen(record=record, reason="Ny händelse", user=worker)
    assert value("closed_violence_ended") is None


def test_a_figure_entered_by_hand_stands(world, make_record):
    municipality = world.own.municipality
    indicator = Indicator.objects.get(key="vinr_adults")
    IndicatorValue.objects.create(
        municipality=municipality, indicator=indicator, year=2026, count=40, source=ValueSource.ENTERED
    )
    make_record()
    assert IndicatorValue.objects.get(municipality=municipality, indicator=indicator, year=2026).count == 40
    # The sum would mix hand-entered and computed parts: it is left out.
    assert not IndicatorValue.objects.filter(municipality=municipality, indicator__key="vinr_all", year=2026).exists()
    assert (
        IndicatorValue.objects.get(municipality=municipality, indicator__key="vinr_children_exposed", year=2026).count
        == 0
    )
    assert tallies.recompute_all() == 0  # the full rebuild agrees with the incremental updates


def test_the_statistics_page_shows_computed_figures(world, make_record, login):
    make_record()
    client = login(world.own.users[Role.COORDINATOR])
    response = client.get(f"/kommuner/{world.own.municipality.code}/statistik/2026/")
    assert response.status_code in (200, 302)
