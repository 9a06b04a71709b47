"""Many coordinators at the same moment: exactly one allocation survives (PostgreSQL, real
concurrent transactions on separate connections)."""

import threading

import pytest
from django.core.exceptions import ValidationError
from django.db import connection, connections

from fridsam.core.roles import Role
from fridsam.core.tenancy import unscoped
from fridsam.housing import services
from fridsam.housing.models import LIVE_STATUSES, Allocation

pytestmark = pytest.mark.skipif("connection.vendor != 'postgresql'")


def _access_log_triggers(enabled: bool) -> None:
    with connection.cursor() as cursor:
        for table in ("core_accesslogentry", "core_accesslogcheckpoint"):
            cursor.execute(f"ALTER TABLE {table} {'ENABLE' if enabled else 'DISABLE'} TRIGGER USER")


@pytest.fixture
def triggers_back_after_flush(django_db_blocker):
    """Set up before the transactional database, torn down after its flush: the append-only
    triggers are on again for every later test."""
    yield
    with django_db_blocker.unblock():
        _access_log_triggers(True)


@pytest.fixture
def flushable(transactional_db):
    """Torn down before the flush: the flush's TRUNCATE would be rejected by the append-only log."""
    yield
    _access_log_triggers(False)


@pytest.fixture
def race_db(triggers_back_after_flush, django_db_serialized_rollback, transactional_db, flushable):
    """Real transactions; the reference data (counties, municipalities, criteria) is restored
    after the flush by the serialized rollback."""


THREADS = 8


def _race(calls):
    barrier = threading.Barrier(len(calls))
    outcomes = []
    lock = threading.Lock()

    def run(call):
        try:
            with unscoped():
                barrier.wait()
                call()
            result = "ok"
        except ValidationError:
            result = "refused"
        finally:
            connections.close_all()
        with lock:
            outcomes.append(result)

    threads = [threading.Thread(target=run, args=(c,)) for c in calls]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    return outcomes


def test_many_accept_the_same_apartment_at_once(race_db, world, make_apartment, make_applicant):
    apartment = make_apartment()
    applicants = [make_applicant() for _ in range(THREADS)]
    user = world.own.users[Role.COORDINATOR]
    outcomes = _race(
        [lambda a=a: services.allocation_propose(apartment=apartment, applicant=a, user=user) for a in applicants]
    )
    assert sorted(outcomes) == ["ok"] + ["refused"] * (THREADS - 1)
    assert Allocation.objects.filter(apartment=apartment, status__in=LIVE_STATUSES).count() == 1


def test_one_applicant_offered_many_apartments_at_once(race_db, world, make_apartment, make_applicant):
    applicant = make_applicant()
    apartments = [make_apartment() for _ in range(THREADS)]
    user = world.own.users[Role.COORDINATOR]
    outcomes = _race(
        [lambda a=a: services.allocation_propose(apartment=a, applicant=applicant, user=user) for a in apartments]
    )
    assert sorted(outcomes) == ["ok"] + ["refused"] * (THREADS - 1)
    assert Allocation.objects.filter(applicant=applicant, status__in=LIVE_STATUSES).count() == 1


def test_accepting_and_allocating_twice_at_once_moves_once(race_db, world, make_apartment, make_applicant):
    apartment, applicant = make_apartment(), make_applicant()
    own, neighbour = world.own.users[Role.COORDINATOR], world.neighbour.users[Role.COORDINATOR]
    allocation = services.allocation_propose(apartment=apartment, applicant=applicant, user=own)
    services.allocation_accept(allocation=allocation, user=neighbour)
    outcomes = _race([lambda: services.allocation_allocate(allocation=allocation, user=neighbour)] * THREADS)
    assert sorted(outcomes) == ["ok"] + ["refused"] * (THREADS - 1)
    assert connection.vendor == "postgresql"
