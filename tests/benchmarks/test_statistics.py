"""Benchmarks of the statistics and reports at national scale. Run with `make bench`.

Builds a county of 290 generated municipalities with population figures for ten years and a
coordinator in every other municipality, then measures, through Django's test client and the
real database:

* the import of a 290-municipality × 10-year CSV file with every entered indicator (≤ 5 s), and of
  a Kolada JSON file with the three key figures, by a manager of every municipality;
* the county comparison (290 municipalities × 10 years × every indicator, suppression included):
  query count (constant) and median server time over 10 requests (≤ 300 ms);
* the county report as PDF for 10 and for 290 municipalities (≤ 15 s and ≤ 120 s).
"""

import datetime
import json
import random
import statistics
import time
from types import SimpleNamespace

import pytest
from django.core.cache import cache
from django.urls import reverse

from fridsam.accounts.services import membership_grant
from fridsam.accounts.tests import factories as account_factories
from fridsam.coordination import services as coordination
from fridsam.core.roles import Role
from fridsam.core.testing import count_queries
from fridsam.organisations.models import County, Municipality, MunicipalityPopulation
from fridsam.statistics.models import Indicator, Unit
from fridsam.tasks.testing import county_pdf

pytestmark = [pytest.mark.benchmark, pytest.mark.django_db]
YEARS = range(2016, 2026)
REQUESTS = 10


def _county(code: str, n: int) -> County:
    county = County.objects.create(code=code, name=f"Benchmarklän {code}")
    municipalities = Municipality.objects.bulk_create(
        [
            Municipality(
                code=f"{code}{i:02d}" if n < 100 else f"{code[0]}{i:03d}", name=f"Kommun {i:03d}", county=county
            )
            for i in range(n)
        ]
    )
    rng = random.Random(n)
    MunicipalityPopulation.objects.bulk_create(
        [
            MunicipalityPopulation(
                municipality=m, year=y, total=(total := rng.randint(2_500, 120_000)), adults=int(total * 0.79)
            )
            for m in municipalities
            for y in YEARS
        ]
    )
    for i, m in enumerate(municipalities):
        if i % 2 == 0:
            coordinator = account_factories.staff(Role.MANAGER, municipality=m)
            coordination.post_create(
                coordinator=coordinator,
                assignments=[coordination.Assignment(m, 50, True)],
                start_date=datetime.date(2016 + i % 8, 3, 1),
                placement_level="ifo",
                combined_duties="none",
                consultation_support=True,
            )
    return county


RATES = {  # cases per 10 000 inhabitants a year, roughly as in the demo county
    "vinr_adults": 30,
    "vinr_children_exposed": 7,
    "vinr_children_witnessed": 16,
    "investigations": 17,
    "protected_housing": 3,
    "children_witnessed": 18,
    "perpetrator_referrals": 2,
    "collaboration_agreements": None,
}


def _csv(county: County) -> bytes:
    """Plausible figures: counts in proportion to the population with noise, so the small
    municipalities have small numbers and the large ones do not."""
    rng = random.Random(7)
    populations = dict(
        ((m, y), t)
        for m, y, t in MunicipalityPopulation.objects.filter(municipality__county=county).values_list(
            "municipality__code", "year", "total"
        )
    )
    indicators = list(Indicator.objects.filter(obtained="entered"))
    lines = ["kommunkod;kommun;indikator;år;antal;nämnare"]
    for m in Municipality.objects.filter(county=county):
        for year in YEARS:
            population = populations[(m.code, year)]
            parts = {}
            for indicator in indicators:
                if indicator.sum_of:
                    continue
                denominator = ""
                if indicator.unit == Unit.PERCENT:
                    denominator = max(1, round(population / 400 * rng.uniform(0.7, 1.3)))
                    count = round(denominator * rng.uniform(0.3, 0.95))
                elif RATES.get(indicator.key) is None:
                    count = rng.randint(0, 6)
                else:
                    count = round(RATES[indicator.key] * population / 10_000 * rng.uniform(0.6, 1.4))
                parts[indicator.key] = count
                lines.append(f"{m.code};{m.name};{indicator.key};{year};{count};{denominator}")
            for indicator in indicators:
                if indicator.sum_of:
                    total = sum(parts[p] for p in indicator.sum_of)
                    lines.append(f"{m.code};{m.name};{indicator.key};{year};{total};")
    return "\n".join(lines).encode("utf-8")


def _kolada(county: County) -> bytes:
    rng = random.Random(11)
    values = [
        {
            "kpi": kpi,
            "municipality": m.code,
            "period": year,
            "values": [{"gender": "T", "count": 1, "status": "", "value": round(rng.uniform(5, 80), 1)}],
        }
        for m in Municipality.objects.filter(county=county)
        for year in range(2022, 2026)
        for kpi in ("K1", "K2", "K3")
    ]
    return json.dumps({"values": values}).encode()


def _analyst(county, login):
    analyst = account_factories.user()
    membership_grant(user=analyst, role=Role.COUNTY_ANALYST, county=county)
    login(analyst)


def _reporter(county, login):
    """Figures are entered by the municipalities themselves (ADR 0017): one manager of every
    municipality imports the whole county's file, to measure the import at national scale."""
    reporter = account_factories.user()
    for municipality in Municipality.objects.filter(county=county):
        membership_grant(user=reporter, role=Role.MANAGER, municipality=municipality)
    login(reporter)


def _import(client, name, data):
    from django.core.files.uploadedfile import SimpleUploadedFile

    started = time.perf_counter()
    response = client.post(reverse("statistics:import"), {"file": SimpleUploadedFile(name, data)})
    elapsed = time.perf_counter() - started  # a large file is a task, run in-process here
    if response.status_code == 302:
        from fridsam.tasks.models import Task
        from fridsam.tasks.testing import task_id

        task = Task.system_objects.get(pk=task_id(response))
        assert task.status == "done", task.result.get("errors", [])[:10]
        return elapsed, SimpleNamespace(**task.result)
    assert response.status_code == 200, response.context["result"]["errors"][:10]
    return elapsed, SimpleNamespace(**response.context["result"])


def test_statistics_at_290_municipalities(client, login):
    for key, kpi in zip(
        ("kolada_adults_opened", "kolada_adults_intervention", "kolada_adults_goal_met"),
        ("K1", "K2", "K3"),
        strict=True,
    ):
        Indicator.objects.filter(key=key).update(kolada_kpi=kpi)
    county = _county("8", 290)
    _reporter(county, login)
    data = _csv(county)
    elapsed, result = _import(client, "statistik.csv", data)
    rows = result.created + result.updated + result.unchanged
    print(f"\nimport of {rows} rows ({len(data) // 1024} kB CSV, 290 municipalities x 10 years): {elapsed:.2f} s")
    again, result = _import(client, "statistik.csv", data)
    assert (result.created, result.updated) == (0, 0)
    print(f"the same file again (nothing changes): {again:.2f} s")
    kolada_elapsed, result = _import(client, "kolada.json", _kolada(county))
    print(f"Kolada JSON, {result.created} values: {kolada_elapsed:.2f} s")

    _analyst(county, login)
    url = reverse("statistics:county", args=[county.code])
    assert client.get(url).status_code == 200
    queries = count_queries(lambda: client.get(url))
    for label, clear in (("cold (suppression computed)", True), ("warm (suppression from the cache)", False)):
        timings = []
        for _ in range(REQUESTS):
            if clear:
                cache.clear()
            started = time.perf_counter()
            response = client.get(url)
            timings.append(time.perf_counter() - started)
        hidden = response.content.decode().count(">..<")
        print(
            f"county comparison {label}, 290 municipalities x {len(YEARS)} years x "
            f"{len(response.context['figures'].indicators)} indicators in the database, one year shown: "
            f"{queries} queries, median {statistics.median(timings) * 1000:.0f} ms, slowest "
            f"{max(timings) * 1000:.0f} ms over {REQUESTS} requests, {hidden} hidden cells"
        )
    assert queries <= 20

    started = time.perf_counter()
    response = county_pdf(client, county.code, 2025)  # in-process: the task runs at once
    pdf_elapsed = time.perf_counter() - started
    assert response.status_code == 200 and response.content.startswith(b"%PDF")
    print(f"county report PDF, 290 municipalities: {pdf_elapsed:.1f} s, {len(response.content) // 1024} kB")
    assert elapsed <= 5
    assert pdf_elapsed <= 120


def test_county_report_pdf_for_10_municipalities(client, login):
    county = _county("77", 10)
    _reporter(county, login)
    _import(client, "statistik.csv", _csv(county))
    _analyst(county, login)
    started = time.perf_counter()
    response = county_pdf(client, county.code, 2025)  # in-process: the task runs at once
    elapsed = time.perf_counter() - started
    assert response.status_code == 200
    print(f"\ncounty report PDF, 10 municipalities: {elapsed:.1f} s, {len(response.content) // 1024} kB")
    assert elapsed <= 15
