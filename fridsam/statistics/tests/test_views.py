"""The statistics pages through real HTTP: who sees what, exact or suppressed, forms, exports."""

from __future__ import annotations

import csv
import io

import pytest
from django.urls import reverse
from django.utils import timezone

from fridsam.core.roles import Role
from fridsam.core.testing import count_queries
from fridsam.organisations.models import MunicipalityPopulation
from fridsam.organisations.tests import factories as org_factories
from fridsam.statistics.models import Indicator, IndicatorValue, Observation

pytestmark = pytest.mark.django_db


def _value(municipality, key, year, count, denominator=None):
    return IndicatorValue.objects.create(
        municipality=municipality,
        indicator=Indicator.objects.get(key=key),
        year=year,
        count=count,
        denominator=denominator,
    )


@pytest.fixture
def figures(world):
    """The own municipality and its neighbour (same county) with a small and a large count."""
    own, neighbour = world.own.municipality, world.neighbour.municipality
    for m in (own, neighbour):
        for year in (2022, 2023, 2024):
            MunicipalityPopulation.objects.update_or_create(
                municipality=m, year=year, defaults={"total": 20_000, "adults": 16_000}
            )
    for year, count in ((2022, 30), (2023, 3), (2024, 40)):
        _value(own, "protected_housing", year, count)
    for year in (2022, 2023, 2024):
        _value(neighbour, "protected_housing", year, 50)
    return world


def _page(client, login, user, url):
    login(user)
    response = client.get(url)
    client.logout()
    return response


def test_own_staff_see_their_exact_small_numbers(client, login, figures):
    url = reverse("statistics:municipality", args=[figures.own.municipality.code])
    response = _page(client, login, figures.own.users[Role.SOCIAL_WORKER], url)
    assert response.status_code == 200
    rows = {r.year: r for s in response.context["sections"] if s.indicator.key == "protected_housing" for r in s.rows}
    assert rows[2023].shown == "3" and not rows[2023].hidden


def test_the_county_sees_small_numbers_hidden_and_cannot_recover_them(client, login, figures):
    analyst = figures.own.users[Role.COUNTY_ANALYST]
    response = _page(client, login, analyst, reverse("statistics:municipality", args=[figures.own.municipality.code]))
    rows = {r.year: r for s in response.context["sections"] if s.indicator.key == "protected_housing" for r in s.rows}
    assert rows[2023].hidden and rows[2022].shown == "30"
    # The county table: the own municipality's 3 is hidden, and so is the neighbour's 50 (the
    # county total would otherwise give it away).
    response = _page(client, login, analyst, reverse("statistics:county", args=[figures.own.county.code]) + "?ar=2023")
    table = response.context["table"]
    column = [i.key for i in table.indicators].index("protected_housing")
    shown = {row.name: row.values[column] for row in table.rows}
    assert shown[figures.own.municipality.name] == ".."
    assert shown[figures.neighbour.municipality.name] == ".."
    html = response.content.decode()
    assert ">1,5<" not in html  # 3 per 20 000 = 1.5 per 10 000 appears nowhere
    # The export carries the same hidden cells, and the chart the same gap.
    export = _page(
        client, login, analyst, reverse("statistics:county", args=[figures.own.county.code]) + "?ar=2023&format=csv"
    )
    rows = list(csv.reader(io.StringIO(export.content.decode("utf-8-sig")), delimiter=";"))
    own_row = next(r for r in rows if r[0] == figures.own.municipality.name)
    assert own_row[2 + column] == ".."


def test_outsiders_get_nothing(client, login, figures):
    url = reverse("statistics:municipality", args=[figures.own.municipality.code])
    for user in (
        figures.neighbour.users[Role.COORDINATOR],
        figures.foreign.users[Role.COUNTY_ANALYST],
        figures.own.users[Role.PARTNER],
    ):
        assert _page(client, login, user, url).status_code == 404
    county_url = reverse("statistics:county", args=[figures.own.county.code])
    assert _page(client, login, figures.own.users[Role.COORDINATOR], county_url).status_code == 404
    assert _page(client, login, figures.foreign.users[Role.COUNTY_ANALYST], county_url).status_code == 404


def test_the_entry_form_shows_earlier_years_and_re_shows_bad_input(client, login, figures):
    coordinator = figures.own.users[Role.COORDINATOR]
    url = reverse("statistics:enter_year", args=[figures.own.municipality.code, 2025])
    response = _page(client, login, coordinator, url)
    assert response.status_code == 200
    row = next(r for r in response.context["rows"] if r[0].key == "protected_housing")
    assert row[3] == ["30", "3", "40"]  # 2022, 2023, 2024 beside the new year
    login(coordinator)
    response = client.post(
        url, {"screening_rate__count": "70", "screening_rate__denominator": "50", "investigations__count": "12"}
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert 'value="70"' in html and 'value="12"' in html
    assert "ds-error-summary" in html
    assert not IndicatorValue.objects.filter(year=2025).exists()
    response = client.post(
        url, {"investigations__count": "12", "screening_rate__count": "40", "screening_rate__denominator": "50"}
    )
    assert response.status_code == 302
    assert IndicatorValue.objects.filter(year=2025, municipality=figures.own.municipality).count() == 2


def test_social_workers_read_but_do_not_enter(client, login, figures):
    url = reverse("statistics:enter_year", args=[figures.own.municipality.code, 2025])
    assert _page(client, login, figures.own.users[Role.SOCIAL_WORKER], url).status_code == 403


def test_exports_neutralise_formulas(client, login, world):
    from fridsam.statistics.exports import csv_bytes, xlsx_bytes

    data = csv_bytes(["a"], [['=HYPERLINK("x")'], ["+1"], ["-2"], ["@SUM(A1)"], ["ok"]]).decode("utf-8-sig")
    cells = [row[0] for row in csv.reader(io.StringIO(data), delimiter=";")][1:]
    assert cells == ['\'=HYPERLINK("x")', "'+1", "'-2", "'@SUM(A1)", "ok"]
    from openpyxl import load_workbook

    sheet = load_workbook(io.BytesIO(xlsx_bytes(["a"], [["=1+1"]]))).active
    assert sheet["A2"].value == "'=1+1" and sheet["A2"].data_type == "s"


def test_the_county_comparison_uses_a_constant_number_of_queries(client, login, figures):
    analyst = figures.own.users[Role.COUNTY_ANALYST]
    login(analyst)
    url = reverse("statistics:county", args=[figures.own.county.code])
    client.get(url)
    few = count_queries(lambda: client.get(url))
    for i, code in enumerate(["1904", "1907", "1960", "1961", "1962", "1981", "1982", "1984"]):
        m = org_factories.municipality(code)
        MunicipalityPopulation.objects.create(municipality=m, year=2024, total=9000, adults=7000)
        _value(m, "protected_housing", 2024, i)
        _value(m, "screening_rate", 2024, i, 10)
    assert count_queries(lambda: client.get(url)) == few


def test_observations_are_added_by_the_coordinator_and_refuse_personal_numbers(client, login, world):
    url = reverse("statistics:observations", args=[world.own.municipality.code])
    login(world.own.users[Role.COORDINATOR])
    data = {
        "area": "knowledge",
        "source_type": "manager",
        "observed_on": "2025-03-01",
        "text": "Handläggaren 19121212-1212 sa att det blivit bättre.",
    }
    response = client.post(url, data)
    assert response.status_code == 200 and not Observation.objects.exists()
    assert "19121212-1212" in response.content.decode()  # what was typed is shown again
    data["text"] = "Det har lett till ökad kunskap så klart."
    assert client.post(url, data).status_code == 302
    assert Observation.objects.get().source_type == "manager"
    client.logout()
    login(world.own.users[Role.SOCIAL_WORKER])
    assert client.post(url, data).status_code == 404


THIS_YEAR = timezone.localdate().year


@pytest.fixture
def partial_year(world):
    """Åstad's finding: cases by December of a year not over against whole years before it."""
    own, neighbour = world.own.municipality, world.neighbour.municipality
    for m in (own, neighbour):
        for year in range(THIS_YEAR - 4, THIS_YEAR + 1):
            MunicipalityPopulation.objects.update_or_create(
                municipality=m, year=year, defaults={"total": 30_350, "adults": 24_000}
            )
    own_counts = {THIS_YEAR - 4: 160, THIS_YEAR - 3: 158, THIS_YEAR - 2: 163, THIS_YEAR - 1: 166, THIS_YEAR: 61}
    for year, count in own_counts.items():
        _value(own, "vinr_children_exposed", year, count)
        _value(neighbour, "vinr_children_exposed", year, 100 if year < THIS_YEAR else 40)
    return world


def _section(response, key="vinr_children_exposed"):
    return next(s for s in response.context["sections"] if s.indicator.key == key)


def test_the_page_and_its_chart_mark_the_year_that_is_not_over(client, login, partial_year):
    own = partial_year.own.municipality
    url = reverse("statistics:municipality", args=[own.code])
    for user in (partial_year.own.users[Role.COORDINATOR], partial_year.own.users[Role.COUNTY_ANALYST]):
        response = _page(client, login, user, url)
        section = _section(response)
        rows = {r.year: r for r in section.rows}
        assert rows[THIS_YEAR].partial and rows[THIS_YEAR].label == f"{THIS_YEAR} (hittills, delår)"
        assert rows[THIS_YEAR].shown == "20,1" and rows[THIS_YEAR].detail == "61 ärenden hittills"
        assert not rows[THIS_YEAR - 1].partial and rows[THIS_YEAR - 1].label == str(THIS_YEAR - 1)
        assert rows[THIS_YEAR - 1].detail == "166 ärenden"
        assert section.partial_note.startswith(f"Året är inte slut: talen för {THIS_YEAR} gäller ärenden")
        # The chart: a hollow point on a dashed line, the year starred and a legend.
        chart = str(section.chart)
        assert f"{THIS_YEAR}: hittills i år (delår)" in chart and f">{THIS_YEAR}*<" in chart
        assert 'r="4" fill="#fff"' in chart and 'stroke-dasharray="5 4"' in chart
        html = response.content.decode()
        assert f"{THIS_YEAR} (hittills, delår)" in html and "Året är inte slut" in html
        assert "Ofylld punkt på streckad linje" in html
        # The reading leaves the year out rather than calling it a fall.
        assert section.reading.verdict != "breaks_down"
        assert THIS_YEAR not in section.reading.after and section.reading.partial == (THIS_YEAR,)
        assert f"{THIS_YEAR} är inte slut och räknas inte med i läsningen" in section.reading.text
    export = _page(client, login, partial_year.own.users[Role.COORDINATOR], url + "?format=csv")
    rows = list(csv.reader(io.StringIO(export.content.decode("utf-8-sig")), delimiter=";"))
    name = Indicator.objects.get(key="vinr_children_exposed").name
    period = {int(r[2]): r[-1] for r in rows[1:] if r[0] == name}
    assert rows[0][-1] == "Period"
    assert period[THIS_YEAR] == "hittills i år (delår)" and period[THIS_YEAR - 1] == "helår"


def test_complete_years_are_not_marked(client, login, figures):
    url = reverse("statistics:municipality", args=[figures.own.municipality.code])
    response = _page(client, login, figures.own.users[Role.COORDINATOR], url)
    section = _section(response, "protected_housing")
    assert not any(r.partial for r in section.rows) and section.partial_note == ""
    assert all(r.label == str(r.year) for r in section.rows)
    assert 'fill="#fff" stroke=' not in str(section.chart) and "delår" not in str(section.chart)
    html = response.content.decode()
    assert "delår" not in html and "Året är inte slut" not in html


def test_the_county_comparison_and_ranking_mark_the_year_that_is_not_over(client, login, partial_year):
    analyst = partial_year.own.users[Role.COUNTY_ANALYST]
    county_url = reverse("statistics:county", args=[partial_year.own.county.code])
    # It opens on the latest complete year, and offers the year not over as such.
    response = _page(client, login, analyst, county_url)
    assert response.context["year"] == THIS_YEAR - 1 and not response.context["table"].partial
    html = response.content.decode()
    assert "Året är inte slut" not in html
    assert f">{THIS_YEAR} (hittills, delår)</a>" in html
    response = _page(client, login, analyst, county_url + f"?ar={THIS_YEAR}")
    table = response.context["table"]
    assert table.partial and table.year_label == f"{THIS_YEAR} (hittills, delår)"
    html = response.content.decode()
    assert f"Statistik {THIS_YEAR} (hittills, delår):" in html and table.partial_note in html
    export = _page(client, login, analyst, county_url + f"?ar={THIS_YEAR}&format=csv")
    assert f"-{THIS_YEAR}-hittills.csv" in export["Content-Disposition"]
    ranking_url = reverse("statistics:ranking", args=[partial_year.own.county.code])
    response = _page(client, login, analyst, ranking_url + f"?ar={THIS_YEAR}&indikator=vinr_children_exposed")
    ranking = response.context["ranking"]
    assert ranking.partial and ranking.partial_note in response.content.decode()
    chart = str(ranking.chart)
    assert f"{THIS_YEAR}: hittills i år (delår)" in chart and 'fill="#fff" stroke="#1f5f9e"' in chart
    assert f'<option value="{THIS_YEAR}" selected>{THIS_YEAR} (hittills, delår)</option>' in response.content.decode()
    response = _page(client, login, analyst, ranking_url + f"?ar={THIS_YEAR - 1}&indikator=vinr_children_exposed")
    assert not response.context["ranking"].partial and "delår" not in str(response.context["ranking"].chart)
