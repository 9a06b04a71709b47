"""The access log learns who acted and from where from the actor, never from a request."""

import pytest
from django.urls import reverse

from fridsam.core.actor import Actor, acting, current_actor
from fridsam.core.audit import log_access
from fridsam.core.models import AccessAction, AccessLogEntry
from fridsam.core.roles import Role


@pytest.mark.django_db
def test_outside_a_request_the_log_records_only_what_it_is_given(world):
    coordinator = world.own.users[Role.COORDINATOR]
    entry = log_access(action=AccessAction.READ, object_type="core.test", user=coordinator)
    assert (entry.username, entry.role, entry.ip_address) == (coordinator.username, "", None)


@pytest.mark.django_db
def test_a_task_acting_for_a_person_logs_their_roles_and_address(world):
    coordinator = world.own.users[Role.COORDINATOR]
    memberships = tuple(coordinator.memberships.all())
    with acting(Actor(user=coordinator, ip_address="10.0.0.7", memberships=memberships)):
        entry = log_access(action=AccessAction.READ, object_type="core.test", municipality=world.own.municipality)
    assert current_actor().user is None  # restored after the block
    assert (entry.username, entry.role, entry.ip_address) == (coordinator.username, Role.COORDINATOR, "10.0.0.7")


@pytest.mark.django_db
def test_the_actor_s_roles_are_not_given_to_somebody_else(world):
    coordinator = world.own.users[Role.COORDINATOR]
    worker = world.own.users[Role.SOCIAL_WORKER]
    with acting(Actor(user=coordinator, memberships=tuple(coordinator.memberships.all()))):
        entry = log_access(action=AccessAction.READ, object_type="core.test", user=worker)
    assert (entry.username, entry.role) == (worker.username, "")


@pytest.mark.django_db
def test_a_request_sets_the_actor_from_its_user_and_address(world, login):
    manager = world.own.users[Role.MANAGER]
    client = login(manager)
    url = reverse("core:access_log", kwargs={"municipality_code": world.own.municipality.code})
    before = AccessLogEntry.objects.order_by("-sequence").first().sequence
    assert client.get(url, REMOTE_ADDR="192.0.2.10").status_code == 200
    entry = AccessLogEntry.objects.filter(sequence__gt=before).get()
    assert (entry.username, entry.role, entry.ip_address) == (manager.username, Role.MANAGER, "192.0.2.10")
