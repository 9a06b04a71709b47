import datetime

import pytest
from django.utils import timezone

from fridsam.core.roles import Role
from fridsam.housing import services
from fridsam.housing.models import Criterion, Result


def provider_fields(tenant, **overrides):
    base = {
        "name": "Skyddade boendet Ljuset",
        "operator_type": "non_profit",
        "ivo_permit_number": "",
        "ivo_permit_date": None,
        "located_in": tenant.municipality,
        "phone": "021-10 10 10",
        "places": 6,
        "family_rooms": 2,
        "staffing": "24h",
        "security_measures": ["alarm"],
        "target_groups": ["women", "children", "pets"],
        "children_max_age": 17,
        "partner_organisation": tenant.partner,
        "description": "",
        "active": True,
    }
    base.update(overrides)
    return base


@pytest.fixture
def make_provider(world):
    def _make(tenant=None, address="Hemliga gatan 1, Västerås", **overrides):
        tenant = tenant or world.own
        return services.provider_save(
            county=tenant.county,
            fields=provider_fields(tenant, **overrides),
            address=address,
            user=tenant.users[Role.COORDINATOR],
        )

    return _make


def all_met(**deviations):
    return {c.key: (deviations.get(c.key, Result.MET), "") for c in Criterion.objects.filter(active=True)}


@pytest.fixture
def make_apartment(world):
    def _make(tenant=None, address="Lägenhetsgatan 3, Köping", **overrides):
        tenant = tenant or world.neighbour
        fields = {
            "housing_company": "Bostadsbolaget",
            "rooms": 3,
            "size_m2": 70,
            "rent": 8000,
            "floor": 1,
            "has_lift": True,
            "accessible": False,
            "available_from": timezone.localdate() + datetime.timedelta(days=10),
        }
        fields.update(overrides)
        return services.apartment_offer(
            municipality=tenant.municipality, fields=fields, address=address, user=tenant.users[Role.COORDINATOR]
        )

    return _make


@pytest.fixture
def make_applicant(world):
    counter = iter(range(1, 10_000))

    def _make(tenant=None, excluded=None, **overrides):
        tenant = tenant or world.own
        data = services.ApplicantInput(
            reference=overrides.pop("reference", f"IFO-{next(counter):04d}"),
            excluded=excluded if excluded is not None else [tenant.municipality],
            min_rooms=overrides.pop("min_rooms", 2),
            **overrides,
        )
        return services.applicant_register(
            municipality=tenant.municipality, data=data, user=tenant.users[Role.COORDINATOR]
        )

    return _make
