"""Reads: the current plan, the staff a plan applies to and coverage of its requirements.

Coverage is counted in the database in a constant number of queries whatever the number of staff
and training records: one query counts staff per unit, role and hiring-date band, one counts, per
unit, role and requirement, the staff who completed one of the requirement's courses (and how many
of them were past the deadline). Overdue = past the deadline and not completed; everything else
is not yet due. A staff member is an active membership with a municipal role (ADR 0014).
"""

from __future__ import annotations

import datetime
from collections import defaultdict
from dataclasses import dataclass, field

from django.db.models import Case, Count, Exists, F, OuterRef, Q, Value, When

from fridsam.accounts.models import MUNICIPAL_ROLES, Membership
from fridsam.competence.models import (
    CompetencePlan,
    Course,
    CourseLevel,
    OnboardingItem,
    PlanStatus,
    Requirement,
    Topic,
    TrainingRecord,
    add_months,
)


def staff(municipality_ids, on: datetime.date):
    """Active staff memberships of the municipalities (unscoped: callers check the policy)."""
    return Membership._base_manager.filter(
        Q(valid_until__isnull=True) | Q(valid_until__gte=on),
        municipality_id__in=list(municipality_ids),
        role__in=MUNICIPAL_ROLES,
        valid_from__lte=on,
    )


def current_plans(municipality_ids, on: datetime.date) -> dict[int, CompetencePlan]:
    """The approved plan in force on *on* per municipality: the latest version of the latest year
    that has begun."""
    plans: dict[int, CompetencePlan] = {}
    for plan in CompetencePlan._base_manager.filter(
        municipality_id__in=list(municipality_ids), status=PlanStatus.APPROVED, year__lte=on.year
    ).order_by("municipality_id", "-year", "-version"):
        plans.setdefault(plan.municipality_id, plan)
    return plans


def current_plan(municipality, on: datetime.date | None = None) -> CompetencePlan | None:
    from django.utils import timezone

    return current_plans([municipality.pk], on or timezone.localdate()).get(municipality.pk)


@dataclass
class Cell:
    total: int = 0
    completed: int = 0
    overdue: int = 0

    @property
    def not_yet_due(self) -> int:
        return self.total - self.completed - self.overdue

    @property
    def percent(self) -> int | None:
        return round(100 * self.completed / self.total) if self.total else None

    def add(self, other: Cell) -> None:
        self.total += other.total
        self.completed += other.completed
        self.overdue += other.overdue


@dataclass
class Coverage:
    """Coverage of a municipality's plan on a day, per unit, role and requirement."""

    plan: CompetencePlan | None
    on: datetime.date
    requirements: list[Requirement] = field(default_factory=list)
    # (unit id or None, role, requirement id) → Cell
    cells: dict[tuple, Cell] = field(default_factory=dict)
    staff_count: int = 0
    unit_names: dict[int | None, str] = field(default_factory=dict)

    def by_requirement(self) -> dict[int, Cell]:
        out: dict[int, Cell] = defaultdict(Cell)
        for (_unit, _role, requirement_id), cell in self.cells.items():
            out[requirement_id].add(cell)
        return out

    def by_unit(self) -> dict[int | None, dict[int, Cell]]:
        out: dict[int | None, dict[int, Cell]] = defaultdict(lambda: defaultdict(Cell))
        for (unit_id, _role, requirement_id), cell in self.cells.items():
            out[unit_id][requirement_id].add(cell)
        return out

    def by_role(self) -> dict[str, dict[int, Cell]]:
        out: dict[str, dict[int, Cell]] = defaultdict(lambda: defaultdict(Cell))
        for (_unit, role, requirement_id), cell in self.cells.items():
            out[role][requirement_id].add(cell)
        return out

    def basic(self) -> Cell:
        """Basic requirements (for everyone): completed against all that apply."""
        basic_ids = {r.pk for r in self.requirements if r.is_basic}
        total = Cell()
        for (_u, _r, requirement_id), cell in self.cells.items():
            if requirement_id in basic_ids:
                total.add(cell)
        return total

    def total(self) -> Cell:
        total = Cell()
        for cell in self.cells.values():
            total.add(cell)
        return total


def last_overdue_hiring_day(on: datetime.date, months: int) -> datetime.date:
    """The latest hiring date whose deadline (*months* later) has passed on *on*: the hiring dates
    on or before it are overdue when not completed. Exact also at month ends, where adding months
    clamps to the last day."""
    day = add_months(on, -months) + datetime.timedelta(days=3)
    while add_months(day, months) >= on:
        day -= datetime.timedelta(days=1)
    return day


def coverage_many(
    plans: dict[int, CompetencePlan], on: datetime.date, *, unit_id=None, requirements=None
) -> dict[int, Coverage]:
    """Coverage of each municipality's plan (municipality id → plan) on *on*, in four queries (two
    when the plans' *requirements* are given)."""
    result = {m: Coverage(plan=p, on=on) for m, p in plans.items()}
    if not plans:
        return result
    if requirements is None:
        requirements = list(Requirement._base_manager.filter(plan__in=list(plans.values())))
    municipality_of = {p.pk: m for m, p in plans.items()}
    for requirement in requirements:
        result[municipality_of[requirement.plan_id]].requirements.append(requirement)
    if not requirements:
        return result
    cutoffs = {m: last_overdue_hiring_day(on, m) for m in {r.months for r in requirements}}
    members = staff(plans, on)
    if unit_id is not None:
        members = members.filter(unit_id=unit_id)

    # 1. Staff per municipality, unit, role; with how many were hired before each cut-off.
    groups = {}
    for row in members.values("municipality_id", "unit_id", "unit__name", "unit__unit_type", "role").annotate(
        n=Count("pk"), **{f"before_{m}": Count("pk", filter=Q(valid_from__lte=day)) for m, day in cutoffs.items()}
    ):
        groups[(row["municipality_id"], row["unit_id"], row["role"])] = row
        result[row["municipality_id"]].unit_names[row["unit_id"]] = row["unit__name"] or ""
        result[row["municipality_id"]].staff_count += row["n"]

    # 2. Per unit, role and requirement: staff who completed one of its courses by *on*.
    requirement_ids = [r.pk for r in requirements]
    due_cutoff = Case(
        *[When(user__training_records__course__requirements__months=m, then=Value(day)) for m, day in cutoffs.items()],
    )
    done = {}
    for row in (
        members.filter(
            user__training_records__completed_on__lte=on,
            user__training_records__course__requirements__in=requirement_ids,
            user__training_records__course__requirements__plan__municipality_id=F("municipality_id"),
        )
        .values("municipality_id", "unit_id", "role", "user__training_records__course__requirements")
        .annotate(
            completed=Count("pk", distinct=True),
            completed_before=Count("pk", distinct=True, filter=Q(valid_from__lte=due_cutoff)),
        )
    ):
        key = (row["municipality_id"], row["unit_id"], row["role"], row["user__training_records__course__requirements"])
        done[key] = (row["completed"], row["completed_before"])

    for (municipality_id, unit, role), row in groups.items():
        coverage = result[municipality_id]
        for requirement in coverage.requirements:
            if not requirement.applies_to(row["unit__unit_type"], role):
                continue
            completed, completed_before = done.get((municipality_id, unit, role, requirement.pk), (0, 0))
            coverage.cells[(unit, role, requirement.pk)] = Cell(
                total=row["n"], completed=completed, overdue=row[f"before_{requirement.months}"] - completed_before
            )
    return result


def coverage(municipality, on: datetime.date, *, plan=None, unit_id=None, requirements=None) -> Coverage:
    plan = plan or current_plans([municipality.pk], on).get(municipality.pk)
    if plan is None:
        return Coverage(plan=None, on=on)
    return coverage_many({municipality.pk: plan}, on, unit_id=unit_id, requirements=requirements)[municipality.pk]


@dataclass
class PersonStatus:
    membership: Membership
    requirements: list[tuple[Requirement, datetime.date, datetime.date | None]]  # (requirement, due, completed)
    on: datetime.date

    @property
    def overdue(self) -> list[Requirement]:
        return [r for r, due, completed in self.requirements if completed is None and due < self.on]

    @property
    def completed_count(self) -> int:
        return sum(1 for _r, _d, completed in self.requirements if completed is not None)


def people(memberships, plan: CompetencePlan | None, on: datetime.date) -> list[PersonStatus]:
    """Each staff member's requirements with deadline and completion (a unit's or one person's)."""
    memberships = list(memberships)
    if plan is None:
        return [PersonStatus(m, [], on) for m in memberships]
    requirements = list(Requirement._base_manager.filter(plan=plan).prefetch_related("courses"))
    course_ids = {c.pk for r in requirements for c in r.courses.all()}
    first_done: dict[tuple[int, int], datetime.date] = {}
    for person_id, course_id, day in (
        TrainingRecord._base_manager.filter(
            person_id__in={m.user_id for m in memberships}, course_id__in=course_ids, completed_on__lte=on
        )
        .order_by("completed_on")
        .values_list("person_id", "course_id", "completed_on")
    ):
        first_done.setdefault((person_id, course_id), day)
    out = []
    for m in memberships:
        unit_type = m.unit.unit_type if m.unit_id else None
        rows = []
        for r in requirements:
            if not r.applies_to(unit_type, m.role):
                continue
            days = [first_done[(m.user_id, c.pk)] for c in r.courses.all() if (m.user_id, c.pk) in first_done]
            rows.append((r, r.due_on(m.valid_from), min(days) if days else None))
        out.append(PersonStatus(m, rows, on))
    return out


def topic_coverage(municipality_id: int, on: datetime.date, county_id: int) -> list[tuple[str, str, int, int]]:
    """Per topic: staff who completed a course on it, of all staff — the groups and topics the
    municipality has not invested in show up at the bottom. One query."""
    courses = list(Course._base_manager.filter(county_id=county_id).values_list("pk", "topics"))
    members = staff([municipality_id], on)
    aggregates = {}
    for topic in Topic.values:
        ids = [pk for pk, topics in courses if topic in topics]
        aggregates[topic] = Count(
            "user",
            distinct=True,
            filter=Q(user__training_records__course_id__in=ids, user__training_records__completed_on__lte=on)
            if ids
            else Q(pk__in=[]),
        )
    counts = members.aggregate(all_staff=Count("user", distinct=True), **aggregates)
    labels = dict(Topic.choices)
    rows = [(t, str(labels[t]), counts[t] or 0, counts["all_staff"] or 0) for t in Topic.values if t != Topic.OTHER]
    return sorted(rows, key=lambda r: (r[2], r[1]))


def basic_course_ids(county_id: int) -> list[int]:
    """Courses that count as basic training on violence in close relationships (the indicator)."""
    return [
        pk
        for pk, topics in Course._base_manager.filter(county_id=county_id, level=CourseLevel.BASIC).values_list(
            "pk", "topics"
        )
        if Topic.BASICS in topics
    ]


def trained_social_workers(municipality, on: datetime.date) -> tuple[int, int]:
    """(social workers with a basic course on violence, all social workers) — the indicator."""
    from fridsam.accounts.models import Role

    ids = basic_course_ids(municipality.county_id)
    members = staff([municipality.pk], on).filter(role=Role.SOCIAL_WORKER)
    trained = Exists(
        TrainingRecord._base_manager.filter(person_id=OuterRef("user_id"), course_id__in=ids, completed_on__lte=on)
    )
    counts = members.aggregate(
        all_staff=Count("user", distinct=True), trained=Count("user", distinct=True, filter=Q(trained))
    )
    return counts["trained"] or 0, counts["all_staff"] or 0


def onboarding_overview(municipality_id: int, on: datetime.date):
    """New staff with their checklist: steps done, overdue and left (one query)."""
    return (
        staff([municipality_id], on)
        .filter(onboarding_items__isnull=False)
        .select_related("user", "unit")
        .annotate(
            steps=Count("onboarding_items"),
            done=Count("onboarding_items", filter=Q(onboarding_items__done_on__isnull=False)),
            overdue=Count(
                "onboarding_items",
                filter=Q(onboarding_items__done_on__isnull=True, onboarding_items__due_on__lt=on),
            ),
        )
        .filter(done__lt=F("steps"))
        .order_by("-overdue", "valid_from")
    )


def checklist_of(membership) -> list[OnboardingItem]:
    return list(OnboardingItem._base_manager.filter(membership=membership).select_related("done_by"))


@dataclass
class Glance:
    """What a manager or coordinator sees at a glance on the start page for a municipality."""

    municipality: object
    plan: CompetencePlan | None
    basic: Cell
    behind: list[tuple[str, str, int, int]]  # (unit name, requirement, overdue, applies to)
    onboarding_behind: int
    overdue_documents: list


def glance(municipalities, on: datetime.date, facts: dict | None = None) -> list[Glance]:
    """Units behind on which training, routines overdue for review, new staff behind on their
    introduction — for several municipalities in a constant number of queries. The health
    check's *facts* (municipality id → facts), when the page has them, already hold the coverage
    and the overdue routines."""
    from fridsam.routines.selectors import in_force

    municipalities = list(municipalities)
    ids = [m.pk for m in municipalities]
    if facts is None or any(m.pk not in facts for m in municipalities):
        plans = current_plans(ids, on)
        coverages = coverage_many(plans, on)
        documents = in_force(ids, on)
        overdue_documents = {m: d.overdue for m, d in documents.items()}
    else:
        coverages = {m: f.training.coverage for m, f in facts.items() if f.training is not None}
        overdue_documents = {m: f.routines.overdue for m, f in facts.items() if f.routines is not None}
    onboarding = dict(
        OnboardingItem._base_manager.filter(municipality_id__in=ids, done_on__isnull=True, due_on__lt=on)
        .values("municipality_id")
        .annotate(n=Count("membership", distinct=True))
        .values_list("municipality_id", "n")
    )
    out = []
    for m in municipalities:
        coverage = coverages.get(m.pk)
        behind = []
        if coverage is not None:
            titles = {r.pk: r.title for r in coverage.requirements}
            for unit_id, cells in coverage.by_unit().items():
                for requirement_id, cell in cells.items():
                    if cell.overdue:
                        name = coverage.unit_names.get(unit_id, "")
                        behind.append((name, titles[requirement_id], cell.overdue, cell.total))
        behind.sort(key=lambda row: (-row[2], row[0]))
        out.append(
            Glance(
                municipality=m,
                plan=coverage.plan if coverage else None,
                basic=coverage.basic() if coverage else Cell(),
                behind=behind,
                onboarding_behind=onboarding.get(m.pk, 0),
                overdue_documents=overdue_documents.get(m.pk, []),
            )
        )
    return out
