"""When staff leave (issue 18 §3): the manager hands the open work over to someone named; the roles
end; with no role left, the calendar address is revoked and the sessions end."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from fridsam.accounts.models import Membership
from fridsam.competence.models import CalendarFeed
from fridsam.core.models import AccessLogEntry
from fridsam.core.models import StaffSession as Session
from fridsam.core.roles import Role
from fridsam.followup import services as followup_services
from fridsam.followup.models import Consultation, FollowUpRecord
from fridsam.integrations import services as integration_services
from fridsam.integrations.models import IntegrationCredential, Permission

pytestmark = pytest.mark.django_db


def test_a_manager_hands_the_work_over_and_the_leaver_is_logged_out(world, client, old_record):
    worker, coordinator = world.own.users[Role.SOCIAL_WORKER], world.own.users[Role.COORDINATOR]
    open_record = old_record("IFO-2026-0001", closed_on=None)
    closed = old_record("IFO-2019-0001")
    consultation = followup_services.consultation_ask(
        asked_by=worker,
        municipality=world.own.municipality,
        unit=world.own.unit,
        question="Hur bedömer vi risken?",
        topic="risk",
        urgency="week",
    )
    CalendarFeed.objects.create(user=worker, token="a-secret-calendar-address")
    credential, _token = integration_services.credential_create(
        name="Treserva",
        municipality=world.own.municipality,
        unit=world.own.unit,
        permissions=[Permission.PUSH_FOLLOWUP],
        expires_on=timezone.localdate() + datetime.timedelta(days=365),
        user=worker,
    )
    Membership.objects.filter(user=worker).update(valid_from=datetime.date(2024, 1, 1))  # hired before today
    world.act_as(client, world.own.users[Role.MANAGER])
    code = world.own.municipality.code
    page = client.get(reverse("retention:staff", kwargs={"municipality_code": code}))
    assert worker.get_full_name() in page.content.decode()
    url = reverse("retention:staff_leave", kwargs={"municipality_code": code, "user_pk": worker.pk})
    form = client.get(url).content.decode()
    assert "Öppna uppföljningsärenden: 1" in form
    response = client.post(url, {"successor": coordinator.pk, "on": timezone.localdate().isoformat()})
    assert response.status_code == 302, response.content.decode()[:2000]

    assert FollowUpRecord.objects.get(pk=open_record.pk).owner == coordinator
    assert FollowUpRecord.objects.get(pk=closed.pk).owner == worker  # closed work stays as it was
    assert Consultation.objects.get(pk=consultation.pk).asked_by == coordinator
    assert not Membership.objects.active().filter(user=worker).exists()
    assert not CalendarFeed.objects.filter(user=worker).exists()
    assert IntegrationCredential.objects.get(pk=credential.pk).revoked_at is not None  # the person made it
    assert not Session.objects.filter(session_key=world.sessions[worker.pk]).exists()
    world.act_as(client, worker)
    assert client.get(reverse("core:start")).status_code == 302  # back to the login
    entry = AccessLogEntry.objects.filter(object_type="accounts.user", object_id=str(worker.pk)).latest("sequence")
    assert "records=1" in entry.detail and "consultations=1" in entry.detail
    assert "credentials revoked=1" in entry.detail


def test_only_the_municipalitys_managers_hand_work_over(world, client):
    worker = world.own.users[Role.SOCIAL_WORKER]
    url = reverse(
        "retention:staff_leave", kwargs={"municipality_code": world.own.municipality.code, "user_pk": worker.pk}
    )
    for user in (
        world.own.users[Role.COORDINATOR],
        world.own.users[Role.ARCHIVIST],
        world.neighbour.users[Role.MANAGER],
    ):
        world.act_as(client, user)
        assert client.get(url).status_code in (403, 404)


def test_the_work_goes_to_someone_of_the_municipality(world, client):
    worker = world.own.users[Role.SOCIAL_WORKER]
    world.act_as(client, world.own.users[Role.MANAGER])
    url = reverse(
        "retention:staff_leave", kwargs={"municipality_code": world.own.municipality.code, "user_pk": worker.pk}
    )
    outsider = world.neighbour.users[Role.SOCIAL_WORKER]
    response = client.post(url, {"successor": outsider.pk, "on": timezone.localdate().isoformat()})
    assert response.status_code == 200
    tomorrow = timezone.localdate() + datetime.timedelta(days=1)
    response = client.post(url, {"successor": world.own.users[Role.COORDINATOR].pk, "on": tomorrow.isoformat()})
    assert response.status_code == 200
    assert Membership.objects.active().filter(user=worker).exists()
