"""What each municipality sees of a matching run (ADR 0012, 2026-12-01).

The applicant's municipality sees its applicants' proposals and reasons in full; the offering
municipality learns of a proposal only when the applicant's municipality has taken it up (an
allocation, with the household and its needs); every other municipality sees the county's counts.
"""

import datetime
import re
from types import SimpleNamespace

import pytest
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import translation
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from fridsam.accounts.selectors import tenancy_for_user
from fridsam.accounts.tests import factories as account_factories
from fridsam.core.roles import Role
from fridsam.core.testing import count_queries
from fridsam.housing import selectors, services
from fridsam.housing.models import Allocation, Proposal
from fridsam.organisations.tests import factories as org_factories

pytestmark = pytest.mark.django_db


@pytest.fixture
def third(world):
    """A third municipality of the same county (Arboga, Västmanlands län) with a coordinator."""
    municipality = org_factories.municipality("1984")
    coordinator = account_factories.staff(Role.COORDINATOR, municipality=municipality, username="third-coordinator")
    return SimpleNamespace(municipality=municipality, coordinator=coordinator)


@pytest.fixture
def scenario(world, third, make_apartment, make_applicant):
    """Own's applicant proposed for the neighbour's apartment; another of own's not placed because
    the only apartment lies in a municipality excluded for her safety."""
    apartment = make_apartment(rooms=3, floor=1, has_lift=True)  # offered by the neighbour
    placed = make_applicant(
        reference="IFO-PLACED-7",
        adults=2,
        children_ages=[9, 4],
        min_rooms=3,
        needs_ground_or_lift=True,
        excluded=[third.municipality],
        preferred=[world.neighbour.municipality],
        months_in_protected_housing=14,
    )
    stuck = make_applicant(reference="IFO-STUCK-8", min_rooms=1, excluded=[world.neighbour.municipality])
    run = services.match_run(county=world.own.county, user=world.own.users[Role.COORDINATOR])
    assert (run.applicants, run.apartments, run.placed) == (2, 1, 1)
    assert run.unmatched[0]["reason"] == "excluded"
    proposal = Proposal.objects.get(run=run)
    return SimpleNamespace(apartment=apartment, placed=placed, stuck=stuck, run=run, proposal=proposal)


def _applicant_traces(s, world):
    """Everything on a page that tells something of own's applicants."""
    return [
        str(s.placed),
        str(s.stuck),
        "IFO-PLACED",
        "IFO-STUCK",
        s.placed.reference_hash,
        "2 vuxna",  # household sizes
        "2 barn",
        "9, 4",
        "bottenvåning eller hiss",  # needs
        "minst 3 rum",
        "Önskad kommun",  # the preference
        "Tid i skyddat boende",  # the months in protected housing
        "uteslutna",  # any reason about exclusions
        world.own.municipality.name,  # the responsible municipality
    ]


def _page(login, user, url):
    response = login(user).get(url)
    assert response.status_code == 200
    return response.content.decode()


def test_a_third_municipality_sees_only_the_countys_counts(world, third, login, scenario):
    url = f"/bostadsbyte/matchning/{scenario.run.pk}/"
    html = _page(login, third.coordinator, url)
    for trace in [*_applicant_traces(scenario, world), str(scenario.apartment), world.neighbour.municipality.name]:
        assert trace not in html, trace
    picture = login(third.coordinator).get(url).context["picture"]
    assert (picture.counts.applicants, picture.counts.apartments, picture.counts.proposals) == (2, 1, 1)
    assert picture.counts.not_placed == 1
    assert picture.proposals == [] and picture.unmatched == [] and picture.allocations == []


def test_the_applicants_municipality_sees_its_applicants_in_full(world, login, scenario):
    html = _page(login, world.own.users[Role.COORDINATOR], f"/bostadsbyte/matchning/{scenario.run.pk}/")
    for shown in [
        str(scenario.placed),
        "2 vuxna",
        "2 barn (9, 4 år)",
        "bottenvåning eller hiss",
        str(scenario.apartment),
        world.neighbour.municipality.name,  # where the apartment lies
        "Önskad kommun: 300",
        "Tid i skyddat boende: 280",
        str(scenario.stuck),
        "av säkerhetsskäl",  # why the stuck applicant was not placed
        f"/bostadsbyte/forslag/{scenario.proposal.pk}/acceptera/",
    ]:
        assert shown in html, shown
    # Managers of the municipality read the proposals too, without the button to take them up.
    html = _page(login, world.own.users[Role.MANAGER], f"/bostadsbyte/matchning/{scenario.run.pk}/")
    assert str(scenario.placed) in html and "acceptera/" not in html


def test_the_offering_municipality_learns_of_a_proposal_when_it_is_taken_up(world, third, login, scenario):
    run_url = f"/bostadsbyte/matchning/{scenario.run.pk}/"
    neighbour = world.neighbour.users[Role.COORDINATOR]
    html = _page(login, neighbour, run_url)
    for trace in _applicant_traces(scenario, world):
        assert trace not in html, trace
    # It cannot take the proposal up first: the applicant's municipality decides.
    assert login(neighbour).post(f"/bostadsbyte/forslag/{scenario.proposal.pk}/acceptera/").status_code == 404
    with pytest.raises(ValidationError):
        services.proposal_accept(proposal=scenario.proposal, user=neighbour)
    assert not Allocation.objects.exists()

    response = login(world.own.users[Role.COORDINATOR]).post(f"/bostadsbyte/forslag/{scenario.proposal.pk}/acceptera/")
    allocation = Allocation.objects.get()
    assert response["Location"].endswith(f"/bostadsbyte/tilldelning/{allocation.pk}/")

    # Now the offering side sees the allocation: the applicant's number, the responsible
    # municipality, the household and its needs; still no preference, no time, no reasons.
    html = _page(login, neighbour, run_url)
    assert str(allocation) in html and str(scenario.placed) in html
    detail = _page(login, neighbour, f"/bostadsbyte/tilldelning/{allocation.pk}/")
    for shown in [str(scenario.placed), world.own.municipality.name, "2 vuxna", "bottenvåning eller hiss"]:
        assert shown in detail, shown
    for page in (html, detail):
        for hidden in ["Önskad kommun", "Tid i skyddat boende", "uteslutna", str(scenario.stuck), "IFO-"]:
            assert hidden not in page, hidden

    # The third municipality still sees nothing of it, on any page of the exchange.
    for url in [
        run_url,
        f"/bostadsbyte/lagenheter/{scenario.apartment.pk}/",
        "/bostadsbyte/",
        "/bostadsbyte/balans/",
        "/",
    ]:
        html = _page(login, third.coordinator, url)
        traces = [*_applicant_traces(scenario, world), str(allocation)]
        if url == "/bostadsbyte/balans/":  # the ledger names every municipality of the county, with counts
            traces.remove(world.own.municipality.name)
        for trace in traces:
            assert trace not in html, (url, trace)
    assert login(third.coordinator).get(f"/bostadsbyte/tilldelning/{allocation.pk}/").status_code == 404


def test_the_apartment_page_lists_only_the_viewers_allocations(world, third, login, make_apartment, make_applicant):
    apartment, applicant = make_apartment(), make_applicant()
    allocation = services.allocation_propose(
        apartment=apartment, applicant=applicant, user=world.own.users[Role.COORDINATOR]
    )
    url = f"/bostadsbyte/lagenheter/{apartment.pk}/"
    for user in (world.own.users[Role.COORDINATOR], world.neighbour.users[Role.COORDINATOR]):
        assert str(allocation) in _page(login, user, url)
    html = _page(login, third.coordinator, url)
    assert str(allocation) not in html and str(applicant) not in html
    assert world.own.municipality.name not in html


def test_only_the_applicants_municipality_takes_up_a_proposal(world, make_apartment, make_applicant):
    apartment, applicant = make_apartment(), make_applicant()  # neighbour's apartment, own's applicant
    with pytest.raises(ValidationError):
        services.allocation_propose(
            apartment=apartment, applicant=applicant, user=world.neighbour.users[Role.COORDINATOR]
        )
    assert not Allocation.objects.exists()


# --- Generated: no reason about an applicant reaches another municipality ----------------------

apartment_strategy = st.tuples(
    st.integers(0, 2),  # offering municipality
    st.integers(1, 4),  # rooms
    st.booleans(),  # accessible
    st.integers(0, 2),  # floor
    st.booleans(),  # lift
)
applicant_strategy = st.tuples(
    st.integers(0, 2),  # responsible municipality
    st.sets(st.integers(0, 2), min_size=1),  # excluded
    st.sets(st.integers(0, 2)),  # preferred (made disjoint from excluded)
    st.integers(1, 4),  # rooms needed
    st.booleans(),  # wheelchair
    st.booleans(),  # ground floor or lift
    st.integers(0, 30),  # months
)


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    apartments=st.lists(apartment_strategy, max_size=4),
    applicants=st.lists(applicant_strategy, min_size=1, max_size=5),
)
def test_reasons_reach_only_the_applicants_municipality(world, third, client, apartments, applicants):
    municipalities = [world.own.municipality, world.neighbour.municipality, third.municipality]
    coordinators = [world.own.users[Role.COORDINATOR], world.neighbour.users[Role.COORDINATOR], third.coordinator]
    with transaction.atomic():
        for i, (where, rooms, accessible, floor, lift) in enumerate(apartments):
            services.apartment_offer(
                municipality=municipalities[where],
                fields={"housing_company": "Bolaget", "rooms": rooms, "size_m2": 30 + 10 * rooms, "rent": 5000,
                        "floor": floor, "has_lift": lift, "accessible": accessible,
                        "available_from": datetime.date(2026, 12, 1)},
                address=f"Gatan {i}",
                user=coordinators[where],
            )  # fmt: skip
        registered = []
        for i, (where, excluded, preferred, rooms, wheelchair, level, months) in enumerate(applicants):
            registered.append(
                services.applicant_register(
                    municipality=municipalities[where],
                    data=services.ApplicantInput(
                        reference=f"GEN-{i}",
                        min_rooms=rooms,
                        needs_accessible=wheelchair,
                        needs_ground_or_lift=level,
                        excluded=[municipalities[m] for m in sorted(excluded)],
                        preferred=[municipalities[m] for m in sorted(preferred - excluded)],
                        months_in_protected_housing=months,
                    ),
                    user=coordinators[where],
                )
            )
        run = services.match_run(county=world.own.county, user=coordinators[0])
        proposals = {p.applicant_id: p for p in Proposal.objects.filter(run=run)}
        with translation.override("sv"):
            texts = {
                a.pk: (
                    selectors.proposal_reasons(proposals[a.pk].explanation)
                    if a.pk in proposals
                    else [selectors.unmatched_reason(u) for u in run.unmatched if u["applicant"] == a.pk]
                )
                for a in registered
            }
        for viewer, user in enumerate(coordinators):
            mine = {a.pk for a in registered if a.municipality_id == municipalities[viewer].pk}
            picture = selectors.match_run_picture(tenancy_for_user(user=user), run)
            # What the selection hands on: rows about the viewer's own applicants only.
            proposed = {row.proposal.applicant_id for row in picture.proposals}
            not_placed = {row.applicant.pk for row in picture.unmatched}
            assert proposed | not_placed == mine and not proposed & not_placed
            # What reaches the page: no other municipality's applicant and none of their reasons
            # (a text that also explains one of the viewer's own is the viewer's to read).
            client.force_login(user, backend="django.contrib.auth.backends.ModelBackend")
            html = client.get(f"/bostadsbyte/matchning/{run.pk}/").content.decode()
            allowed = {t for pk in mine for t in texts[pk]}
            for a in registered:
                if a.pk in mine:
                    assert str(a) in html
                    continue
                assert str(a) not in html
                for text in texts[a.pk]:
                    # Whole texts only: "… boende: 20" must not be found inside the own "… boende: 200".
                    shown = re.search(re.escape(text) + r"(?![\w])", html) is not None
                    assert text in allowed or not shown, (viewer, text)
            if not any(u["reason"] != "competition" for u in run.unmatched if u["applicant"] in mine):
                assert "uteslutna" not in html
        transaction.set_rollback(True)


def test_the_run_page_has_a_constant_query_count(world, login, make_apartment, make_applicant):
    own = world.own.users[Role.COORDINATOR]
    client = login(own)

    def run_page(n):
        for _ in range(n):
            make_apartment(rooms=2)
            make_applicant(min_rooms=2)
            make_applicant(min_rooms=2, excluded=[world.neighbour.municipality])  # not placed
        run = services.match_run(county=world.own.county, user=own)
        proposal = Proposal.objects.filter(run=run).first()
        services.proposal_accept(proposal=proposal, user=own)
        url = f"/bostadsbyte/matchning/{run.pk}/"
        client.get(url)
        return count_queries(lambda: client.get(url))

    few, many = run_page(1), run_page(5)
    assert few == many, (few, many)
    assert many <= 25
