"""The health check read from outside the municipality hides small counts derived from cases, as
the statistics do: a verdict's text never says what the county's tables show as ".."."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from fridsam.collaboration import services as collaboration
from fridsam.core.roles import Role
from fridsam.followup import services as followup
from fridsam.organisations.tests import factories as org_factories

pytestmark = pytest.mark.django_db
TODAY = timezone.localdate()


@pytest.fixture
def small(world):
    tenant = world.own
    cmv = org_factories.partner(county=tenant.county, name="Centrum mot våld")
    collaboration.agreement_save(
        municipality=tenant.municipality,
        data={
            "party": "perpetrator_programme",
            "partner_organisation": cmv,
            "title": "Avtal med CMV",
            "approved_by": "Socialnämnden",
            "approved_on": TODAY - datetime.timedelta(days=30),
            "valid_until": None,
            "last_followed_up": None,
            "paid": True,
        },
        user=tenant.users[Role.COORDINATOR],
    )
    for _ in range(2):
        collaboration.referral_create(
            municipality=tenant.municipality, unit=tenant.unit, partner=cmv, category="perpetrator_programme",
            referred_on=TODAY, user=tenant.users[Role.SOCIAL_WORKER],
        )  # fmt: skip
    for n in range(3):
        followup.consultation_ask(
            asked_by=tenant.users[Role.SOCIAL_WORKER],
            municipality=tenant.municipality,
            unit=tenant.unit,
            question=f"Fråga {n} om risk?",
            topic="risk",
            urgency="week",
        )
    return tenant


def _pages(client, tenant):
    return [
        client.get(reverse("healthcheck:county_matrix", args=[tenant.county.code])).content.decode(),
        client.get(reverse("organisations:municipality_detail", args=[tenant.municipality.code])).content.decode(),
        client.get(reverse("healthcheck:history", args=[tenant.municipality.code])).content.decode(),
    ]


def test_the_county_reads_small_case_counts_as_fewer_than_five(world, small, login):
    client = login(world.own.users[Role.COUNTY_ANALYST])
    matrix, municipality, history = _pages(client, small)
    for html in (matrix, municipality):
        assert "tolv månaderna: färre än 5" in html
        assert "tolv månaderna: 2" not in html and "tolv månaderna: 3" not in html
        assert f"{small.unit.name}: 3" not in html
    assert "tolv månaderna: 2" not in history and "tolv månaderna: 3" not in history


def test_the_municipalitys_own_staff_read_them_exactly(world, small, login):
    client = login(world.own.users[Role.COORDINATOR])
    municipality = client.get(reverse("organisations:municipality_detail", args=[small.municipality.code]))
    html = municipality.content.decode()
    assert "tolv månaderna: 2" in html and "tolv månaderna: 3" in html
