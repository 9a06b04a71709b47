import datetime

import pytest

from fridsam.core.roles import Role
from fridsam.demo.followup_data import load_demo_instruments
from fridsam.followup import services


@pytest.fixture
def instruments(db):
    return load_demo_instruments()


def fields(**overrides):
    base = {
        "opened_on": datetime.date(2026, 3, 2),
        "route_in": "police",
        "category": "adult_victim",
        "sex": "female",
        "age_band": "25-44",
        "relation": "partner",
        "violence_forms": ["physical", "psychological"],
        "protected_identity": False,
    }
    base.update(overrides)
    return base


@pytest.fixture
def make_record(world):
    def _make(reference="IFO-2026-0001", tenant=None, **overrides):
        tenant = tenant or world.own
        return services.record_create(
            owner=tenant.users[Role.SOCIAL_WORKER],
            municipality=tenant.municipality,
            unit=tenant.unit,
            reference=reference,
            fields=fields(**overrides),
        )

    return _make
