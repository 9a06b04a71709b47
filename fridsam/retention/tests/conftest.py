import datetime

import pytest

from fridsam.core.roles import Role
from fridsam.core.tests.conftest import drop_triggers  # noqa: F401 - the access log's triggers off, as an attacker's
from fridsam.followup import services as followup_services
from fridsam.followup.tests.conftest import fields
from fridsam.housing.tests.conftest import make_apartment, make_applicant  # noqa: F401 - the exchange's fixtures


@pytest.fixture
def old_record(world):
    """A record of the own municipality opened in 2019 and closed in 2020: due for culling."""

    def make(reference="IFO-2019-0001", closed_on=datetime.date(2020, 6, 30), tenant=None, **overrides):
        tenant = tenant or world.own
        worker = tenant.users[Role.SOCIAL_WORKER]
        record = followup_services.record_create(
            owner=worker,
            municipality=tenant.municipality,
            unit=tenant.unit,
            reference=reference,
            fields=fields(opened_on=datetime.date(2019, 3, 4), **overrides),
        )
        followup_services.intervention_add(
            record=record, kind="protected_housing", started_on=datetime.date(2019, 3, 5), quantity=20, user=worker
        )
        if closed_on is not None:
            record = followup_services.record_close(
                record=record, closed_on=closed_on, reason="goals_met", outcome="ended", client_view="", user=worker
            )
        return record

    return make
