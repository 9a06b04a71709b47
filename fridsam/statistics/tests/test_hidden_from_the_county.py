"""What the county may not learn: a hidden cell stays hidden in every form, message and file a
county analyst can reach (ADR 0017). The figures are in :mod:`.leaks`: the own municipality's 3
protected-housing placements, its 3 children exposed to violence, its 3 risk assessments out of 51
cases, and what the suppression hides with them."""

from __future__ import annotations

import pytest
from django.urls import reverse

from fridsam.accounts.selectors import tenancy_for_user
from fridsam.core.policies import ADD, CHANGE, VIEW
from fridsam.core.roles import Role
from fridsam.statistics import services
from fridsam.statistics.models import IndicatorValue
from fridsam.statistics.policies import statistics_policy
from fridsam.statistics.tests.leaks import hidden_cells, leaks, small_counts

pytestmark = pytest.mark.django_db

HEADER = "kommunkod;kommun;indikator;år;antal;nämnare"


@pytest.fixture
def county_world(world):
    return small_counts(world)


@pytest.fixture
def analyst(county_world, client):
    client.force_login(county_world.own.users[Role.COUNTY_ANALYST], backend="django.contrib.auth.backends.ModelBackend")
    return client


def _upload(client, text: str):
    from django.core.files.uploadedfile import SimpleUploadedFile

    upload = SimpleUploadedFile("statistik.csv", "\n".join([HEADER, text]).encode(), content_type="text/csv")
    return client.post(reverse("statistics:import"), {"file": upload})


def _stored():
    return sorted(
        IndicatorValue.objects.values_list("municipality_id", "indicator__key", "year", "count", "denominator")
    )


def test_the_fixture_hides_what_the_tests_look_for(county_world):
    hidden = {h.where.split(" / ")[0] for h in hidden_cells(county_world.own.county)}
    assert {"protected_housing", "vinr_children_exposed", "vinr_children_witnessed"} <= hidden


def test_the_county_analyst_reads_a_municipality_but_does_not_enter_its_figures(county_world):
    analyst = tenancy_for_user(user=county_world.own.users[Role.COUNTY_ANALYST])
    own = county_world.own.municipality
    assert statistics_policy.can(analyst, VIEW, own)
    assert statistics_policy.can(analyst, ADD, own)  # observations from the county's interviews
    assert not statistics_policy.can(analyst, CHANGE, own)
    assert services.writable_municipalities(analyst) == {}
    for role in (Role.COORDINATOR, Role.MANAGER):
        tenancy = tenancy_for_user(user=county_world.own.users[role])
        assert statistics_policy.can(tenancy, CHANGE, own)
        assert set(services.writable_municipalities(tenancy)) == {own.code}


def test_the_entry_form_does_not_show_the_county_the_stored_figures(analyst, county_world):
    hidden = hidden_cells(county_world.own.county)
    own = county_world.own.municipality
    for year in (2024, 2025):  # the year itself (the fields' values) and the year after (the three before)
        response = analyst.get(reverse("statistics:enter_year", args=[own.code, year]))
        assert response.status_code in (403, 404)
        assert not leaks(response, hidden)


def test_a_posted_entry_form_does_not_answer_the_county_with_stored_figures(analyst, county_world):
    hidden = hidden_cells(county_world.own.county)
    own = county_world.own.municipality
    before = _stored()
    # A sum of 99999 against the stored parts: the message would name what they add up to.
    response = analyst.post(reverse("statistics:enter_year", args=[own.code, 2024]), {"vinr_all__count": "99999"})
    assert response.status_code in (403, 404)
    assert not leaks(response, hidden)
    assert "99999" not in response.content.decode()
    assert _stored() == before


def test_an_import_by_the_county_does_not_reveal_stored_figures(analyst, county_world):
    hidden = hidden_cells(county_world.own.county)
    code = county_world.own.municipality.code
    before = _stored()
    # The visible adults and the hidden witnesses given as 0: "the parts add up to 3" would be
    # the hidden count of children exposed.
    response = _upload(
        analyst,
        f"{code};Ort;vinr_adults;2024;0;\n{code};Ort;vinr_children_witnessed;2024;0;\n{code};Ort;vinr_all;2024;99999;",
    )
    assert response.status_code == 404
    assert not leaks(response, hidden)
    # Nor by saying "unchanged" to a guess: the import is not the county's at all.
    response = _upload(analyst, f"{code};Ort;protected_housing;2024;3;")
    assert response.status_code == 404
    assert "oförändrade" not in response.content.decode()
    assert _stored() == before
    assert analyst.get(reverse("statistics:import_template", args=["csv"])).status_code == 404


def test_the_countys_pages_offer_no_entry_or_import(analyst, county_world):
    own = county_world.own.municipality
    html = analyst.get(reverse("statistics:municipality", args=[own.code])).content.decode()
    assert reverse("statistics:enter_year", args=[own.code, 2025]) not in html
    assert reverse("statistics:import") not in html
    assert reverse("statistics:import") not in analyst.get(reverse("statistics:index")).content.decode()


def test_a_county_share_does_not_give_away_the_one_hidden_municipality(analyst, county_world):
    """Risk assessments out of all actualised cases: the denominators are published (vinr_all, as
    a rate and as "51 ärenden"), so a county share beside every other municipality's exact share is
    an equation with one unknown. The published figures must leave at least two whole values."""
    own, neighbour = county_world.own, county_world.neighbour
    response = analyst.get(reverse("statistics:county", args=[own.county.code]) + "?ar=2024")
    table = response.context["table"]
    column = [i.key for i in table.indicators].index("risk_assessment_rate")
    shown = {row.name: row.raw[column] for row in table.rows}
    county_share = table.county.raw[column]
    assert shown[own.municipality.name] is None  # 3 of 51: hidden
    other = shown[neighbour.municipality.name]
    # The reader's attack: every whole number of the own municipality's 51 cases that gives the
    # county share as published, beside the neighbour's 41 of 64 when it is shown.
    possible = list(range(52))
    if county_share is not None and other is not None:
        assert round(100 * 41 / 64, 1) == round(other, 1)
        possible = [k for k in possible if round(100 * (41 + k) / (64 + 51), 1) == round(county_share, 1)]
    assert len(possible) >= 2, f"the own municipality's hidden number is {possible}"
    # The county's share stays published; the neighbour's is hidden with the own municipality's.
    assert county_share is not None and other is None


def test_the_municipalitys_own_coordinator_still_enters_and_imports_with_full_messages(client, county_world):
    """Its own staff see its figures exactly, so the sum check may name what is stored."""
    own = county_world.own.municipality
    client.force_login(county_world.own.users[Role.COORDINATOR], backend="django.contrib.auth.backends.ModelBackend")
    response = client.get(reverse("statistics:enter_year", args=[own.code, 2024]))
    assert response.status_code == 200 and 'value="3"' in response.content.decode()
    response = _upload(client, f"{own.code};Ort;vinr_all;2024;99999;")
    assert response.status_code == 400
    assert "51" in response.context["result"]["errors"][0][1]  # 31 + 3 + 17, its own stored parts
    response = _upload(client, f"{own.code};Ort;protected_housing;2024;4;")
    assert response.status_code == 200
    assert IndicatorValue.objects.get(municipality=own, indicator__key="protected_housing", year=2024).count == 4
