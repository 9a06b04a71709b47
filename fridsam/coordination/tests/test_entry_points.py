"""The named entry point: coordinator, deputy during an absence, team leader, managers."""

import datetime

import pytest
from django.utils import timezone

from fridsam.coordination import services
from fridsam.coordination.selectors import entry_points_for
from fridsam.core.roles import Role
from fridsam.core.testing import count_queries

pytestmark = pytest.mark.django_db


def test_the_coordinator_is_the_entry_point(world):
    entry = entry_points_for([world.own.municipality.pk])[world.own.municipality.pk]
    assert [e.user for e in entry] == [world.own.users[Role.COORDINATOR]]


def test_the_deputy_stands_in_during_an_absence(world):
    today = timezone.localdate()
    services.absence_add(
        post=world.own.post, kind="parental_leave", start_date=today, end_date=today + datetime.timedelta(days=90)
    )
    [entry] = entry_points_for([world.own.municipality.pk])[world.own.municipality.pk]
    assert entry.user == world.own.users[Role.SOCIAL_WORKER]  # the deputy of the fixture's post
    assert entry.replaces == world.own.users[Role.COORDINATOR]
    # Before the absence, the coordinator.
    [before] = entry_points_for([world.own.municipality.pk], day=today - datetime.timedelta(days=1))[
        world.own.municipality.pk
    ]
    assert before.user == world.own.users[Role.COORDINATOR]


def test_an_absence_without_deputy_is_shown_as_such(world):
    today = timezone.localdate()
    services.post_update(post=world.own.post, deputy=None)
    services.absence_add(post=world.own.post, kind="sick_leave", start_date=today, end_date=today)
    [entry] = entry_points_for([world.own.municipality.pk])[world.own.municipality.pk]
    assert entry.user == world.own.users[Role.COORDINATOR] and entry.absent_until == today


def test_team_leader_then_managers_where_there_is_no_coordinator(world):
    services.post_update(post=world.own.post, end_date=datetime.date(2024, 6, 30))
    [entry] = entry_points_for([world.own.municipality.pk])[world.own.municipality.pk]
    assert entry.user == world.own.team.leader
    foreign = world.foreign.municipality
    services.post_update(post=world.foreign.post, end_date=datetime.date(2024, 6, 30))
    services.team_save(
        municipality=foreign,
        team=world.foreign.team,
        name="T",
        leader=world.foreign.team.leader,
        meeting_rhythm="monthly",
        purpose="p",
        start_date=datetime.date(2024, 1, 1),
        end_date=datetime.date(2024, 6, 30),
        members=[],
    )
    [entry] = entry_points_for([foreign.pk])[foreign.pk]
    assert entry.user == world.foreign.users[Role.MANAGER]


def test_constant_queries(world):
    one = count_queries(lambda: entry_points_for([world.own.municipality.pk]))
    three = count_queries(
        lambda: entry_points_for(
            [world.own.municipality.pk, world.neighbour.municipality.pk, world.foreign.municipality.pk]
        )
    )
    assert one == three <= 4
