"""The daily reminders job: what is due lands on each person's start page and in one e-mail; a
second run on the same day adds and sends nothing; done things are resolved."""

from __future__ import annotations

import datetime
import io

import pytest
from django.core import mail
from django.core.management import call_command
from django.urls import reverse

from fridsam.accounts.models import Membership
from fridsam.competence import services as competence
from fridsam.competence.tests import factories
from fridsam.core import reminders
from fridsam.core.models import Reminder
from fridsam.core.roles import Role
from fridsam.routines import services as routines

pytestmark = pytest.mark.django_db
TODAY = datetime.date.today()


def _setup(world):
    course = factories.course(world.own.county, "WEB")
    factories.plan(world.own, [("Grundutbildning", [course], "", "", 6)], steps=[("Läs rutinen", 7, "person")])
    worker = world.own.users[Role.SOCIAL_WORKER]
    membership = Membership.objects.get(user=worker)
    Membership.objects.filter(pk=membership.pk).update(valid_from=TODAY - datetime.timedelta(days=200))
    membership.refresh_from_db()
    competence.checklist_ensure(membership=membership)
    worker.email = "worker@example.org"
    worker.save()
    return course, worker, membership


def test_the_job_collects_e_mails_once_and_is_idempotent(world):
    _course, worker, _membership = _setup(world)
    first = reminders.run(TODAY)
    kinds = set(Reminder.objects.filter(user=worker).values_list("kind", flat=True))
    assert {"training_overdue", "onboarding_step"} <= kinds
    assert first.created >= 2 and first.emails >= 1
    to_worker = [m for m in mail.outbox if m.to == ["worker@example.org"]]
    assert len(to_worker) == 1
    assert "Grundutbildning" in to_worker[0].body and "påminnelse" in to_worker[0].subject
    sent = len(mail.outbox)
    second = reminders.run(TODAY)
    assert (second.created, second.resolved, second.emails) == (0, 0, 0)
    assert len(mail.outbox) == sent
    assert Reminder.objects.filter(user=worker, resolved_on__isnull=True).count() == len(kinds)


def test_doing_the_thing_resolves_the_reminder_at_once(world):
    course, worker, _membership = _setup(world)
    reminders.run(TODAY, send=False)
    competence.record_add(
        person=worker,
        course=course,
        completed_on=TODAY,
        municipality=world.own.municipality,
        source="self",
        user=worker,
    )
    reminders.refresh_for([worker])
    training = Reminder.objects.get(user=worker, kind="training_overdue")
    assert training.resolved_on == TODAY
    result = reminders.run(TODAY)
    assert result.created == 0


def test_the_start_page_shows_the_persons_reminders(world, login):
    _setup(world)
    call_command("send_reminders", "--no-email", stdout=io.StringIO())
    page = login(world.own.users[Role.SOCIAL_WORKER]).get(reverse("core:start")).content.decode()
    assert "Att göra för dig" in page
    assert "Grundutbildning" in page and "Läs rutinen" in page
    assert not mail.outbox


def test_reviews_and_approvals_reach_the_owner_and_the_managers(world):
    coordinator, manager = world.own.users[Role.COORDINATOR], world.own.users[Role.MANAGER]
    document = routines.document_create(
        municipality=world.own.municipality,
        fields={
            "kind": "handbook",
            "title": "Handboken",
            "owner": coordinator,
            "unit_types": [],
            "roles": [],
            "legal_references": "",
            "review_months": 12,
        },
        body="Text",
        user=coordinator,
    )
    version = routines.open_version(document)
    routines.version_submit(version=version, user=coordinator)
    assert Reminder.objects.filter(user=manager, kind="approve_routine", resolved_on__isnull=True).exists()
    routines.version_approve(version=version, user=manager, on=TODAY - datetime.timedelta(days=400))
    assert not Reminder.objects.filter(user=manager, kind="approve_routine", resolved_on__isnull=True).exists()
    reminders.run(TODAY, send=False)
    assert Reminder.objects.get(user=coordinator, kind="review_overdue").params["title"] == "Handboken"
    worker = world.own.users[Role.SOCIAL_WORKER]
    assert Reminder.objects.filter(user=worker, kind="read_routine", resolved_on__isnull=True).exists()
    document.refresh_from_db()
    routines.acknowledge(document=document, user=worker)
    assert not Reminder.objects.filter(user=worker, kind="read_routine", resolved_on__isnull=True).exists()


def test_a_reminder_that_becomes_overdue_is_reworded_without_a_new_e_mail(world):
    _course, worker, membership = _setup(world)
    Membership.objects.filter(pk=membership.pk).update(valid_from=TODAY - datetime.timedelta(days=170))
    reminders.run(TODAY - datetime.timedelta(days=1))
    row = Reminder.objects.get(user=worker, key__startswith="training:")
    assert row.kind == "training_due"
    sent = len(mail.outbox)
    result = reminders.run(TODAY + datetime.timedelta(days=20))
    row.refresh_from_db()
    assert row.kind == "training_overdue" and row.resolved_on is None
    assert result.created == 0 and len(mail.outbox) == sent
