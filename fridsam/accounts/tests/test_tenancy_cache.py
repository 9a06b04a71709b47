"""The tenancy is cached per person (ADR 0044) and never outlives a change to what it is built
from: the person's memberships, however they change, and the municipalities of the county an
analyst analyses. Through real requests, with the cache the settings give."""

import datetime
import pickle

import pytest
from django.core.cache import cache
from django.urls import reverse
from django.utils import timezone

from fridsam.accounts.models import Membership, User
from fridsam.accounts.selectors import _tenancy_key, tenancy_for_user
from fridsam.accounts.services import membership_end, membership_grant
from fridsam.accounts.tests import factories
from fridsam.core.roles import Role
from fridsam.core.tenancy import ALL, UNRESTRICTED
from fridsam.organisations.models import Municipality

pytestmark = pytest.mark.django_db

YESTERDAY = timezone.localdate() - datetime.timedelta(days=1)


def _municipality_page(client, code):
    return client.get(reverse("organisations:municipality_detail", args=[code])).status_code


def test_an_ended_membership_ends_what_the_cached_tenancy_shows(world, login):
    worker = world.own.users[Role.SOCIAL_WORKER]
    client = login(worker)
    assert _municipality_page(client, world.own.municipality.code) == 200  # cached now
    membership = Membership.system_objects.get(user=worker, role=Role.SOCIAL_WORKER)
    membership.valid_from = YESTERDAY - datetime.timedelta(days=30)
    membership.save(update_fields=["valid_from"])
    membership_end(membership=membership, valid_until=YESTERDAY)
    assert _municipality_page(client, world.own.municipality.code) == 404


def test_a_membership_changed_in_bulk_is_seen_at_the_next_request(world, login):
    worker = world.own.users[Role.SOCIAL_WORKER]
    client = login(worker)
    assert _municipality_page(client, world.own.municipality.code) == 200
    Membership.system_objects.filter(user=worker).update(valid_from=timezone.localdate() + datetime.timedelta(days=9))
    assert _municipality_page(client, world.own.municipality.code) == 404
    Membership.system_objects.filter(user=worker).update(valid_from=YESTERDAY)
    assert _municipality_page(client, world.own.municipality.code) == 200


def test_a_new_role_is_seen_at_the_next_request_and_the_callers_copy_agrees(world, login):
    worker = world.own.users[Role.SOCIAL_WORKER]
    client = login(worker)
    assert _municipality_page(client, world.neighbour.municipality.code) == 404
    before = tenancy_for_user(user=worker)
    membership_grant(user=worker, role=Role.SOCIAL_WORKER, municipality=world.neighbour.municipality,
                     unit=world.neighbour.unit)  # fmt: skip
    assert tenancy_for_user(user=worker).scope != before.scope  # the same object, its generation moved
    assert _municipality_page(client, world.neighbour.municipality.code) == 200


def test_a_new_municipality_of_the_county_is_in_its_analysts_scope_at_once(world, login):
    analyst = world.own.users[Role.COUNTY_ANALYST]
    client = login(analyst)
    assert client.get(reverse("core:start")).status_code == 200
    added = Municipality.objects.create(code="1999", name="Nyköping-test", county=world.own.municipality.county)
    analyst.refresh_from_db()
    assert added.pk in tenancy_for_user(user=analyst).scope.municipality
    assert _municipality_page(client, "1999") == 200


def test_another_account_with_the_same_id_never_reads_the_cached_tenancy(world):
    """A database restored or rolled back may give a new account an old id: the key differs."""
    worker = world.own.users[Role.SOCIAL_WORKER]
    assert tenancy_for_user(user=worker).memberships
    assert cache.get(_tenancy_key(worker)) is not None
    stranger = User(pk=worker.pk, username="x", date_joined=worker.date_joined + datetime.timedelta(microseconds=1))
    assert _tenancy_key(stranger) != _tenancy_key(worker)


def test_the_cached_scope_keeps_the_all_sentinel_itself():
    scope = pickle.loads(pickle.dumps(UNRESTRICTED))
    assert scope.municipality is ALL and scope.partner is ALL


def test_the_second_factor_of_the_login_is_not_asked_of_the_database_again(world, client):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    user = world.own.users[Role.SOCIAL_WORKER]
    client.post(reverse("account_login"), {"login": user.username, "password": factories.PASSWORD})
    assert client.post(reverse("mfa_authenticate"), {"code": factories.totp_code(user)}).status_code == 302
    client.get(reverse("core:start"))
    with CaptureQueriesContext(connection) as queries:
        assert client.get(reverse("core:start")).status_code == 200
    assert not [q for q in queries.captured_queries if "mfa_authenticator" in q["sql"]]
