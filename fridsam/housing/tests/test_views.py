"""Through HTTP: the register and the exchange as each role sees them, forms that keep what was
typed, the address reveal in the access log, and constant query counts on the list pages."""

import itertools
from pathlib import Path

import pytest

from fridsam.accounts.selectors import tenancy_for_user
from fridsam.core.models import AccessLogEntry
from fridsam.core.roles import Role
from fridsam.core.testing import count_queries
from fridsam.housing import selectors, services

pytestmark = pytest.mark.django_db
NAMES = itertools.count(1)


def test_provider_form_keeps_what_was_typed_and_says_why_in_swedish(world, login):
    client = login(world.own.users[Role.COORDINATOR])
    response = client.post(
        "/skyddat-boende/ny/",
        {"name": "Jouren Syd", "operator_type": "private", "located_in": world.own.municipality.pk,
         "address": "Gatan 5", "phone": "021-1", "places": "4", "family_rooms": "1", "staffing": "24h",
         "target_groups": ["women"]},
    )  # fmt: skip
    assert response.status_code == 200
    html = response.content.decode()
    assert "behöver tillstånd från IVO" in html
    assert 'value="Jouren Syd"' in html


def test_partner_sees_only_their_own_providers(world, login, make_provider):
    own = make_provider(name="Jourens boende")
    other = make_provider(name="Annat boende", partner_organisation=None)
    client = login(world.own.users[Role.PARTNER])
    html = client.get("/skyddat-boende/").content.decode()
    assert "Jourens boende" in html and "Annat boende" not in html
    assert client.get(f"/skyddat-boende/{other.pk}/").status_code == 404
    assert client.post(f"/skyddat-boende/{own.pk}/adress/").status_code == 403
    assert client.post(f"/skyddat-boende/{own.pk}/lediga-platser/", {"free_places": "2", "free_family_rooms": "0"})[
        "Location"
    ].endswith(f"/skyddat-boende/{own.pk}/")


def test_a_partner_whose_organisation_runs_no_housing_is_not_offered_the_register(world, login, make_provider):
    client = login(world.own.users[Role.PARTNER])
    start = client.get("/").content.decode()
    assert "/skyddat-boende/" not in start and 'id="start-housing"' not in start  # no menu item, no empty section
    page = client.get("/skyddat-boende/").content.decode()  # reached by its address: says why it is empty
    assert "Din organisation rapporterar inte lediga platser för något skyddat boende." in page
    assert "Alla boenden" not in page
    make_provider(name="Jourens boende")
    start = client.get("/").content.decode()
    assert 'href="/skyddat-boende/"' in start and 'id="start-housing"' in start


def test_another_county_never_sees_the_register(world, login, make_provider):
    provider = make_provider()
    client = login(world.foreign.users[Role.COORDINATOR])
    assert client.get(f"/skyddat-boende/{provider.pk}/").status_code == 404
    assert provider.name not in client.get("/skyddat-boende/").content.decode()


def test_address_reveal_is_logged_with_the_reader(world, login, make_provider):
    provider = make_provider(address="Dolda vägen 3")
    client = login(world.neighbour.users[Role.SOCIAL_WORKER])  # same county, places people
    detail = client.get(f"/skyddat-boende/{provider.pk}/").content.decode()
    assert "Dolda vägen" not in detail
    response = client.post(f"/skyddat-boende/{provider.pk}/adress/")
    assert "Dolda vägen 3" in response.content.decode()
    entry = AccessLogEntry.objects.filter(object_type="housing.provider", detail="address").latest("sequence")
    assert entry.username == world.neighbour.users[Role.SOCIAL_WORKER].username
    assert login(world.own.users[Role.COUNTY_ANALYST]).post(f"/skyddat-boende/{provider.pk}/adress/").status_code == 403


def test_the_other_municipality_sees_no_exclusions(world, login, make_apartment, make_applicant):
    make_apartment()
    applicant = make_applicant(excluded=[world.own.municipality])
    client = login(world.neighbour.users[Role.COORDINATOR])
    assert client.get(f"/bostadsbyte/sokande/{applicant.pk}/").status_code == 404
    run_url = client.post("/bostadsbyte/matchning/")["Location"]
    html = client.get(run_url).content.decode()
    # Another municipality's applicant is only a count on the run (ADR 0012, 2026-12-01).
    assert str(applicant) not in html and "uteslutna" not in html
    assert client.get(run_url).context["picture"].counts.applicants == 1


@pytest.mark.parametrize("url", ["/skyddat-boende/", "/bostadsbyte/", "/bostadsbyte/balans/"])
def test_list_pages_have_a_constant_query_count(world, login, make_provider, make_apartment, make_applicant, url):
    client = login(world.own.users[Role.COORDINATOR])

    def grow(n):
        for i in range(n):
            provider = make_provider(name=f"Boende {next(NAMES)}")
            services.availability_report(
                provider=provider, free_places=1, free_family_rooms=0, user=world.own.users[Role.PARTNER]
            )
            make_apartment(tenant=world.own)
            make_applicant()

    grow(1)
    client.get(url)
    few = count_queries(lambda: client.get(url))
    grow(5)
    many = count_queries(lambda: client.get(url))
    assert few == many, (few, many)
    assert many <= 25


def test_start_page_shows_what_waits(world, login, make_provider, make_apartment, make_applicant):
    apartment, applicant = make_apartment(), make_applicant()
    services.allocation_propose(apartment=apartment, applicant=applicant, user=world.own.users[Role.COORDINATOR])
    html = login(world.neighbour.users[Role.COORDINATOR]).get("/").content.decode()
    assert "tilldelning väntar på dig" in html  # the offering side has to accept
    provider = make_provider(name="Jourens boende")
    html = login(world.own.users[Role.PARTNER]).get("/").content.decode()
    assert "Rapportera lediga platser på Jourens boende" in html and "aldrig rapporterat" in html
    assert f"/skyddat-boende/{provider.pk}/lediga-platser/" in html


def test_an_applicants_page_is_read_through_the_read_service_logged_as_the_tenancy_user(world, make_applicant):
    # Outside a request too (a command, a task): the row names the user whose tenancy reads.
    applicant = make_applicant()
    coordinator = world.own.users[Role.COORDINATOR]
    assert services.applicant_read(tenancy=tenancy_for_user(user=coordinator), pk=applicant.pk) == applicant
    row = AccessLogEntry.objects.filter(action="read", object_type="housing.applicant").get()
    assert (row.object_id, row.username) == (str(applicant.pk), coordinator.username)
    assert "log_access" not in Path(selectors.__file__).read_text(encoding="utf-8")
