"""The health check's facts come from the cache while the municipality's data is unchanged, and
are gathered again after a change (ADR 0045).

Inside a transaction the cache is not used, and every test runs inside one: here the test's own
transaction does not count (as if each request ran on its own), and the writes' on-commit
callbacks run when their transaction would commit."""

import pytest
from django.core.cache import cache
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from fridsam.accounts.selectors import tenancy_for_user
from fridsam.core.roles import Role
from fridsam.core.tenancy import tenant_scope, unscoped
from fridsam.core.testing import cache_outside_the_tests_transaction, count_queries
from fridsam.healthcheck.facts import facts_for
from fridsam.organisations import services as organisations

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def served_outside_the_tests_transaction(monkeypatch):
    cache_outside_the_tests_transaction(monkeypatch)
    cache.clear()


def _facts_keys():
    return [k for k in cache._cache if ":healthcheck:facts:" in k]  # the local-memory cache of the tests


def test_the_municipality_page_reads_the_facts_from_the_cache_until_its_data_changes(
    world, client, login, django_capture_on_commit_callbacks
):
    municipality = world.own.municipality
    login(world.own.users[Role.COORDINATOR])
    url = reverse("organisations:municipality_detail", args=[municipality.code])
    first = count_queries(lambda: client.get(url))
    again = count_queries(lambda: client.get(url))
    assert again <= first - 10  # the facts' queries, from about twenty
    response = client.get(url)
    units = response.context["check"].facts.unit_ids

    with unscoped(), django_capture_on_commit_callbacks(execute=True):  # the write commits
        unit = organisations.unit_create(municipality=municipality, name="Nya enheten", unit_type="other")
    response = client.get(url)
    assert response.context["check"].facts.unit_ids == {*units, unit.pk}  # gathered again, at once

    # Another municipality's cached facts stay: its data did not change.
    login(world.own.users[Role.COUNTY_ANALYST])
    neighbour = reverse("organisations:municipality_detail", args=[world.neighbour.municipality.code])
    client.get(neighbour)
    with unscoped(), django_capture_on_commit_callbacks(execute=True):
        organisations.unit_create(municipality=municipality, name="Ännu en enhet", unit_type="other")
    assert count_queries(lambda: client.get(neighbour)) <= first - 10


def test_each_scope_has_its_own_entry_and_nothing_is_cached_inside_a_transaction(world):
    municipality, day = world.own.municipality, timezone.localdate()
    coordinator = tenancy_for_user(user=world.own.users[Role.COORDINATOR])
    analyst = tenancy_for_user(user=world.own.users[Role.COUNTY_ANALYST])
    with tenant_scope(coordinator.scope):
        facts_for([municipality], day)
    with tenant_scope(analyst.scope):
        facts_for([municipality], day)
    assert len(_facts_keys()) == 2  # the county analyst reads no case-level rows: not the same facts

    cache.clear()
    with transaction.atomic(), tenant_scope(coordinator.scope):
        facts_for([municipality], day)
    assert _facts_keys() == []
