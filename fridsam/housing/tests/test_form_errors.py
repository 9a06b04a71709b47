"""The housing forms say every error at once, next to its field, and keep what was typed: the
search by needs without "who needs protection", an applicant with a personal identity number as
its reference among other errors, and the register's dates (ADR 0026)."""

import re

import pytest

from fridsam.core.roles import Role
from fridsam.housing.models import Applicant, Provider

pytestmark = pytest.mark.django_db


def _field_error(html: str, field: str) -> str:
    match = re.search(rf'<div class="ds-validation-message"[^>]*id="id_{field}_error">(.*?)</div>', html, re.S)
    return match.group(1) if match else ""


def test_a_search_without_who_needs_protection_says_so_and_does_not_show_the_whole_register(
    world, client, make_provider
):
    provider = make_provider()
    world.act_as(client, world.own.users[Role.COORDINATOR])
    query = {"adults": "2", "child_1_age": "7", "child_1_sex": "girl", "pets": "on"}

    response = client.get("/skyddat-boende/", query)

    assert response.status_code == 200
    html = response.content.decode()
    assert "Välj vem som behöver skydd" in _field_error(html, "adult_group")
    assert 'id="all"' not in html and provider.name not in html  # no unfiltered register
    assert 'name="adults" value="2"' in html and 'name="child_1_age" value="7"' in html  # the input is kept
    assert re.search(r'<option value="girl" selected', html)
    assert client.get("/skyddat-boende/", {**query, "adult_group": "women"}).status_code == 200


def test_the_register_without_a_search_still_lists_every_provider(world, client, make_provider):
    provider = make_provider()
    world.act_as(client, world.own.users[Role.COORDINATOR])
    html = client.get("/skyddat-boende/").content.decode()
    assert 'id="all"' in html and provider.name in html and not _field_error(html, "adult_group")


def test_an_applicant_form_shows_the_personal_number_with_the_other_errors(world, client):
    world.act_as(client, world.own.users[Role.COORDINATOR])
    neighbour = world.neighbour.municipality
    data = {
        "municipality": world.own.municipality.pk,
        "reference": "19121212-1212",
        "adults": "1",
        "children_ages": "9, 19",
        "min_rooms": "",
        "preferred": [neighbour.pk],
        "months_in_protected_housing": "0",
    }

    response = client.post("/bostadsbyte/sokande/ny/", data)

    assert response.status_code == 200
    html = response.content.decode()
    assert "personnummer" in _field_error(html, "reference")  # at once, not after the others are mended
    assert _field_error(html, "excluded") and _field_error(html, "min_rooms")
    assert "0–17" in _field_error(html, "children_ages")
    assert 'value="9, 19"' in html
    assert not Applicant.objects.exists()

    data.update(reference="IFO-2026-0412", children_ages="9", min_rooms="2", excluded=[neighbour.pk])
    html = client.post("/bostadsbyte/sokande/ny/", data).content.decode()
    assert "både utesluten och önskad" in _field_error(html, "preferred")
    assert not Applicant.objects.exists()


def test_a_providers_permit_date_is_plausible(world, client):
    world.act_as(client, world.own.users[Role.COORDINATOR])
    response = client.post(
        "/skyddat-boende/ny/",
        {
            "name": "Boendet Ljuset",
            "operator_type": "non_profit",
            "ivo_permit_date": "1850-01-01",
            "located_in": world.own.municipality.pk,
            "address": "Hemliga gatan 1",
            "phone": "021-10 10 10",
            "places": "6",
            "family_rooms": "2",
            "staffing": "24h",
            "children_max_age": "17",
            "active": "on",
        },
    )
    assert response.status_code == 200
    assert "från och med 1980-01-01" in _field_error(response.content.decode(), "ivo_permit_date")
    assert not Provider.objects.exists()
