"""Plans, training records, the importer, onboarding checklists."""

from __future__ import annotations

import datetime
import io

import pytest
from django.core.exceptions import ValidationError

from fridsam.accounts.models import Membership
from fridsam.accounts.services import membership_grant
from fridsam.accounts.tests import factories as accounts
from fridsam.competence import services
from fridsam.competence.models import CompetencePlan, OnboardingItem, PlanStatus, TrainingRecord
from fridsam.competence.tests import factories
from fridsam.core import reminders
from fridsam.core.models import AccessLogEntry, Reminder
from fridsam.core.roles import Role
from fridsam.statistics.models import Indicator, IndicatorValue

pytestmark = pytest.mark.django_db
TODAY = datetime.date.today()


def test_a_plan_is_approved_by_a_manager_and_is_then_frozen(world):
    course = factories.course(world.own.county)
    plan = factories.plan(world.own, [("Grund", [course], "", "", 6)], approve=False)
    assert plan.status == PlanStatus.DRAFT
    services.plan_approve(plan=plan, user=world.own.users[Role.MANAGER])
    plan.refresh_from_db()
    assert plan.status == PlanStatus.APPROVED and plan.approved_by == world.own.users[Role.MANAGER]
    with pytest.raises(ValidationError, match="godkänd plan ändras inte"):
        services.requirement_save(
            plan=plan,
            fields={"title": "Mer", "unit_type": "", "role": "", "months": 3},
            courses=[course],
            user=world.own.users[Role.COORDINATOR],
        )


def test_nobody_approves_a_plan_they_wrote_part_of(world):
    """Four eyes, as for routines: a manager who started the plan or changed a requirement sends
    it to another manager."""
    from fridsam.accounts.tests import factories as account_factories

    manager = world.own.users[Role.MANAGER]
    course = factories.course(world.own.county)
    plan = services.plan_start(municipality=world.own.municipality, year=TODAY.year, user=manager)
    services.requirement_save(
        plan=plan,
        fields={"title": "Grund", "unit_type": "", "role": "", "months": 6},
        courses=[course],
        user=world.own.users[Role.COORDINATOR],
    )
    with pytest.raises(ValidationError, match="någon som inte har skrivit den"):
        services.plan_approve(plan=plan, user=manager)
    other = account_factories.staff(Role.MANAGER, municipality=world.own.municipality, username="other-manager")
    services.step_save(plan=plan, fields={"title": "Samtal", "days": 30, "responsible": "coordinator"}, user=other)
    with pytest.raises(ValidationError, match="någon som inte har skrivit den"):
        services.plan_approve(plan=plan, user=other)
    third = account_factories.staff(Role.MANAGER, municipality=world.own.municipality, username="third-manager")
    services.plan_approve(plan=plan, user=third)
    plan.refresh_from_db()
    assert plan.status == PlanStatus.APPROVED and plan.approved_by == third


def test_a_plan_without_requirements_is_not_approved(world):
    plan = services.plan_start(
        municipality=world.own.municipality, year=TODAY.year, user=world.own.users[Role.COORDINATOR]
    )
    with pytest.raises(ValidationError, match="minst ett utbildningskrav"):
        services.plan_approve(plan=plan, user=world.own.users[Role.MANAGER])


def test_a_new_version_copies_the_plan_in_force_and_keeps_it(world):
    course = factories.course(world.own.county)
    first = factories.plan(world.own, [("Grund", [course], "", "", 6)], steps=[("Samtal", 30, "coordinator")])
    second = services.plan_start(
        municipality=world.own.municipality, year=first.year, user=world.own.users[Role.COORDINATOR]
    )
    assert second.version == 2
    assert [r.title for r in second.requirements.all()] == ["Grund"]
    assert list(second.requirements.get().courses.all()) == [course]
    assert [s.title for s in second.steps.all()] == ["Samtal"]
    assert first.requirements.count() == 1  # the approved version is untouched
    with pytest.raises(ValidationError, match="redan ett utkast"):
        services.plan_start(
            municipality=world.own.municipality, year=first.year, user=world.own.users[Role.COORDINATOR]
        )


def test_a_requirement_needs_a_course_of_the_county(world):
    plan = services.plan_start(
        municipality=world.own.municipality, year=TODAY.year, user=world.own.users[Role.COORDINATOR]
    )
    foreign = factories.course(world.foreign.county, "UTE")
    with pytest.raises(ValidationError) as error:
        services.requirement_save(
            plan=plan,
            fields={"title": "X", "unit_type": "", "role": "", "months": 6},
            courses=[],
            user=world.own.users[Role.COORDINATOR],
        )
    assert "courses" in error.value.message_dict
    with pytest.raises(ValidationError, match="annat län"):
        services.requirement_save(
            plan=plan,
            fields={"title": "X", "unit_type": "", "role": "", "months": 6},
            courses=[foreign],
            user=world.own.users[Role.COORDINATOR],
        )


def test_a_training_record_is_checked_and_logged(world):
    course = factories.course(world.own.county)
    worker = world.own.users[Role.SOCIAL_WORKER]
    with pytest.raises(ValidationError, match="framtiden"):
        services.record_add(
            person=worker,
            course=course,
            completed_on=TODAY + datetime.timedelta(days=1),
            municipality=world.own.municipality,
            source="self",
            user=worker,
        )
    foreign = factories.course(world.foreign.county, "UTE")
    with pytest.raises(ValidationError, match="katalog"):
        services.record_add(
            person=worker,
            course=foreign,
            completed_on=TODAY,
            municipality=world.own.municipality,
            source="self",
            user=worker,
        )
    record = services.record_add(
        person=worker,
        course=course,
        completed_on=TODAY,
        municipality=world.own.municipality,
        source="self",
        user=worker,
    )
    assert AccessLogEntry.objects.filter(object_type="competence.trainingrecord", object_id=str(record.pk)).exists()
    with pytest.raises(ValidationError, match="redan registrerad"):
        services.record_add(
            person=worker,
            course=course,
            completed_on=TODAY,
            municipality=world.own.municipality,
            source="self",
            user=worker,
        )


def test_the_indicator_counts_social_workers_with_a_basic_course_on_violence(world):
    worker = world.own.users[Role.SOCIAL_WORKER]
    advanced = factories.course(world.own.county, "FREDA", topics=["risk"], level="advanced")
    services.record_add(
        person=worker,
        course=advanced,
        completed_on=TODAY,
        municipality=world.own.municipality,
        source="self",
        user=worker,
    )
    indicator = Indicator.objects.get(key="training_coverage")
    value = IndicatorValue.objects.get(indicator=indicator, municipality=world.own.municipality, year=TODAY.year)
    assert (value.count, value.denominator, value.source) == (0, 1, "computed")
    basic = factories.course(world.own.county, "GRUND")
    services.record_add(
        person=worker, course=basic, completed_on=TODAY, municipality=world.own.municipality, source="self", user=worker
    )
    value.refresh_from_db()
    assert (value.count, value.denominator) == (1, 1)


def _csv(rows):
    return ("användare;kurs;datum\n" + "\n".join(";".join(r) for r in rows)).encode()


def test_the_import_is_all_or_nothing_and_lists_every_bad_row(world):
    factories.course(world.own.county, "GRUND")
    worker, coordinator = world.own.users[Role.SOCIAL_WORKER], world.own.users[Role.COORDINATOR]
    data = _csv(
        [
            (worker.username, "GRUND", "2025-01-10"),
            ("nobody", "GRUND", "2025-01-10"),
            (world.foreign.users[Role.SOCIAL_WORKER].username, "GRUND", "2025-01-10"),
            (worker.username, "OKÄND", "2025-01-10"),
            (worker.username, "GRUND", "10/1/2025"),
            (worker.username, "GRUND", (TODAY + datetime.timedelta(days=3)).isoformat()),
            (worker.username, "GRUND", "2025-01-10"),
        ]
    )
    result = services.records_import(
        municipality=world.own.municipality, filename="utb.csv", data=data, user=coordinator
    )
    assert [line for line, _ in result.errors] == [3, 4, 5, 6, 7, 8]
    messages = dict(result.errors)
    assert "nobody" in messages[3]
    assert world.foreign.users[Role.SOCIAL_WORKER].username in messages[4]
    assert "OKÄND" in messages[5]
    assert "10/1/2025" in messages[6]
    assert "2" in messages[8]  # the same as row 2
    assert TrainingRecord.objects.count() == 0


def test_a_good_import_saves_every_row_and_skips_what_is_recorded(world):
    course = factories.course(world.own.county, "GRUND")
    worker, coordinator = world.own.users[Role.SOCIAL_WORKER], world.own.users[Role.COORDINATOR]
    services.record_add(
        person=worker,
        course=course,
        completed_on=datetime.date(2025, 1, 10),
        municipality=world.own.municipality,
        source="self",
        user=worker,
    )
    data = _csv(
        [(worker.username, "grund", "2025-01-10"), (coordinator.email or coordinator.username, "GRUND", "2025-02-01")]
    )
    result = services.records_import(
        municipality=world.own.municipality, filename="utb.csv", data=data, user=coordinator
    )
    assert result.errors == []
    assert (result.created, result.already) == (1, 1)
    assert TrainingRecord.objects.filter(source="import").count() == 1


def test_an_xlsx_import(world):
    from openpyxl import Workbook

    factories.course(world.own.county, "GRUND")
    worker = world.own.users[Role.SOCIAL_WORKER]
    book = Workbook()
    book.active.append(["Användare", "Kurs", "Datum"])
    book.active.append([worker.username, "GRUND", datetime.datetime(2025, 3, 1)])
    buffer = io.BytesIO()
    book.save(buffer)
    result = services.records_import(
        municipality=world.own.municipality,
        filename="utb.xlsx",
        data=buffer.getvalue(),
        user=world.own.users[Role.COORDINATOR],
    )
    assert result.errors == [] and result.created == 1
    assert TrainingRecord.objects.get().completed_on == datetime.date(2025, 3, 1)


def test_an_import_with_wrong_columns_says_which(world):
    result = services.records_import(
        municipality=world.own.municipality,
        filename="utb.csv",
        data=b"namn;personnummer\nA;19800101-1234\n",
        user=world.own.users[Role.COORDINATOR],
    )
    assert result.errors and result.errors[0][0] is None
    assert "personnummer" in result.errors[0][1]


def test_a_new_staff_member_gets_the_plans_checklist(world):
    course = factories.course(world.own.county)
    factories.plan(
        world.own,
        [("Grund", [course], "", "", 6)],
        steps=[("Samtal med samordnaren", 30, "coordinator"), ("Läs rutinen", 14, "person")],
    )
    newcomer = accounts.user(username="ny")
    start = TODAY - datetime.timedelta(days=5)
    membership = membership_grant(
        user=newcomer,
        role=Role.SOCIAL_WORKER,
        municipality=world.own.municipality,
        unit=world.own.unit,
        valid_from=start,
    )
    items = list(OnboardingItem.objects.filter(membership=membership))
    assert [(i.title, i.due_on) for i in items] == [
        ("Läs rutinen", start + datetime.timedelta(days=14)),
        ("Samtal med samordnaren", start + datetime.timedelta(days=30)),
    ]
    assert services.checklist_ensure(membership=membership) == 0  # idempotent
    services.item_done(item=items[0], user=newcomer)
    items[0].refresh_from_db()
    assert items[0].done_on == TODAY and items[0].done_by == newcomer


def test_no_plan_no_checklist(world):
    membership = membership_grant(
        user=accounts.user(username="ny"), role=Role.SOCIAL_WORKER, municipality=world.own.municipality
    )
    assert not OnboardingItem.objects.filter(membership=membership).exists()
    assert not CompetencePlan.objects.exists()


def test_a_large_import_refreshes_the_statistics_on_postgresql(world, monkeypatch):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    if connection.vendor != "postgresql":
        pytest.skip("PostgreSQL's planner statistics; SQLite plans without them")
    factories.course(world.own.county, "GRUND")
    monkeypatch.setattr(services, "ANALYZE_AFTER", 1)
    data = _csv([(world.own.users[Role.SOCIAL_WORKER].username, "GRUND", "2025-01-10")])
    with CaptureQueriesContext(connection) as queries:
        services.records_import(
            municipality=world.own.municipality, filename="utb.csv", data=data, user=world.own.users[Role.COORDINATOR]
        )
    assert any(q["sql"].startswith("ANALYZE") for q in queries.captured_queries)


def test_recording_and_ticking_bring_the_reminders_up_to_date_without_the_page(world):
    """The services refresh the reminders themselves, so a task or a command that records a course
    or ticks a step leaves the start pages right too."""
    course = factories.course(world.own.county, "WEB")
    factories.plan(world.own, [("Grund", [course], "", "", 6)], steps=[("Samtal", 7, "coordinator")])
    worker, coordinator = world.own.users[Role.SOCIAL_WORKER], world.own.users[Role.COORDINATOR]
    membership = Membership.objects.get(user=worker)
    Membership.objects.filter(pk=membership.pk).update(valid_from=TODAY - datetime.timedelta(days=200))
    membership.refresh_from_db()
    services.checklist_ensure(membership=membership)
    reminders.run(TODAY, send=False)

    def open_(user, kind):
        return Reminder.objects.filter(user=user, kind=kind, resolved_on__isnull=True).exists()

    assert open_(worker, "training_overdue") and open_(coordinator, "onboarding_step_for")
    record = services.record_add(
        person=worker, course=course, completed_on=TODAY, municipality=world.own.municipality, user=coordinator
    )
    assert not open_(worker, "training_overdue")
    services.item_done(item=membership.onboarding_items.get(), user=coordinator)
    assert not open_(coordinator, "onboarding_step_for")
    services.record_remove(record=record, user=coordinator)
    assert open_(worker, "training_overdue")


def test_a_record_says_who_entered_it(world):
    course = factories.course(world.own.county, "WEB")
    worker = world.own.users[Role.SOCIAL_WORKER]
    sources = []
    for i, user in enumerate([worker, world.own.users[Role.COORDINATOR], world.own.users[Role.MANAGER]]):
        record = services.record_add(
            person=worker,
            course=course,
            completed_on=TODAY - datetime.timedelta(days=i),
            municipality=world.own.municipality,
            user=user,
        )
        sources.append(record.source)
    assert sources == ["self", "coordinator", "manager"]
