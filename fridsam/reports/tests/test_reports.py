"""The reports render on both databases, say what the data says, and the PDF has the evaluation's
sections."""

from __future__ import annotations

import io

import pytest
from django.urls import reverse
from django.utils import timezone

from fridsam.accounts.selectors import tenancy_for_user
from fridsam.core.policies import CHANGE, VIEW
from fridsam.core.roles import Role
from fridsam.organisations.models import MunicipalityPopulation
from fridsam.reports.models import ReportText
from fridsam.reports.policies import report_policy
from fridsam.statistics.models import Indicator, IndicatorValue, Observation
from fridsam.statistics.policies import VIEW_COUNTY, statistics_policy
from fridsam.tasks.testing import county_pdf

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
    response = county_pdf(client, county.code, 2024)
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
        assert client.post(url).status_code == 404
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


THIS_YEAR = timezone.localdate().year


@pytest.fixture
def partial_year(world):
    """Whole years at 160-odd cases and the year not over at 61 so far, in both municipalities."""
    indicator = Indicator.objects.get(key="vinr_children_exposed")
    for m in (world.own.municipality, world.neighbour.municipality):
        for year in range(THIS_YEAR - 4, THIS_YEAR + 1):
            MunicipalityPopulation.objects.update_or_create(
                municipality=m, year=year, defaults={"total": 30_350, "adults": 24_000}
            )
            count = 61 if year == THIS_YEAR else 160 + year % 7
            IndicatorValue.objects.create(municipality=m, indicator=indicator, year=year, count=count)
    return world


def test_the_county_report_for_the_year_not_over_says_so(client, login, partial_year):
    login(partial_year.own.users[Role.COUNTY_ANALYST])
    county = partial_year.own.county
    response = client.get(reverse("reports:county", args=[county.code, THIS_YEAR]))
    report = response.context["report"]
    label = f"{THIS_YEAR} (hittills, delår)"
    assert report.partial and report.title.endswith(label)
    assert report.partial_note.startswith(f"Året är inte slut: talen för {THIS_YEAR}")
    assert any(line.endswith(f"har uppgifter för {THIS_YEAR} hittills.") for line in report.summary)
    assert any(line.startswith(f"{THIS_YEAR} är inte slut:") for line in report.method)
    block = next(b for b in report.statistics if b.indicator.key == "vinr_children_exposed")
    assert block.rows[-1][0] == label and block.rows[-2][0] == str(THIS_YEAR - 1)
    assert block.partial_note and f"{THIS_YEAR}: hittills i år (delår)" in str(block.chart)
    html = response.content.decode()
    assert report.partial_note in html and label in html
    text = _pdf_text(county_pdf(client, county.code, THIS_YEAR).content)
    assert "Året är inte slut" in text and "delår" in text


def test_the_municipality_report_does_not_read_the_year_not_over_as_a_drop(client, login, partial_year):
    login(partial_year.own.users[Role.COORDINATOR])
    municipality = partial_year.own.municipality
    response = client.get(reverse("reports:municipality", args=[municipality.code, THIS_YEAR]))
    report = response.context["report"]
    sections = [s for block in report.areas for s in block.sections]
    section = next(s for s in sections if s.indicator.key == "vinr_children_exposed")
    assert section.reading.verdict not in ("breaks_down", "breaks_up")
    assert f"{THIS_YEAR} är inte slut och räknas inte med i läsningen" in section.reading.text
    assert not any("bröt" in line or "broke" in line for line in report.summary)
    assert [r.label for r in section.rows if r.partial] == [f"{THIS_YEAR} (hittills, delår)"]
    html = response.content.decode()
    assert section.partial_note in html and report.partial_note in html
    assert 'r="4" fill="#fff"' in str(section.chart)


def test_a_report_for_a_complete_year_is_not_marked(client, login, partial_year):
    login(partial_year.own.users[Role.COORDINATOR])
    response = client.get(reverse("reports:municipality", args=[partial_year.own.municipality.code, THIS_YEAR - 1]))
    report = response.context["report"]
    assert not report.partial and report.partial_note == ""
    html = response.content.decode()
    assert "delår" not in html and "Året är inte slut" not in html


def test_the_county_report_has_the_stored_effect_estimates(client, login, data):
    from fridsam.statistics.effects import recompute_effects

    recompute_effects(scope=data.own.county.code, indicator_keys=["protected_housing"])
    login(data.own.users[Role.COUNTY_ANALYST])
    response = client.get(reverse("reports:county", args=[data.own.county.code, 2024]))
    [(indicator, effect)] = response.context["report"].effects
    assert indicator.key == "protected_housing" and effect.verdict == "too_little"
    html = response.content.decode()
    assert "Gör samordnaren skillnad?" in html and "För lite underlag" in html
    text = _pdf_text(county_pdf(client, data.own.county.code, 2024).content)
    assert "Gör samordnaren skillnad?" in text
