"""Benchmark: the county matrix at national scale (290 municipalities). Run with `make bench`.

Builds a county of 290 generated municipalities (every one with two units, every other one with
a coordinator post and a role description, every third with a violence team), then requests the
matrix 20 times as the county analyst through Django's test client and the real database.
Prints the query count and the median and slowest response time.
"""

import datetime
import statistics
import time

import pytest
from django.urls import reverse

from fridsam.accounts.services import membership_grant
from fridsam.accounts.tests import factories as account_factories
from fridsam.coordination import services
from fridsam.core.roles import Role
from fridsam.core.testing import count_queries
from fridsam.organisations.models import County, Municipality
from fridsam.organisations.tests import factories as org_factories

pytestmark = [pytest.mark.benchmark, pytest.mark.django_db]
N = 290
REQUESTS = 20


def _county():
    county = County.objects.create(code="97", name="Benchmarklän")
    municipalities = Municipality.objects.bulk_create(
        [Municipality(code=f"9{i:03d}", name=f"Kommun {i:03d}", county=county) for i in range(N)]
    )
    for i, m in enumerate(municipalities):
        org_factories.population(municipality=m, total=5_000 + 100 * i)
        units = [org_factories.unit(municipality=m, name=n) for n in ("Mottagningen", "Barn och unga")]
        if i % 2 == 0:
            coordinator = account_factories.staff(Role.SOCIAL_WORKER, municipality=m, unit=units[0])
            post = services.post_create(
                coordinator=coordinator,
                assignments=[services.Assignment(m, 50, i % 4 == 0)],
                start_date=datetime.date(2023, 1, 1),
                placement_level="ifo",
                combined_duties="none",
                consultation_support=True,
            )
            services.role_description_write(post=post, purpose="p", goals="g", tasks="t", colleague_use="c")
        if i % 3 == 0:
            leader = account_factories.staff(Role.MANAGER, municipality=m)
            services.team_save(
                municipality=m,
                name="Familjefridsteamet",
                leader=leader,
                meeting_rhythm="monthly",
                purpose="p",
                start_date=datetime.date(2023, 1, 1),
                members=[],
            )
    return county


def test_county_matrix_at_290_municipalities(client, login):
    county = _county()
    analyst = account_factories.user()
    membership_grant(user=analyst, role=Role.COUNTY_ANALYST, county=county)
    login(analyst)
    url = reverse("healthcheck:county_matrix", args=[county.code])
    assert client.get(url).status_code == 200
    queries = count_queries(lambda: client.get(url))
    timings = []
    for _ in range(REQUESTS):
        started = time.perf_counter()
        response = client.get(url)
        timings.append(time.perf_counter() - started)
        assert response.status_code == 200
    size_kb = len(response.content) // 1024
    print(
        f"\ncounty matrix, {N} municipalities x {len(response.context['rules'])} rules: {queries} queries, "
        f"median {statistics.median(timings) * 1000:.0f} ms, slowest {max(timings) * 1000:.0f} ms "
        f"over {REQUESTS} requests, {size_kb} kB of HTML"
    )
    assert queries <= 20
