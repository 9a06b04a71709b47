"""The reports render on both databases, say what the data says, and the PDF has the evaluation's
sections."""

from __future__ import annotations

import io

import pytest
from django.urls import reverse

from fridsam.accounts.selectors import tenancy_for_user
from fridsam.core.policies import CHANGE, VIEW
from fridsam.core.roles import Role
from fridsam.organisations.models import MunicipalityPopulation
from fridsam.reports.models import ReportText
from fridsam.reports.policies import report_policy
from fridsam.statistics.models import Indicator, IndicatorValue, Observation
from fridsam.statistics.policies import VIEW_COUNTY, statistics_policy

pytestmark = pytest.mark.django_db

SECTIONS = (
    "Sammanfattning",
    "Kommunernas organisation",
    "De sex kvalitetsområdena",
    "De fyra framgångsfaktorerna",
    "Statistik",
    "Slutsatser",
    "Metod och datakällor",
)


@pytest.fixture
def data(world):
    own, neighbour = world.own.municipality, world.neighbour.municipality
    for m in (own, neighbour):
        MunicipalityPopulation.objects.update_or_create(
            municipality=m, year=2024, defaults={"total": 20_000, "adults": 16_000}
        )
    indicator = Indicator.objects.get(key="protected_housing")
    IndicatorValue.objects.create(municipality=own, indicator=indicator, year=2024, count=3)
    IndicatorValue.objects.create(municipality=neighbour, indicator=indicator, year=2024, count=40)
    Observation.objects.create(
        municipality=own,
        area="knowledge",
        source_type="manager",
        observed_on="2024-05-01",
        text="Det har lett till ökad kunskap så klart.",
    )
    ReportText.objects.create(county=own.county, year=2024, foreword="Länets förord.", conclusions="Våra slutsatser.")
    return world


def _pdf_text(content: bytes) -> str:
    from pypdf import PdfReader

    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(content)).pages)


def test_the_county_report_as_html_and_pdf(client, login, data):
    login(data.own.users[Role.COUNTY_ANALYST])
    county = data.own.county
    response = client.get(reverse("reports:county", args=[county.code, 2024]))
    assert response.status_code == 200
    html = response.content.decode()
    assert "Länets förord." in html and "Våra slutsatser." in html
    assert "Det har lett till ökad kunskap så klart." in html
    report = response.context["report"]
    assert report.summary[0].startswith("2 av ")  # written from the data: two posts in the county's test world
    response = client.get(reverse("reports:county_pdf", args=[county.code, 2024]))
    assert response["Content-Type"] == "application/pdf"
    text = _pdf_text(response.content)
    for section in SECTIONS:
        assert section in text, section


def test_the_municipality_report_hides_its_small_numbers_even_for_its_own_staff(client, login, data):
    login(data.own.users[Role.COORDINATOR])
    response = client.get(reverse("reports:municipality", args=[data.own.municipality.code, 2024]))
    assert response.status_code == 200
    sections = [s for block in response.context["report"].areas for s in block.sections]
    housing = next(s for s in sections if s.indicator.key == "protected_housing")
    assert [row.hidden for row in housing.rows if row.year == 2024] == [True]
    response = client.get(reverse("reports:municipality_pdf", args=[data.own.municipality.code, 2024]))
    assert "Metod och datakällor" in _pdf_text(response.content)


def test_the_foreword_is_written_by_the_analyst_and_checked_for_personal_numbers(client, login, data):
    login(data.own.users[Role.COUNTY_ANALYST])
    url = reverse("reports:county_text", args=[data.own.county.code, 2024])
    response = client.post(url, {"foreword": "Om 19121212-1212 ...", "conclusions": ""})
    assert response.status_code == 200
    assert ReportText.objects.get(county=data.own.county, year=2024).foreword == "Länets förord."
    assert client.post(url, {"foreword": "Nytt förord.", "conclusions": "Nya slutsatser."}).status_code == 302
    assert ReportText.objects.get(county=data.own.county, year=2024).conclusions == "Nya slutsatser."


def test_only_the_county_analyst_gets_the_county_report(client, login, data):
    url = reverse("reports:county_pdf", args=[data.own.county.code, 2024])
    for role in (Role.COORDINATOR, Role.MANAGER, Role.PARTNER):
        login(data.own.users[role])
        assert client.get(url).status_code == 404
        client.logout()


def test_a_report_is_read_and_its_text_written_by_whoever_the_statistics_allow(world):
    municipality, county = world.own.municipality, world.own.county
    for user in [*world.own.users.values(), *world.foreign.users.values(), world.administrator]:
        tenancy = tenancy_for_user(user=user)
        for action in (VIEW, CHANGE):
            assert report_policy.can(tenancy, action, municipality) == statistics_policy.can(
                tenancy, action, municipality
            )
            assert report_policy.can(tenancy, action, county) == statistics_policy.can(tenancy, VIEW_COUNTY, county)
    analyst = tenancy_for_user(user=world.own.users[Role.COUNTY_ANALYST])
    assert report_policy.can(analyst, CHANGE, county) and not report_policy.can(analyst, CHANGE, municipality)
    manager = tenancy_for_user(user=world.own.users[Role.MANAGER])
    assert report_policy.can(manager, CHANGE, municipality) and not report_policy.can(manager, VIEW, county)
