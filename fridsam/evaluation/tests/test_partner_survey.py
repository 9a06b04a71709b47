"""The partner survey: partners rate their contact with each municipality; a municipality sees its
result only when enough partners answered, and never who answered what."""

import re

import pytest
from django.utils import timezone

from fridsam.accounts.tests import factories as account_factories
from fridsam.core.roles import Role
from fridsam.evaluation.models import Response
from fridsam.evaluation.selectors import PARTNER_KEY, partner_results
from fridsam.organisations.tests import factories as org_factories

pytestmark = pytest.mark.django_db


def answer(client, world, contact="4", entry="2", better=""):
    own, neighbour = world.own.municipality.code, world.neighbour.municipality.code
    return client.post(
        "/enkater/samverkanspart/",
        {f"contact__{own}": contact, f"entry_point__{own}": entry, f"contact__{neighbour}": "", "better": better},
    )


def test_a_partner_rates_the_municipalities_of_the_county(world, login):
    client = login(world.own.users[Role.PARTNER])
    page = client.get("/enkater/samverkanspart/").content.decode()
    assert world.own.municipality.name in page and world.neighbour.municipality.name in page
    assert world.foreign.municipality.name not in page
    assert answer(client, world).status_code == 302
    response = Response.objects.get(respondent=world.own.users[Role.PARTNER], round__question_set__key=PARTNER_KEY)
    assert list(response.municipalities.all()) == [world.own.municipality]  # only the rated one
    assert "Svara på samverkansenkäten" not in client.get("/").content.decode()


def test_a_partner_who_answered_finds_the_answers_in_the_form_to_change(world, login):
    client = login(world.own.users[Role.PARTNER])
    answer(client, world, contact="4", entry="1", better="Fler gemensamma utbildningar.")
    page = client.get("/enkater/samverkanspart/").content.decode()
    own = world.own.municipality.code
    assert re.search(rf'name="contact__{own}"[^>]*>(?:(?!</select>).)*<option value="4" selected>', page, re.S)
    assert re.search(rf'name="entry_point__{own}"[^>]*>(?:(?!</select>).)*<option value="1" selected>', page, re.S)
    assert "Fler gemensamma utbildningar." in page


def test_bad_input_is_refused_and_kept(world, login):
    client = login(world.own.users[Role.PARTNER])
    response = answer(client, world, contact="9", better="Ring 19121212-1212")
    assert response.status_code == 200
    assert "Ring 19121212-1212" in response.content.decode()
    assert not Response.objects.filter(round__question_set__key=PARTNER_KEY).exists()


def test_results_only_when_three_partners_answered(world, login):
    year = timezone.localdate().year
    partners = [world.own.users[Role.PARTNER]]
    for i in range(2):
        org = org_factories.partner(county=world.own.county, name=f"Part {i}")
        partners.append(account_factories.staff(Role.PARTNER, partner_organisation=org, username=f"part-{i}"))
    for i, user in enumerate(partners[:2]):
        answer(login(user), world, contact=str(3 + i), entry="2")
    (result,) = [r for r in partner_results([world.own.municipality], year=year)]
    assert result.respondents == 2 and not result.shown
    coordinator = login(world.own.users[Role.COORDINATOR])
    assert "För få svar för att visa" in coordinator.get("/enkater/samverkanspart/resultat/").content.decode()
    answer(login(partners[2]), world, contact="5", entry="1")
    (result,) = partner_results([world.own.municipality], year=year)
    assert result.shown and result.contact_mean == 4.0 and result.knows_entry == {"yes": 2, "partly": 1, "no": 0}
    html = login(world.own.users[Role.COORDINATOR]).get("/enkater/samverkanspart/resultat/").content.decode()
    assert "4,0" in html and world.neighbour.municipality.name not in html
    assert login(world.own.users[Role.PARTNER]).get("/enkater/samverkanspart/resultat/").status_code == 403
    assert login(world.own.users[Role.COORDINATOR]).get("/enkater/samverkanspart/").status_code == 403
