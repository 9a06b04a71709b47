"""Fixtures shared by every test.

``world`` builds two municipalities in one county ("own" and "neighbour") and one in another
county ("foreign"), each with a unit, a partner organisation and one user per role.
"""

from dataclasses import dataclass, field

import pytest

from fridsam.accounts.tests import factories as account_factories
from fridsam.core.roles import Role
from fridsam.core.tenancy import unscoped
from fridsam.organisations.tests import factories as org_factories

ROLES = [r.value for r in Role]


@pytest.fixture(autouse=True)
def _system_scope():
    """Test code sets up and inspects data as system code does; requests run in their own scope."""
    with unscoped():
        yield


@dataclass
class Tenant:
    municipality: object
    unit: object
    partner: object
    users: dict = field(default_factory=dict)
    post: object = None
    role_description: object = None
    team: object = None

    @property
    def county(self):
        return self.municipality.county


def _tenant(code: str, label: str) -> Tenant:
    municipality = org_factories.municipality(code)
    org_factories.population(municipality=municipality)
    unit = org_factories.unit(municipality=municipality, name=f"Hemlig enhet {label}")
    partner = org_factories.partner(county=municipality.county, name=f"Samverkanspart {label}")
    tenant = Tenant(municipality=municipality, unit=unit, partner=partner)
    for role in ROLES:
        if role == Role.ADMINISTRATOR:
            continue
        tenant.users[role] = account_factories.staff(
            role,
            municipality=municipality if role in (Role.COORDINATOR, Role.MANAGER, Role.SOCIAL_WORKER) else None,
            unit=unit if role == Role.SOCIAL_WORKER else None,
            county=municipality.county if role == Role.COUNTY_ANALYST else None,
            partner_organisation=partner if role == Role.PARTNER else None,
            username=f"{label}-{role}",
        )
    _coordination(tenant)
    return tenant


def _coordination(tenant: Tenant) -> None:
    """A coordinator post, its role description and a violence team, as the coordination pages need."""
    import datetime

    from fridsam.coordination import services

    users = tenant.users
    tenant.post = services.post_create(
        coordinator=users[Role.COORDINATOR],
        assignments=[services.Assignment(tenant.municipality, 50, True)],
        start_date=datetime.date(2024, 1, 1),
        placement_level="ifo",
        combined_duties="none",
        consultation_support=True,
        deputy=users[Role.SOCIAL_WORKER],
    )
    tenant.role_description = services.role_description_write(
        post=tenant.post,
        purpose="Syfte",
        goals="Mål",
        tasks="Uppgifter",
        colleague_use="Bollplank",
        acting_user=users[Role.COORDINATOR],
    )
    tenant.team = services.team_save(
        municipality=tenant.municipality,
        name="VINR-teamet",
        leader=users[Role.COORDINATOR],
        meeting_rhythm="monthly",
        purpose="Metodstöd",
        start_date=datetime.date(2024, 1, 1),
        members=[users[Role.SOCIAL_WORKER]],
    )


@dataclass
class World:
    own: Tenant
    neighbour: Tenant
    foreign: Tenant
    administrator: object


@pytest.fixture
def world(db) -> World:
    # Västerås and Köping (Västmanlands län), Uppsala (Uppsala län): real SCB codes.
    own = _tenant("1980", "own")
    neighbour = _tenant("1983", "neighbour")
    foreign = _tenant("0380", "foreign")
    administrator = account_factories.staff(Role.ADMINISTRATOR, username="the-administrator")
    return World(own=own, neighbour=neighbour, foreign=foreign, administrator=administrator)


@pytest.fixture
def login(client):
    """Log a user in as the two-factor login would (password and code already checked)."""

    def _login(user):
        client.force_login(user, backend="django.contrib.auth.backends.ModelBackend")
        return client

    return _login
