"""Competence pages through HTTP and the real database."""

from __future__ import annotations

import datetime

import pytest
from django.core.cache import cache
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from fridsam.accounts.models import Membership, User
from fridsam.competence import services
from fridsam.competence.models import CalendarFeed, Event, EventResponse, TrainingRecord
from fridsam.competence.tests import factories
from fridsam.core.roles import Role
from fridsam.core.testing import cache_outside_the_tests_transaction

pytestmark = pytest.mark.django_db
TODAY = datetime.date.today()


def _plan(world):
    web = factories.course(world.own.county, "WEB")
    freda = factories.course(world.own.county, "FREDA", topics=["risk"], level="advanced")
    return factories.plan(
        world.own,
        [("Grundutbildning", [web], "", "", 6), ("FREDA", [freda], "", Role.SOCIAL_WORKER, 12)],
        steps=[("Samtal med samordnaren", 30, "coordinator"), ("Läs rutinen", 14, "person")],
    )


def test_a_social_worker_sees_their_requirements_and_records_a_course(world, login):
    plan = _plan(world)
    worker = world.own.users[Role.SOCIAL_WORKER]
    client = login(worker)
    page = client.get(reverse("competence:mine")).content.decode()
    assert "Grundutbildning" in page and "FREDA" in page and "Inte förfallen än" in page
    membership = Membership.objects.get(user=worker)
    web = plan.requirements.get(title="Grundutbildning").courses.get()
    response = client.post(
        reverse("competence:record_add", args=[membership.pk]), {"course": web.pk, "completed_on": TODAY.isoformat()}
    )
    assert response.status_code == 302
    assert TrainingRecord.objects.get(person=worker).source == "self"
    page = client.get(reverse("competence:mine")).content.decode()
    assert "Genomförd " + TODAY.isoformat() in page


def test_a_bad_record_says_why_in_swedish(world, login):
    _plan(world)
    worker = world.own.users[Role.SOCIAL_WORKER]
    client = login(worker)
    membership = Membership.objects.get(user=worker)
    response = client.post(
        reverse("competence:record_add", args=[membership.pk]),
        {"course": "", "completed_on": (TODAY + datetime.timedelta(days=2)).isoformat()},
        follow=True,
    )
    assert "Detta fält måste fyllas i." in response.content.decode()
    assert not TrainingRecord.objects.exists()


def test_a_social_worker_cannot_record_for_a_colleague_or_see_coverage(world, login):
    _plan(world)
    client = login(world.own.users[Role.SOCIAL_WORKER])
    manager = Membership.objects.get(user=world.own.users[Role.MANAGER])
    assert client.get(reverse("competence:person", args=[manager.pk])).status_code == 404
    assert client.post(reverse("competence:record_add", args=[manager.pk]), {}).status_code == 404
    assert client.get(reverse("competence:coverage", args=[world.own.municipality.code])).status_code == 403


def test_the_manager_records_a_course_and_ticks_a_step_for_a_staff_member(world, login):
    plan = _plan(world)
    manager = world.own.users[Role.MANAGER]
    newcomer = User.objects.create(username="ny", first_name="Ny", last_name="Anställd")
    from fridsam.accounts.services import membership_grant

    membership = membership_grant(
        user=newcomer,
        role=Role.SOCIAL_WORKER,
        municipality=world.own.municipality,
        unit=world.own.unit,
        valid_from=TODAY - datetime.timedelta(days=40),
    )
    client = login(manager)
    page = client.get(reverse("competence:person", args=[membership.pk])).content.decode()
    assert "Samtal med samordnaren" in page and "Försenad" in page
    item = membership.onboarding_items.get(title="Samtal med samordnaren")
    assert client.post(reverse("competence:item_done", args=[item.pk])).status_code == 302
    item.refresh_from_db()
    assert item.done_by == manager
    web = plan.requirements.get(title="Grundutbildning").courses.get()
    client.post(
        reverse("competence:record_add", args=[membership.pk]), {"course": web.pk, "completed_on": TODAY.isoformat()}
    )
    assert TrainingRecord.objects.get(person=newcomer).source == "manager"


def test_a_staff_member_cannot_tick_a_step_that_is_the_coordinators(world, login):
    _plan(world)
    worker = world.own.users[Role.SOCIAL_WORKER]
    membership = Membership.objects.get(user=worker)
    services.checklist_ensure(membership=membership)
    item = membership.onboarding_items.get(responsible="coordinator")
    assert login(worker).post(reverse("competence:item_done", args=[item.pk])).status_code == 403
    own_step = membership.onboarding_items.get(responsible="person")
    assert login(worker).post(reverse("competence:item_done", args=[own_step.pk])).status_code == 302


def _staff(world, n, prefix):
    units = [world.own.unit]
    users = User.objects.bulk_create([User(username=f"{prefix}{i}") for i in range(n)])
    Membership.objects.bulk_create(
        [
            Membership(
                user=u,
                role=Role.SOCIAL_WORKER,
                county=world.own.county,
                municipality=world.own.municipality,
                unit=units[0],
                valid_from=TODAY - datetime.timedelta(days=30 * (i % 24)),
            )
            for i, u in enumerate(users)
        ]
    )
    return users


def test_the_coverage_page_reads_a_constant_number_of_queries(world, login):
    plan = _plan(world)
    courses = [c for r in plan.requirements.all() for c in r.courses.all()]
    client = login(world.own.users[Role.MANAGER])
    url = reverse("competence:coverage", args=[world.own.municipality.code])
    client.get(url)  # the first request after logging in renews the session
    counts = []
    for n, prefix in ((3, "a"), (60, "b")):
        users = _staff(world, n, prefix)
        TrainingRecord.objects.bulk_create(
            [
                TrainingRecord(
                    person=u,
                    course=courses[i % 2],
                    completed_on=TODAY,
                    municipality=world.own.municipality,
                    source="import",
                    entered_by=u,
                )
                for i, u in enumerate(users)
            ]
        )
        with CaptureQueriesContext(connection) as queries:
            response = client.get(url)
        assert response.status_code == 200
        counts.append(len(queries))
    assert counts[0] == counts[1], counts
    assert counts[1] <= 28, counts


def test_the_import_page_lists_the_bad_rows_and_keeps_nothing(world, login):
    factories.course(world.own.county, "WEB")
    client = login(world.own.users[Role.COORDINATOR])
    url = reverse("competence:import", args=[world.own.municipality.code])
    upload = SimpleUploadedFile("utb.csv", b"anvandare;kurs;datum\nnobody;WEB;2025-01-01\nx;NOPE;igar\n")
    page = client.post(url, {"file": upload}).content.decode()
    assert "Inget importerades: 2 rader behöver rättas." in page
    assert "Rad 2" in page and "Rad 3" in page
    assert not TrainingRecord.objects.exists()


def test_the_import_template_and_a_good_import(world, login):
    factories.course(world.own.county, "WEB")
    client = login(world.own.users[Role.COORDINATOR])
    template = client.get(reverse("competence:import_template", args=[world.own.municipality.code]))
    assert template.content.decode("utf-8-sig").startswith("användare;kurs;datum")
    upload = SimpleUploadedFile(
        "utb.csv", f"användare;kurs;datum\n{world.own.users[Role.SOCIAL_WORKER].username};WEB;2025-01-01\n".encode()
    )
    response = client.post(reverse("competence:import", args=[world.own.municipality.code]), {"file": upload})
    assert response.status_code == 302
    assert TrainingRecord.objects.count() == 1


def test_the_plan_is_built_and_approved_through_the_pages(world, login):
    course = factories.course(world.own.county, "WEB")
    coordinator = login(world.own.users[Role.COORDINATOR])
    response = coordinator.post(reverse("competence:plans", args=[world.own.municipality.code]), {"year": TODAY.year})
    plan_url = response["Location"]
    plan_pk = int(plan_url.rstrip("/").split("/")[-1])
    response = coordinator.post(
        reverse("competence:requirement_add", args=[plan_pk]),
        {"title": "Grund", "courses": [course.pk], "unit_type": "", "role": "", "months": 6},
    )
    assert response.status_code == 302
    response = coordinator.post(reverse("competence:requirement_add", args=[plan_pk]), {"title": "", "months": 99})
    assert response.status_code == 200 and "Detta fält måste fyllas i." in response.content.decode()
    assert coordinator.post(reverse("competence:plan_approve", args=[plan_pk])).status_code == 403
    coordinator.logout()
    manager = login(world.own.users[Role.MANAGER])
    manager.post(reverse("competence:plan_approve", args=[plan_pk]))
    page = manager.get(plan_url).content.decode()
    assert "Godkänd av" in page


def test_events_reach_the_roles_they_are_for_and_the_feed_needs_its_secret(world, login, client):
    coordinator = world.own.users[Role.COORDINATOR]
    start = datetime.datetime.combine(TODAY + datetime.timedelta(days=3), datetime.time(9), tzinfo=datetime.UTC)
    for title, roles in (("För handläggare", ["social_worker"]), ("För chefer", ["manager"])):
        services.event_save(
            county=world.own.county,
            municipality=world.own.municipality,
            user=coordinator,
            fields={
                "title": title,
                "kind": "training",
                "starts_at": start,
                "ends_at": start + datetime.timedelta(hours=3),
                "why": "Krav i planen; flera har inte gått den, ännu.",
                "roles": roles,
                "unit_types": [],
            },
        )
    worker = world.own.users[Role.SOCIAL_WORKER]
    c = login(worker)
    page = c.get(reverse("competence:event_list")).content.decode()
    assert "För handläggare" in page and "För chefer" not in page
    event = Event.objects.get(title="För handläggare")
    c.post(reverse("competence:event_detail", args=[event.pk]), {"status": "attending"})
    assert EventResponse.objects.get(user=worker).status == "attending"
    c.post(reverse("competence:feed_renew"))
    token = CalendarFeed.objects.get(user=worker).token
    c.logout()
    feed = client.get(reverse("competence:feed", args=[token]))
    body = feed.content.decode()
    assert feed["Content-Type"].startswith("text/calendar")
    assert "BEGIN:VEVENT" in body and "SUMMARY:För handläggare" in body and "För chefer" not in body
    assert "Krav i planen\\; flera har inte gått den\\, ännu." in body.replace("\r\n ", "")
    assert "no-store" in feed["Cache-Control"] and "private" in feed["Cache-Control"]
    assert client.get(reverse("competence:feed", args=["wrong"])).status_code == 404
    neighbour = login(world.neighbour.users[Role.SOCIAL_WORKER])
    assert neighbour.get(reverse("competence:event_detail", args=[event.pk])).status_code == 404
    assert login(worker).get(reverse("competence:event_update", args=[event.pk])).status_code == 403
    c = login(coordinator)
    form = c.get(reverse("competence:event_update", args=[event.pk])).content.decode()
    assert "För handläggare" in form
    changed = {
        "title": "För handläggare (ny tid)",
        "kind": "training",
        "why": "Krav i planen.",
        "starts_at": "2030-01-10T09:00",
        "ends_at": "2030-01-10T12:00",
        "roles": ["social_worker"],
    }
    assert c.post(reverse("competence:event_update", args=[event.pk]), changed).status_code == 302
    event.refresh_from_db()
    assert event.title == "För handläggare (ny tid)" and event.uid  # the calendar entry keeps its identity
    changed["ends_at"] = "2030-01-09T12:00"
    response = c.post(reverse("competence:event_update", args=[event.pk]), changed)
    assert "Evenemanget slutar innan det börjar." in response.content.decode()


def test_a_renewed_feed_address_ends_the_old_one(world, login, client):
    worker = world.own.users[Role.SOCIAL_WORKER]
    old = services.feed_token(user=worker)
    new = services.feed_token(user=worker, renew=True)
    assert old != new
    assert client.get(reverse("competence:feed", args=[old])).status_code == 404
    assert client.get(reverse("competence:feed", args=[new])).status_code == 200


def test_the_catalogue_shows_the_county_and_own_courses_and_filters_them(world, login):
    factories.course(world.own.county, "LAN", title="Länets grundkurs")
    factories.course(world.own.county, "EGEN", title="Västerås egen kurs", municipality=world.own.municipality)
    factories.course(
        world.own.county,
        "GRANNE",
        title="Köpings egen kurs",
        municipality=world.neighbour.municipality,
        level="advanced",
    )
    url = reverse("competence:catalogue")
    page = login(world.own.users[Role.COORDINATOR]).get(url).content.decode()
    assert "Länets grundkurs" in page and "Västerås egen kurs" in page and "Köpings egen kurs" not in page
    assert f"?kommun={world.own.municipality.code}" in page and f"?lan={world.own.county.code}" in page
    worker = login(world.own.users[Role.SOCIAL_WORKER]).get(url).content.decode()
    assert "Västerås egen kurs" in worker and "?kommun=" not in worker and "?lan=" not in worker
    analyst = login(world.own.users[Role.COUNTY_ANALYST])
    page = analyst.get(url).content.decode()
    assert "Länets grundkurs" in page and "Västerås egen kurs" in page and "Köpings egen kurs" in page
    assert "?kommun=" not in page and f"?lan={world.own.county.code}" in page
    page = analyst.get(url, {"niva": "advanced"}).content.decode()
    assert "Köpings egen kurs" in page and "Länets grundkurs" not in page
    page = analyst.get(url, {"amne": "risk"}).content.decode()
    assert "Länets grundkurs" not in page and "Köpings egen kurs" not in page


def test_the_gap_report_names_the_units_below_the_threshold(world, login):
    _plan(world)
    client = login(world.own.users[Role.MANAGER])
    page = client.get(reverse("competence:coverage", args=[world.own.municipality.code])).content.decode()
    assert "Enheter där mindre än 60 % av den krävda utbildningen är genomförd:" in page


def test_coverage_over_time_comes_from_the_cache_until_a_course_is_recorded(
    world, login, monkeypatch, django_capture_on_commit_callbacks
):
    """The page over time and topics is kept under the municipality's data generation (ADR 0045):
    a second view reads neither pass over the training records; a course recorded in the
    municipality shows at once."""
    cache_outside_the_tests_transaction(monkeypatch)
    cache.clear()
    plan = _plan(world)
    worker = world.own.users[Role.SOCIAL_WORKER]
    freda = plan.requirements.get(title="FREDA").courses.get()
    client = login(world.own.users[Role.MANAGER])
    url = reverse("competence:coverage_history", args=[world.own.municipality.code])
    client.get(url)  # the first request after logging in renews the session
    cache.clear()

    def risk_row():
        with CaptureQueriesContext(connection) as queries:
            page = client.get(url).content.decode()
        row = page.split(">Riskbedömning<", 1)[1].split("</tr>", 1)[0]
        reads = [q["sql"] for q in queries if "competence_trainingrecord" in q["sql"]]
        return row.split('class="fs-num">', 1)[1].split(" av ", 1)[0], len(reads)

    assert risk_row() == ("0", 2)  # computed: the completions and the topics
    assert risk_row() == ("0", 0)  # from the cache
    membership = Membership.objects.get(user=worker)
    with django_capture_on_commit_callbacks(execute=True):
        response = login(world.own.users[Role.MANAGER]).post(
            reverse("competence:record_add", args=[membership.pk]),
            {"course": freda.pk, "completed_on": TODAY.isoformat()},
        )
    assert response.status_code == 302
    assert risk_row() == ("1", 2)  # the generation renewed: computed again
    assert risk_row() == ("1", 0)
