"""The course form on one's own page and a staff member's page keeps what was typed and shows
each error at its field; a completed course's date is plausible in the form and in the import,
which names every bad row and keeps nothing (ADR 0026)."""

from __future__ import annotations

import datetime
import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from fridsam.accounts.models import Membership
from fridsam.competence.models import TrainingRecord
from fridsam.competence.tests import factories
from fridsam.core.roles import Role

pytestmark = pytest.mark.django_db


def _field_error(html: str, field: str) -> str:
    match = re.search(rf'<div class="ds-validation-message"[^>]*id="id_{field}_error">(.*?)</div>', html, re.S)
    return match.group(1) if match else ""


def _selected(html: str, value) -> bool:
    return re.search(rf'<option value="{value}"[^>]*selected', html) is not None


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        (lambda today: today + datetime.timedelta(days=2), "Datumet ligger i framtiden"),
        (lambda today: datetime.date(1850, 1, 1), "från och med 1990-01-01"),
    ],
)
def test_the_own_page_keeps_the_course_and_the_date_and_shows_the_error_at_the_date(world, client, typed, expected):
    course = factories.course(world.own.county, "WEB")
    worker = world.own.users[Role.SOCIAL_WORKER]
    membership = Membership.objects.get(user=worker)
    world.act_as(client, worker)
    day = typed(timezone.localdate())

    response = client.post(
        reverse("competence:record_add", args=[membership.pk]), {"course": course.pk, "completed_on": day.isoformat()}
    )

    assert response.status_code == 200  # the page again, not a redirect that forgets the input
    html = response.content.decode()
    assert expected in _field_error(html, "completed_on")
    assert _selected(html, course.pk)
    assert f'value="{day.isoformat()}"' in html
    assert 'aria-invalid="true"' in html
    assert "Courses you have completed" not in html and "Kurser du har genomfört" in html  # one's own page
    assert not TrainingRecord.objects.exists()


def test_a_staff_members_page_keeps_the_input_too(world, client):
    course = factories.course(world.own.county, "WEB")
    membership = Membership.objects.get(user=world.own.users[Role.SOCIAL_WORKER])
    world.act_as(client, world.own.users[Role.MANAGER])
    response = client.post(
        reverse("competence:record_add", args=[membership.pk]), {"course": course.pk, "completed_on": "2026-13-01"}
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert _field_error(html, "completed_on")  # not a date
    assert _selected(html, course.pk) and 'value="2026-13-01"' in html
    assert membership.user.get_full_name() in html
    assert not TrainingRecord.objects.exists()


def test_a_course_already_recorded_is_said_at_the_date(world, client):
    course = factories.course(world.own.county, "WEB")
    worker = world.own.users[Role.SOCIAL_WORKER]
    membership = Membership.objects.get(user=worker)
    world.act_as(client, worker)
    data = {"course": course.pk, "completed_on": "2025-05-05"}
    url = reverse("competence:record_add", args=[membership.pk])
    assert client.post(url, data).status_code == 302
    html = client.post(url, data).content.decode()
    assert "redan" in _field_error(html, "completed_on")
    assert TrainingRecord.objects.count() == 1


def test_the_import_names_every_row_with_an_implausible_date_and_keeps_nothing(world, client):
    factories.course(world.own.county, "WEB")
    worker = world.own.users[Role.SOCIAL_WORKER].username
    tomorrow = timezone.localdate() + datetime.timedelta(days=1)
    world.act_as(client, world.own.users[Role.COORDINATOR])
    upload = SimpleUploadedFile(
        "utb.csv",
        (
            f"användare;kurs;datum\n{worker};WEB;1850-01-01\n{worker};WEB;{tomorrow.isoformat()}\n"
            f"{worker};WEB;2025-01-01\n"
        ).encode(),
    )
    page = client.post(reverse("competence:import", args=[world.own.municipality.code]), {"file": upload})
    html = page.content.decode()
    assert "Inget importerades: 2 rader behöver rättas." in html
    assert "Rad 2: datumet 1850-01-01 är före 1990-01-01" in html
    assert f"Rad 3: datumet {tomorrow.isoformat()} ligger i framtiden" in html
    assert "Rad 4" not in html
    assert not TrainingRecord.objects.exists()  # the good row neither: all or nothing
