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

from django.db import connection
from django.db.models import Count, Exists, F, OuterRef, Q
from django.utils import timezone
from django.utils.translation import get_language

from fridsam.accounts.models import Membership
from fridsam.accounts.selectors import staff
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
from fridsam.core import generations
from fridsam.core.roles import MUNICIPAL_ROLES, Role
from fridsam.evaluation.models import Answer, Question
from fridsam.organisations.models import Unit
from fridsam.routines.selectors import in_force


def current_plans(municipality_ids, on: datetime.date) -> dict[int, CompetencePlan]:
    """The approved plan in force on *on* per municipality: the latest version of the latest year
    that has begun."""
    plans: dict[int, CompetencePlan] = {}
    for plan in CompetencePlan.system_objects.filter(
        municipality_id__in=list(municipality_ids), status=PlanStatus.APPROVED, year__lte=on.year
    ).order_by("municipality_id", "-year", "-version"):
        plans.setdefault(plan.municipality_id, plan)
    return plans


def current_plan(municipality, on: datetime.date | None = None) -> CompetencePlan | None:
    return current_plans([municipality.pk], on or timezone.localdate()).get(municipality.pk)


def active_courses(municipality=None, *, county_id: int | None = None):
    """The active courses a municipality's plan, records and events draw on: its county's
    county-wide courses and its own. Without a municipality: *county_id*'s county-wide ones."""
    own = Q(municipality__isnull=True)
    if municipality is not None:
        own |= Q(municipality=municipality)
    county_id = county_id if county_id is not None else municipality.county_id
    return Course.objects.filter(own, county_id=county_id, active=True)


def courses_on(courses, *, topic: str = "", level: str = "") -> list[Course]:
    """The *courses* on *topic* and at *level* (empty: any). A course's topics are a JSON list,
    matched here: SQLite cannot look inside it."""
    if level:
        courses = courses.filter(level=level)
    return [c for c in courses if not topic or topic in c.topics]


def records_of(person) -> list[TrainingRecord]:
    """A person's completed courses, in every municipality they worked in (their own page, or the
    page of a staff member the user records training for)."""
    return list(TrainingRecord.system_objects.filter(person=person).select_related("course"))


# The gap report names the units that have completed less than this share of the training
# required of them.
LOW_COVERAGE_PERCENT = 60


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


def _active_on(day: datetime.date) -> Q:
    return Q(valid_from__lte=day) & (Q(valid_until__isnull=True) | Q(valid_until__gte=day))


def coverage_over(
    plans: dict[int, CompetencePlan], days: list[datetime.date], *, unit_id=None, requirements=None
) -> dict[datetime.date, dict[int, Coverage]]:
    """Coverage of each municipality's plan (municipality id → plan) on each of *days*: two
    queries for any number of days and municipalities, one pass over the training records
    (plus one for the requirements unless given)."""
    days = sorted(set(days))
    result = {day: {m: Coverage(plan=p, on=day) for m, p in plans.items()} for day in days}
    if not plans or not days:
        return result
    if requirements is None:
        requirements = list(Requirement.system_objects.filter(plan__in=list(plans.values())))
    municipality_of = {p.pk: m for m, p in plans.items()}
    for requirement in requirements:
        for day in days:
            result[day][municipality_of[requirement.plan_id]].requirements.append(requirement)
    if not requirements:
        return result
    months = sorted({r.months for r in requirements})
    cutoffs = {(i, m): last_overdue_hiring_day(day, m) for i, day in enumerate(days) for m in months}
    members = Membership.system_objects.filter(
        Q(valid_until__isnull=True) | Q(valid_until__gte=days[0]),
        municipality_id__in=list(plans),
        role__in=MUNICIPAL_ROLES,
        valid_from__lte=days[-1],
    )
    if unit_id is not None:
        members = members.filter(unit_id=unit_id)

    # 1. Staff per municipality, unit and role on each day, and how many of them were hired on or
    #    before each deadline's cut-off.
    aggregates = {}
    for i, day in enumerate(days):
        aggregates[f"n_{i}"] = Count("pk", filter=_active_on(day))
        for m in months:
            aggregates[f"before_{i}_{m}"] = Count("pk", filter=_active_on(day) & Q(valid_from__lte=cutoffs[(i, m)]))
    groups = {}
    for row in members.values("municipality_id", "unit_id", "unit__name", "unit__unit_type", "role").annotate(
        **aggregates
    ):
        groups[(row["municipality_id"], row["unit_id"], row["role"])] = row

    # 2. Per unit, role and requirement: staff who had completed one of its courses by each day
    #    (and how many of those were past the deadline). Each person's first completion of each
    #    requirement is found once (an inner aggregate), so the outer count needs no DISTINCT —
    #    one pass over the records of the plans' courses, whatever the number of days.
    done = _completions(plans, requirements, days, months, cutoffs, unit_id)

    for i, day in enumerate(days):
        for (municipality_id, unit, role), row in groups.items():
            if not row[f"n_{i}"]:
                continue
            coverage = result[day][municipality_id]
            coverage.unit_names[unit] = row["unit__name"] or ""
            coverage.staff_count += row[f"n_{i}"]
            for requirement in coverage.requirements:
                if not requirement.applies_to(row["unit__unit_type"], role):
                    continue
                finished = done.get((municipality_id, unit, role, requirement.pk))
                completed = finished[2 * i] if finished else 0
                overdue = row[f"before_{i}_{requirement.months}"] - (finished[2 * i + 1] if finished else 0)
                coverage.cells[(unit, role, requirement.pk)] = Cell(
                    total=row[f"n_{i}"], completed=completed, overdue=overdue
                )
    return result


def _completions(plans, requirements, days, months, cutoffs, unit_id) -> dict[tuple, tuple[int, ...]]:
    """(municipality, unit, role, requirement) → (completed on day 0, of them past the deadline,
    completed on day 1, …). Raw SQL: the ORM has no subquery in FROM; the SQL is standard and
    runs on SQLite and PostgreSQL alike.

    The staff are joined to the first completions alone: a requirement's months come in as a CASE
    over its id, and a row for a requirement of another municipality's plan (a person on the staff
    of two of them) is dropped here. Joining the requirements' and plans' tables made PostgreSQL
    misjudge the rows, look each person up one by one and sort on disk (at 10 000 staff and
    200 000 records, 140 → 85 ms)."""
    date = connection.ops.adapt_datefield_value
    membership, record = Membership._meta.db_table, TrainingRecord._meta.db_table
    link = Requirement.courses.through._meta.db_table
    municipality_of = {p.pk: m for m, p in plans.items()}
    owner = {r.pk: municipality_of[r.plan_id] for r in requirements}
    municipality_ids, roles = list(plans), list(MUNICIPAL_ROLES)
    requirement_ids = [r.pk for r in requirements]

    def placeholders(values):
        return ", ".join(["%s"] * len(values))

    select, select_params = [], []
    for i, day in enumerate(days):
        active = "m.valid_from <= %s AND (m.valid_until IS NULL OR m.valid_until >= %s) AND f.first_on <= %s"
        cutoff = "CASE f.requirement_id " + " ".join("WHEN %s THEN %s" for _ in requirements) + " END"
        select.append(f"SUM(CASE WHEN {active} THEN 1 ELSE 0 END)")
        select_params += [date(day)] * 3
        select.append(f"SUM(CASE WHEN {active} AND m.valid_from <= ({cutoff}) THEN 1 ELSE 0 END)")
        select_params += [date(day)] * 3
        for r in requirements:
            select_params += [r.pk, date(cutoffs[(i, r.months)])]
    unit_sql, unit_params = ("AND m.unit_id = %s", [unit_id]) if unit_id is not None else ("", [])
    sql = f"""
        WITH firsts AS (
            SELECT t.person_id AS person_id, rc.requirement_id AS requirement_id, MIN(t.completed_on) AS first_on
            FROM {record} t INNER JOIN {link} rc ON rc.course_id = t.course_id
            WHERE rc.requirement_id IN ({placeholders(requirement_ids)}) AND t.completed_on <= %s
              AND t.person_id IN (
                SELECT s.user_id FROM {membership} s
                WHERE s.municipality_id IN ({placeholders(municipality_ids)}) AND s.role IN ({placeholders(roles)}))
            GROUP BY t.person_id, rc.requirement_id
        )
        SELECT m.municipality_id, m.unit_id, m.role, f.requirement_id, {", ".join(select)}
        FROM {membership} m
        INNER JOIN firsts f ON f.person_id = m.user_id
        WHERE m.municipality_id IN ({placeholders(municipality_ids)}) AND m.role IN ({placeholders(roles)})
          AND m.valid_from <= %s AND (m.valid_until IS NULL OR m.valid_until >= %s) {unit_sql}
        GROUP BY m.municipality_id, m.unit_id, m.role, f.requirement_id
    """  # noqa: S608 - table names come from the models, every value is a parameter
    # In the statement's order: the WITH clause, the SELECT list, the WHERE clause.
    params = [
        *requirement_ids, date(days[-1]), *municipality_ids, *roles,
        *select_params,
        *municipality_ids, *roles, date(days[-1]), date(days[0]), *unit_params,
    ]  # fmt: skip
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return {
            tuple(row[:4]): tuple(int(v or 0) for v in row[4:]) for row in cursor.fetchall() if owner[row[3]] == row[0]
        }


def coverage_many(
    plans: dict[int, CompetencePlan], on: datetime.date, *, unit_id=None, requirements=None
) -> dict[int, Coverage]:
    """Coverage of each municipality's plan on one day."""
    return coverage_over(plans, [on], unit_id=unit_id, requirements=requirements)[on]


def coverage(municipality, on: datetime.date, *, plan=None, unit_id=None, requirements=None) -> Coverage:
    plan = plan or current_plans([municipality.pk], on).get(municipality.pk)
    if plan is None:
        return Coverage(plan=None, on=on)
    return coverage_many({municipality.pk: plan}, on, unit_id=unit_id, requirements=requirements)[municipality.pk]


def unit_rows(municipality, coverage: Coverage) -> list[tuple[Unit | None, dict[int, Cell]]]:
    """The coverage per unit (requirement id → cell), by the unit's name; staff without a unit
    last."""
    units = {u.pk: u for u in Unit.objects.filter(municipality=municipality)}
    return sorted(
        ((units.get(unit_id), cells) for unit_id, cells in coverage.by_unit().items()),
        key=lambda row: (row[0] is None, row[0].name if row[0] else ""),
    )


def low_units(rows, below: int = LOW_COVERAGE_PERCENT) -> list[tuple[Unit | None, Cell]]:
    """The units of *rows* (:func:`unit_rows`) that have completed less than *below* % of the
    training required of them, with their totals."""
    out = []
    for unit, cells in rows:
        total = Cell()
        for cell in cells.values():
            total.add(cell)
        if total.total and (total.percent or 0) < below:
            out.append((unit, total))
    return out


def coverage_history(municipality, plan: CompetencePlan | None, on: datetime.date, *, years: int = 4):
    """Coverage at the end of each of the *years* years before *on*'s, and on *on*, measured
    against *plan* (the plan in force on *on*): (year, basic requirements, all requirements)."""
    if plan is None:
        return []
    days = [datetime.date(year, 12, 31) for year in range(on.year - years, on.year)] + [on]
    over = coverage_over({municipality.pk: plan}, days)
    return [(day.year, over[day][municipality.pk].basic(), over[day][municipality.pk].total()) for day in days]


def coverage_history_and_topics(municipality, plan: CompetencePlan | None, on: datetime.date):
    """:func:`coverage_history` and :func:`topic_coverage` together, kept in the cache under the
    municipality's data generation (ADR 0045): two passes over every training record of its staff
    (~230 ms at 10 000 staff and 200 000 records), for figures that change only when the staff, the
    records, the plan or the courses do."""
    return generations.cached(
        "competence:history",
        municipality.pk,
        lambda: (coverage_history(municipality, plan, on), topic_coverage(municipality.pk, on, municipality.county_id)),
        parts=(on.isoformat(), str(plan.pk if plan else "-"), get_language() or "-"),  # the topics' names
    )


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
    requirements = list(Requirement.system_objects.filter(plan=plan).prefetch_related("courses"))
    course_ids = {c.pk for r in requirements for c in r.courses.all()}
    first_done: dict[tuple[int, int], datetime.date] = {}
    for person_id, course_id, day in (
        TrainingRecord.system_objects.filter(
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
    municipality has not invested in come first. Two queries: the courses' topics, then one pass
    over the staff's records grouped by topic (a course on several topics counts for each)."""
    pairs = [
        (pk, topic)
        for pk, topics in Course.system_objects.filter(county_id=county_id).values_list("pk", "topics")
        for topic in topics
        if topic in Topic.values
    ]
    members = staff([municipality_id], on)
    counts: dict[str, int] = {}
    all_staff = 0
    if pairs:
        date = connection.ops.adapt_datefield_value
        membership, record = Membership._meta.db_table, TrainingRecord._meta.db_table
        topic_values = ", ".join(["(%s, %s)"] * len(pairs))
        roles = list(MUNICIPAL_ROLES)
        staff_where = (
            f"s.municipality_id = %s AND s.role IN ({', '.join(['%s'] * len(roles))}) AND s.valid_from <= %s "
            "AND (s.valid_until IS NULL OR s.valid_until >= %s)"
        )
        staff_params = [municipality_id, *roles, date(on), date(on)]
        sql = f"""
            WITH course_topic (course_id, topic) AS (VALUES {topic_values})
            SELECT ct.topic, COUNT(DISTINCT t.person_id)
            FROM {record} t INNER JOIN course_topic ct ON ct.course_id = t.course_id
            WHERE t.completed_on <= %s AND t.person_id IN (SELECT s.user_id FROM {membership} s WHERE {staff_where})
            GROUP BY ct.topic
        """  # noqa: S608 - table names come from the models, every value is a parameter
        params = [value for pair in pairs for value in pair] + [date(on), *staff_params]
        with connection.cursor() as cursor:
            cursor.execute(sql, params)
            counts = {topic: int(n) for topic, n in cursor.fetchall()}
    all_staff = members.aggregate(n=Count("user", distinct=True))["n"] or 0
    labels = dict(Topic.choices)
    rows = [(t, str(labels[t]), counts.get(t, 0), all_staff) for t in Topic.values if t != Topic.OTHER]
    return sorted(rows, key=lambda r: (r[2], r[1]))


def basic_course_ids(county_id: int) -> list[int]:
    """Courses that count as basic training on violence in close relationships (the indicator)."""
    return [
        pk
        for pk, topics in Course.system_objects.filter(county_id=county_id, level=CourseLevel.BASIC).values_list(
            "pk", "topics"
        )
        if Topic.BASICS in topics
    ]


def trained_social_workers(municipality, on: datetime.date) -> tuple[int, int]:
    """(social workers with a basic course on violence, all social workers) — the indicator."""
    ids = basic_course_ids(municipality.county_id)
    members = staff([municipality.pk], on).filter(role=Role.SOCIAL_WORKER)
    trained = Exists(
        TrainingRecord.system_objects.filter(person_id=OuterRef("user_id"), course_id__in=ids, completed_on__lte=on)
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
    return list(OnboardingItem.system_objects.filter(membership=membership).select_related("done_by"))


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
        OnboardingItem.system_objects.filter(municipality_id__in=ids, done_on__isnull=True, due_on__lt=on)
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


SELF_ASSESSMENT_KEY = "knowledge"
SELF_ASSESSMENT_MIN_RESPONSES = 3  # fewer answers in a unit are not shown: they could point out a person


@dataclass
class SelfAssessmentRow:
    label: str
    respondents: int
    means: dict[str, float]  # topic → mean on the scale 1–5

    @property
    def shown(self) -> bool:
        return self.respondents >= SELF_ASSESSMENT_MIN_RESPONSES


def self_assessment(municipality, year: int, on: datetime.date) -> tuple[list[str], list[SelfAssessmentRow]]:
    """The knowledge self-assessment of *year* per unit (the respondents' units today) and for
    the whole municipality, as means per topic. Two queries."""
    topics = list(
        Question.objects.filter(question_set__key=SELF_ASSESSMENT_KEY, question_set__is_current=True)
        .order_by("order")
        .values_list("key", flat=True)
    )
    unit_of = {}
    for user_id, unit_id, unit_name in staff([municipality.pk], on).values_list("user_id", "unit_id", "unit__name"):
        unit_of.setdefault(user_id, (unit_id, unit_name or ""))
    values: dict = defaultdict(lambda: defaultdict(list))  # unit → topic → [scores]
    people: dict = defaultdict(set)
    for respondent, key, value in Answer.system_objects.filter(
        response__round__question_set__key=SELF_ASSESSMENT_KEY,
        response__round__year=year,
        response__municipalities=municipality,
    ).values_list("response__respondent_id", "question__key", "value"):
        if respondent not in unit_of or not str(value).isdigit():
            continue
        for bucket in (unit_of[respondent], None):
            values[bucket][key].append(int(value))
            people[bucket].add(respondent)

    def row(label, bucket):
        means = {t: round(sum(v) / len(v), 1) for t, v in values[bucket].items() if v}
        return SelfAssessmentRow(label=label, respondents=len(people[bucket]), means=means)

    rows = [row(bucket[1], bucket) for bucket in sorted((b for b in values if b is not None), key=lambda b: b[1])]
    return topics, [*rows, row("", None)]
