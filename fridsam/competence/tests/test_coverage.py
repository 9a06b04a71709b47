"""Coverage of a plan's requirements: the database count against a brute-force count of the rules
(completed = one of the requirement's courses done on or before the day; overdue = not completed
and the deadline, counted in months from the hiring date, has passed; the rest not yet due)."""

from __future__ import annotations

import datetime
from collections import Counter

import pytest
from django.db import transaction
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from fridsam.accounts import selectors as account_selectors
from fridsam.accounts.models import Membership, User
from fridsam.competence import selectors
from fridsam.competence.models import CompetencePlan, PlanStatus, Requirement, TrainingRecord
from fridsam.competence.tests import factories
from fridsam.core.dates import add_months
from fridsam.core.roles import Role
from fridsam.organisations.models import Unit

ROLES = [Role.SOCIAL_WORKER, Role.MANAGER, Role.COORDINATOR]
DAYS = [datetime.date(2026, 3, 31), datetime.date(2026, 2, 28), datetime.date(2024, 2, 29), datetime.date(2026, 11, 26)]


@given(on=st.dates(datetime.date(2020, 1, 1), datetime.date(2030, 12, 31)), months=st.integers(0, 60))
def test_last_overdue_hiring_day_is_exact_at_month_ends(on, months):
    day = selectors.last_overdue_hiring_day(on, months)
    assert add_months(day, months) < on  # hired that day: overdue
    assert add_months(day + datetime.timedelta(days=1), months) >= on  # a day later: not yet


def _brute_force(plan, on):
    """The rules, one staff member and one requirement at a time."""
    cells = Counter()
    requirements = list(Requirement.objects.filter(plan=plan).prefetch_related("courses"))
    records = list(TrainingRecord.objects.filter(completed_on__lte=on))
    for m in Membership.objects.filter(municipality=plan.municipality).select_related("unit"):
        if m.role not in ROLES or m.valid_from > on or (m.valid_until and m.valid_until < on):
            continue
        for r in requirements:
            if not r.applies_to(m.unit.unit_type if m.unit else None, m.role):
                continue
            courses = {c.pk for c in r.courses.all()}
            done = any(rec.person_id == m.user_id and rec.course_id in courses for rec in records)
            key = (m.unit_id, m.role, r.pk)
            cells[(*key, "total")] += 1
            if done:
                cells[(*key, "completed")] += 1
            elif add_months(m.valid_from, r.months) < on:
                cells[(*key, "overdue")] += 1
    return cells


staff_strategy = st.lists(
    st.tuples(
        st.sampled_from(ROLES),
        st.sampled_from([None, 0, 1]),  # no unit, the children's unit, the adult unit
        st.sampled_from([-1, 0, 1, 6, 12, 13]),  # started about this many months before (-1: starts later)
        st.integers(-2, 2),  # ± days: hiring dates right at a deadline are where counts go wrong
        st.sampled_from([None, None, 30, 400]),  # ended that many days before the day
    ),
    min_size=1,
    max_size=8,
)
requirement_strategy = st.lists(
    st.tuples(
        st.sets(st.integers(0, 2), min_size=1),
        st.sampled_from(["", "children", "adults"]),
        st.sampled_from(["", *ROLES]),
        st.sampled_from([0, 1, 6, 12]),
    ),
    min_size=1,
    max_size=3,
)
record_strategy = st.lists(st.tuples(st.integers(0, 7), st.integers(0, 2), st.integers(-30, 900)), max_size=20)


@pytest.mark.django_db
@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(on=st.sampled_from(DAYS), staff=staff_strategy, requirements=requirement_strategy, records=record_strategy)
def test_coverage_equals_a_brute_force_count(world, on, staff, requirements, records):
    tenant = world.own
    with transaction.atomic():
        courses = [factories.course(tenant.county, f"C{i}") for i in range(3)]
        units = [
            Unit.objects.create(municipality=tenant.municipality, name="Barn", unit_type="children"),
            Unit.objects.create(municipality=tenant.municipality, name="Vuxen", unit_type="adults"),
        ]
        Membership.objects.filter(municipality=tenant.municipality).delete()
        users = []
        for i, (role, unit, months_back, shift, ended) in enumerate(staff):
            user = User.objects.create(username=f"p{i}")
            users.append(user)
            start = add_months(on, -months_back) + datetime.timedelta(days=shift)
            Membership.objects.create(
                user=user,
                role=role,
                county=tenant.county,
                municipality=tenant.municipality,
                unit=units[unit] if unit is not None else None,
                valid_from=start,
                valid_until=(on - datetime.timedelta(days=ended))
                if ended and on - datetime.timedelta(days=ended) >= start
                else None,
            )
        plan = CompetencePlan.objects.create(
            municipality=tenant.municipality,
            year=2020,
            created_by=tenant.users[Role.MANAGER],
            status=PlanStatus.APPROVED,
            approved_by=tenant.users[Role.MANAGER],
            approved_at=datetime.datetime.now(datetime.UTC),
        )
        for chosen, unit_type, role, months in requirements:
            r = Requirement.objects.create(plan=plan, title="Krav", unit_type=unit_type, role=role, months=months)
            r.courses.set([courses[c] for c in chosen])
        for person, course, days in records:
            if person < len(users):
                TrainingRecord.objects.get_or_create(
                    person=users[person],
                    course=courses[course],
                    completed_on=on - datetime.timedelta(days=days),
                    defaults={"municipality": tenant.municipality, "source": "import", "entered_by": users[person]},
                )

        expected = _brute_force(plan, on)
        coverage = selectors.coverage(tenant.municipality, on, plan=plan)
        got = Counter()
        for key, cell in coverage.cells.items():
            for name in ("total", "completed", "overdue"):
                if getattr(cell, name):
                    got[(*key, name)] = getattr(cell, name)
        assert got == expected

        # The per-person view agrees with the aggregate.
        members = account_selectors.staff([tenant.municipality.pk], on).select_related("unit")
        people = selectors.people(members, plan, on)
        per_person = Counter()
        for p in people:
            for r, due, completed in p.requirements:
                key = (p.membership.unit_id, p.membership.role, r.pk)
                per_person[(*key, "total")] += 1
                if completed:
                    per_person[(*key, "completed")] += 1
                elif due < on:
                    per_person[(*key, "overdue")] += 1
        assert per_person == expected
        transaction.set_rollback(True)


@pytest.mark.django_db
def test_coverage_by_unit_role_and_basic(world):
    tenant = world.own
    web, freda = factories.course(tenant.county, "WEB"), factories.course(tenant.county, "FREDA", topics=["risk"])
    plan = factories.plan(
        tenant,
        [("Grund", [web], "", "", 6), ("FREDA", [freda], "", Role.SOCIAL_WORKER, 12)],
    )
    today = datetime.date.today()
    Membership.objects.filter(municipality=tenant.municipality).update(valid_from=today - datetime.timedelta(days=400))
    worker = tenant.users[Role.SOCIAL_WORKER]
    TrainingRecord.objects.create(
        person=worker,
        course=web,
        completed_on=today,
        municipality=tenant.municipality,
        source="self",
        entered_by=worker,
    )
    coverage = selectors.coverage(tenant.municipality, today)
    assert coverage.plan == plan
    basic = coverage.basic()
    assert (basic.total, basic.completed, basic.overdue) == (3, 1, 2)  # coordinator, manager, social worker
    freda_cell = coverage.by_requirement()[plan.requirements.get(title="FREDA").pk]
    assert (freda_cell.total, freda_cell.completed, freda_cell.overdue) == (1, 0, 1)
    assert set(coverage.by_role()) == {Role.COORDINATOR, Role.MANAGER, Role.SOCIAL_WORKER}
    assert coverage.by_unit()[tenant.unit.pk][plan.requirements.get(title="Grund").pk].completed == 1


def test_cell_arithmetic():
    cell = selectors.Cell(total=4, completed=1, overdue=2)
    assert cell.not_yet_due == 1
    assert cell.percent == 25
    assert selectors.Cell().percent is None
