"""A meeting's dates through the form: an action is not due before its meeting (it would stand as
overdue on its owner's start page at once), and the meeting's own date is plausible (ADR 0026)."""

import datetime
import re

import pytest
from django.urls import reverse
from django.utils import timezone

from fridsam.collaboration.models import ActionItem, Meeting
from fridsam.collaboration.tests.test_groups import local_group
from fridsam.core.dates import add_months
from fridsam.core.roles import Role

pytestmark = pytest.mark.django_db
ACTION = "Sprid rutinen till alla poliser"


def _field_error(html: str, field: str) -> str:
    match = re.search(rf'<div class="ds-validation-message"[^>]*id="id_{field}_error">(.*?)</div>', html, re.S)
    return match.group(1) if match else ""


def _meeting(held_on, due_on, partner):
    return {
        "held_on": held_on.isoformat(),
        "agenda": "1. Rutin för polisärenden",
        "minutes": "",
        "decisions": "",
        "action_1_text": ACTION,
        "action_1_owner": partner.pk,
        "action_1_due": due_on.isoformat(),
    }


def test_an_action_due_before_its_meeting_is_refused_at_its_date(world, client):
    group = local_group(world)
    partner = world.own.users[Role.PARTNER]
    today = timezone.localdate()
    world.act_as(client, world.own.users[Role.COORDINATOR])

    response = client.post(
        reverse("collaboration:meeting_create", args=[group.pk]),
        _meeting(today, today - datetime.timedelta(days=300), partner),
    )

    assert response.status_code == 200
    html = response.content.decode()
    assert "före mötet" in _field_error(html, "action_1_due")
    assert f'value="{ACTION}"' in html  # the input is kept
    assert not Meeting.objects.exists() and not ActionItem.objects.exists()
    world.act_as(client, partner)
    assert ACTION not in client.get("/").content.decode()


def test_an_action_due_on_the_meeting_day_reaches_its_owner(world, client):
    group = local_group(world)
    partner = world.own.users[Role.PARTNER]
    held_on = timezone.localdate() - datetime.timedelta(days=7)
    world.act_as(client, world.own.users[Role.COORDINATOR])
    response = client.post(
        reverse("collaboration:meeting_create", args=[group.pk]), _meeting(held_on, held_on, partner)
    )
    assert response.status_code == 302
    assert ActionItem.objects.get().due_on == held_on
    world.act_as(client, partner)
    assert ACTION in client.get("/").content.decode()


@pytest.mark.parametrize(
    ("held_on", "expected"),
    [
        (datetime.date(1850, 1, 1), "från och med 2000-01-01"),
        (timezone.localdate() + datetime.timedelta(days=3), "Datumet ligger i framtiden"),
    ],
)
def test_a_meeting_is_held_on_a_plausible_day(world, client, held_on, expected):
    group = local_group(world)
    world.act_as(client, world.own.users[Role.COORDINATOR])
    response = client.post(
        reverse("collaboration:meeting_create", args=[group.pk]),
        _meeting(held_on, held_on + datetime.timedelta(days=1), world.own.users[Role.PARTNER]),
    )
    assert response.status_code == 200
    assert expected in _field_error(response.content.decode(), "held_on")
    assert not Meeting.objects.exists()


def test_an_action_due_more_than_five_years_ahead_is_refused(world, client):
    group = local_group(world)
    today = timezone.localdate()
    world.act_as(client, world.own.users[Role.COORDINATOR])
    response = client.post(
        reverse("collaboration:meeting_create", args=[group.pk]),
        _meeting(today, add_months(today, 12 * 5 + 1), world.own.users[Role.PARTNER]),
    )
    assert response.status_code == 200
    assert "för långt fram" in _field_error(response.content.decode(), "action_1_due")
    assert not ActionItem.objects.exists()
