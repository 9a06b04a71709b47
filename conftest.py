"""Fixtures shared by every test.

``world`` is two municipalities in one county ("own" and "neighbour") and one in another county
("foreign"), each with a unit, a partner organisation and one user per role, a coordinator post,
its role description and a team; besides them an administrator and a national actor's analyst,
who belong to no tenant. It is built once per test database (each xdist worker has its
own), committed, and every test runs in a transaction that is rolled back, so each test starts
from the same world; the fixture hands each test its own copy of the Python objects. A
transactional test (which flushes the database) gets the world rebuilt after it.
"""

import copy
import datetime
import os
import uuid
from dataclasses import dataclass, field

import pytest
from django.conf import settings
from django.db import connection
from django.test import Client
from hypothesis import settings as hypothesis_settings

from fridsam.accounts.tests import factories as account_factories
from fridsam.core.roles import Role
from fridsam.core.tenancy import unscoped
from fridsam.organisations.tests import factories as org_factories

ROLES = [r.value for r in Role]

# Property tests draw the same examples on every run, so that a run is red or green for the code,
# never for the dice; `HYPOTHESIS_PROFILE=explore make test` draws new ones to look for more.
hypothesis_settings.register_profile("default", derandomize=True, database=None)
hypothesis_settings.register_profile("explore", derandomize=False)
hypothesis_settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "default"))


def pytest_configure(config):
    """Name the test run, for what its workers share (the browser tests' demo template)."""
    os.environ.setdefault("FRIDSAM_TEST_RUN", uuid.uuid4().hex[:12])


def pytest_sessionfinish(session):
    """The run's last act (in the main process, after every worker): drop the PostgreSQL demo
    template the browser tests' servers were copied from."""
    if hasattr(session.config, "workerinput") or not os.environ.get("DATABASE_URL", "").startswith("postgres"):
        return
    from tests.browser.conftest import _admin, demo_template_name

    _admin(os.environ["DATABASE_URL"])(f'DROP DATABASE IF EXISTS "{demo_template_name()}" WITH (FORCE)')


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
        if role in (Role.ADMINISTRATOR, Role.NATIONAL_ANALYST):
            continue  # of no tenant: World.administrator, World.national
        tenant.users[role] = account_factories.staff(
            role,
            municipality=municipality
            if role in (Role.COORDINATOR, Role.MANAGER, Role.SOCIAL_WORKER, Role.ARCHIVIST)
            else None,
            unit=unit if role == Role.SOCIAL_WORKER else None,
            county=municipality.county if role == Role.COUNTY_ANALYST else None,
            partner_organisation=partner if role == Role.PARTNER else None,
            username=f"{label}-{role}",
        )
    _coordination(tenant)
    return tenant


def _coordination(tenant: Tenant) -> None:
    """A coordinator post, its role description and a violence team, as the coordination pages need."""
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
    national: object  # a national actor's analyst (ADR 0042): reads only the estimate over every municipality
    # A logged-in session per user (user pk → session key), so that a test can act as many
    # people without logging each in: see ``World.session_for``.
    sessions: dict = field(default_factory=dict)

    @property
    def users(self) -> list:
        return [
            *self.own.users.values(),
            *self.neighbour.users.values(),
            *self.foreign.users.values(),
            self.administrator,
            self.national,
        ]

    def act_as(self, client, user):
        """Let ``client`` continue ``user``'s open session (as force_login would, without a login)."""
        client.cookies[settings.SESSION_COOKIE_NAME] = self.sessions[user.pk]
        return client


def _build_world() -> World:
    from fridsam.core.models import StaffSession as Session

    # Västerås and Köping (Västmanlands län), Uppsala (Uppsala län): real SCB codes.
    own = _tenant("1980", "own")
    neighbour = _tenant("1983", "neighbour")
    foreign = _tenant("0380", "foreign")
    administrator = account_factories.staff(Role.ADMINISTRATOR, username="the-administrator")
    national = account_factories.staff(
        Role.NATIONAL_ANALYST,
        national_organisation=org_factories.national_organisation(name="Nationell uppföljning"),
        username="the-national-analyst",
    )
    world = World(own=own, neighbour=neighbour, foreign=foreign, administrator=administrator, national=national)
    client = Client()
    for user in world.users:
        client.force_login(user, backend="django.contrib.auth.backends.ModelBackend")
        world.sessions[user.pk] = client.cookies[settings.SESSION_COOKIE_NAME].value
        client.cookies.clear()
    # The sessions outlive the idle timeout: a test late in a long run still finds them open.
    Session.objects.filter(session_key__in=world.sessions.values()).update(
        expire_date=datetime.datetime.now(datetime.UTC) + datetime.timedelta(days=2)
    )
    return world


_built: dict[str, World] = {}


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    """The test database, with the world built once and committed."""
    with django_db_blocker.unblock(), unscoped():
        _built["world"] = _build_world()
    yield


@pytest.fixture(autouse=True)
def _world_after_a_flush(request, django_db_blocker):
    """A transactional test flushes the database when it ends: build the world again after it."""
    yield
    if "transactional_db" in request.fixturenames or "live_server" in request.fixturenames:
        with django_db_blocker.unblock(), unscoped():
            # The flush took the migrations' reference data too; Django restores it only when the
            # next serialized-rollback test starts, so restore it now, as that would.
            serialized = getattr(connection, "_test_serialized_contents", None)
            if serialized:
                connection.creation.deserialize_db_from_string(serialized)
            _built["world"] = _build_world()


@pytest.fixture
def world(db) -> World:
    return copy.deepcopy(_built["world"])


@pytest.fixture
def login(client):
    """Log a user in as the two-factor login would (password and code already checked)."""

    def _login(user):
        client.force_login(user, backend="django.contrib.auth.backends.ModelBackend")
        return client

    return _login
