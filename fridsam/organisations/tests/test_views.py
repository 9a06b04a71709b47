import pytest
from django.urls import reverse

from fridsam.accounts.tests import factories as account_factories
from fridsam.core.roles import Role
from fridsam.core.testing import assert_query_budget, count_queries
from fridsam.organisations.models import Unit
from fridsam.organisations.tests import factories

pytestmark = pytest.mark.django_db


def test_manager_adds_a_unit(world, client, login):
    login(world.own.users[Role.MANAGER])
    url = reverse("organisations:unit_create", args=[world.own.municipality.code])
    response = client.post(url, {"name": "Familjerätten", "unit_type": "family_law"})
    assert response.status_code == 302
    assert Unit.objects.filter(municipality=world.own.municipality, name="Familjerätten").exists()


def test_bad_input_is_reshown_with_a_swedish_error(world, client, login):
    login(world.own.users[Role.MANAGER])
    url = reverse("organisations:unit_create", args=[world.own.municipality.code])
    response = client.post(url, {"name": "Ärende 811218-9876", "unit_type": "intake"})
    assert response.status_code == 200
    html = response.content.decode()
    assert 'value="Ärende 811218-9876"' in html  # nothing typed is lost
    assert "personnummer" in html
    assert 'aria-invalid="true"' in html
    response = client.post(url, {"name": world.own.unit.name, "unit_type": "intake"})
    assert response.status_code == 200 and "finns redan" in response.content.decode()


def test_only_managers_and_administrators_change_units(world, client, login):
    url = reverse("organisations:unit_update", args=[world.own.municipality.code, world.own.unit.pk])
    for role in (Role.SOCIAL_WORKER, Role.COORDINATOR, Role.COUNTY_ANALYST):
        login(world.own.users[role])
        assert client.get(url).status_code == 403, role
        assert client.post(url, {"name": "x", "unit_type": "intake"}).status_code == 403
    login(world.administrator)
    assert client.get(url).status_code == 200


def test_unit_of_another_municipality_cannot_be_reached_through_own_code(world, client, login):
    login(world.own.users[Role.MANAGER])
    url = reverse("organisations:unit_update", args=[world.own.municipality.code, world.neighbour.unit.pk])
    assert client.get(url).status_code == 404


def _grow(world, n):
    """More municipalities, units and staff in the county: the list must not run more queries."""
    codes = ["1981", "1982", "1984", "1904", "1907", "1960", "1961", "1962"][:n]
    for code in codes:
        municipality = factories.municipality(code)
        factories.population(municipality=municipality)
        unit = factories.unit(municipality=municipality)
        account_factories.staff(Role.COORDINATOR, municipality=municipality)
        account_factories.staff(Role.SOCIAL_WORKER, municipality=municipality, unit=unit)


# Budgets: session, user, memberships, scope, two-factor check, then the page's own reads (the
# entry points take four: posts, absences, teams, managers). What matters most is that they do
# not grow with the number of rows, which the test checks too.
@pytest.mark.parametrize(
    ("role", "url_name", "budget"),
    [
        (Role.COUNTY_ANALYST, "organisations:municipality_list", 16),
        (Role.COUNTY_ANALYST, "core:start", 16),
        # the health check (agreements, referrals, competence coverage, routines, placements, open
        # comparisons), consultations, own actions, reminders, new staff behind on their introduction
        (Role.MANAGER, "core:start", 35),  # + the competence section gathers its own plans (ADR 0047)
        (Role.COORDINATOR, "core:start", 22),  # + reminders, coverage (4), routines, introductions
        (Role.SOCIAL_WORKER, "core:start", 16),
        (Role.PARTNER, "core:start", 17),  # + whether the partner runs protected housing (the menu)
        (Role.PARTNER, "organisations:partner_list", 16),
    ],
)
def test_list_pages_run_a_constant_number_of_queries(world, client, login, role, url_name, budget):
    _competence_plan(world)
    login(world.own.users[role])
    url = reverse(url_name)
    client.get(url)  # warm up (session, language)
    small = count_queries(lambda: client.get(url))
    _grow(world, 8)
    with assert_query_budget(budget):
        assert client.get(url).status_code == 200
    large = count_queries(lambda: client.get(url))
    assert large == small, f"{url_name} ran {small} queries with few rows and {large} with many"


def _competence_plan(world):
    """An approved competence plan, so that pages count what a municipality using it costs."""
    from fridsam.competence.tests import factories as competence_factories

    course = competence_factories.course(world.own.county)
    competence_factories.plan(world.own, [("Grund", [course], "", "", 6)], steps=[("Samtal", 30, "coordinator")])


def test_municipality_detail_query_budget(world, client, login):
    _competence_plan(world)
    login(world.own.users[Role.MANAGER])
    url = reverse("organisations:municipality_detail", args=[world.own.municipality.code])
    client.get(url)
    small = count_queries(lambda: client.get(url))
    for _ in range(5):
        unit = factories.unit(municipality=world.own.municipality)
        account_factories.staff(Role.SOCIAL_WORKER, municipality=world.own.municipality, unit=unit)
    assert count_queries(lambda: client.get(url)) == small
    # organisation, coordinator function, health check (questionnaire, consultations, agreements,
    # competence coverage, routines, placements, open comparisons)
    with assert_query_budget(38):
        client.get(url)
