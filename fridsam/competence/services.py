"""Writes about courses, plans, training records, onboarding and events. Atomic, validated and
written to the access log."""

from __future__ import annotations

import datetime
import secrets
import uuid
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection, transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from fridsam.accounts.models import Membership, User, memberships_unscoped
from fridsam.competence.models import (
    COURSE_COMPLETED,
    CalendarFeed,
    CompetencePlan,
    Course,
    Event,
    EventResponse,
    OnboardingItem,
    OnboardingStep,
    Participation,
    PlanStatus,
    RecordSource,
    Requirement,
    Topic,
    TrainingRecord,
)
from fridsam.competence.selectors import current_plans, trained_social_workers
from fridsam.core import generations, reminders, uploads
from fridsam.core.audit import log_access
from fridsam.core.models import AccessAction
from fridsam.core.roles import MUNICIPAL_ROLES, Role
from fridsam.statistics.computed import write_computed
from fridsam.statistics.models import Indicator


def _log(action, obj, user, *, municipality=None, county=None, detail=""):
    log_access(
        action=action,
        object_type=obj,
        user=user,
        municipality=municipality,
        county=county,
        detail=detail,
    )


def _members(municipality_id, *roles):
    """Today's memberships of a municipality in *roles*, whoever acts: a service also runs
    outside a request (a task, a command)."""
    return memberships_unscoped().active().filter(municipality_id=municipality_id, role__in=roles)


# --- Catalogue -------------------------------------------------------------------------------


def course_save(*, county, fields: dict, user, municipality=None, course: Course | None = None):
    topics = list(fields.get("topics") or [])
    if not topics:
        raise ValidationError({"topics": _("Choose at least one topic.")})
    if set(topics) - set(Topic.values):
        raise ValidationError({"topics": _("Unknown topic.")})
    with transaction.atomic():
        action = AccessAction.CHANGE if course else AccessAction.CREATE
        course = course or Course(county=county, municipality=municipality)
        for name, value in fields.items():
            setattr(course, name, value)
        course.topics = topics
        course.full_clean()
        course.save()
        _log(action, course, user, county=county)
    return course


# --- Plans -----------------------------------------------------------------------------------


def _editable(plan: CompetencePlan) -> None:
    if plan.status != PlanStatus.DRAFT:
        raise ValidationError(_("An approved plan is not changed: start a new version."))


def plan_start(*, municipality, year: int, user) -> CompetencePlan:
    """A draft plan for *year*: a copy of the municipality's latest plan (requirements, courses
    and onboarding steps), or an empty one. A new version when the year already has one."""
    if not 2000 <= year <= 2100:
        raise ValidationError({"year": _("Give a year between 2000 and 2100.")})
    with transaction.atomic():
        plans = CompetencePlan.system_objects.select_for_update().filter(municipality=municipality)
        if plans.filter(status=PlanStatus.DRAFT).exists():
            raise ValidationError(_("The municipality already has a draft plan: finish or approve it first."))
        source = plans.filter(status=PlanStatus.APPROVED).order_by("-year", "-version").first()
        version = (plans.filter(year=year).aggregate(v=Max("version"))["v"] or 0) + 1
        plan = CompetencePlan.objects.create(
            municipality=municipality, year=year, version=version, created_by=user, note=source.note if source else ""
        )
        if source is not None:
            links = Requirement.courses.through.objects.filter(requirement__plan=source)
            courses_of: dict[int, list[int]] = {}
            for requirement_id, course_id in links.values_list("requirement_id", "course_id"):
                courses_of.setdefault(requirement_id, []).append(course_id)
            for requirement in source.requirements.all():
                course_ids = courses_of.get(requirement.pk, [])
                requirement.pk, requirement.plan = None, plan
                requirement.save()
                requirement.courses.set(course_ids)
            for step in source.steps.all():
                step.pk, step.plan = None, plan
                step.save()
        plan.writers.add(user)
        _log(
            AccessAction.CREATE,
            plan,
            user,
            municipality=municipality,
            detail=f"from={getattr(source, 'pk', '')}",
        )
    return plan


def plan_note(*, plan: CompetencePlan, note: str, user) -> CompetencePlan:
    _editable(plan)
    with transaction.atomic():
        plan.note = note
        plan.full_clean()
        plan.save(update_fields=["note"])
        plan.writers.add(user)
        _log(AccessAction.CHANGE, plan, user, municipality=plan.municipality, detail="note")
    return plan


def requirement_save(*, plan: CompetencePlan, fields: dict, courses, user, requirement=None):
    _editable(plan)
    courses = list(courses)
    if not courses:
        raise ValidationError({"courses": _("Choose at least one course that fulfils the requirement.")})
    if any(c.county_id != plan.municipality.county_id for c in courses) or any(
        c.municipality_id not in (None, plan.municipality_id) for c in courses
    ):
        raise ValidationError({"courses": _("A course from another county or municipality cannot be required.")})
    if fields.get("role") and fields["role"] not in MUNICIPAL_ROLES:
        raise ValidationError({"role": _("Choose a role in the social services.")})
    with transaction.atomic():
        requirement = requirement or Requirement(plan=plan, order=plan.requirements.count())
        for name, value in fields.items():
            setattr(requirement, name, value)
        requirement.full_clean(exclude=["courses"])
        requirement.save()
        requirement.courses.set(courses)
        plan.writers.add(user)
        _log(
            AccessAction.CHANGE,
            plan,
            user,
            municipality=plan.municipality,
            detail=f"requirement={requirement.pk}",
        )
    return requirement


def requirement_remove(*, requirement: Requirement, user) -> None:
    plan = requirement.plan
    _editable(plan)
    with transaction.atomic():
        plan.writers.add(user)
        _log(
            AccessAction.DELETE,
            plan,
            user,
            municipality=plan.municipality,
            detail=f"requirement={requirement.pk}",
        )
        requirement.delete()


def step_save(*, plan: CompetencePlan, fields: dict, user, step=None) -> OnboardingStep:
    _editable(plan)
    with transaction.atomic():
        step = step or OnboardingStep(plan=plan, order=plan.steps.count())
        for name, value in fields.items():
            setattr(step, name, value)
        step.full_clean()
        step.save()
        plan.writers.add(user)
        _log(AccessAction.CHANGE, plan, user, municipality=plan.municipality, detail=f"step={step.pk}")
    return step


def step_remove(*, step: OnboardingStep, user) -> None:
    plan = step.plan
    _editable(plan)
    with transaction.atomic():
        plan.writers.add(user)
        _log(AccessAction.DELETE, plan, user, municipality=plan.municipality, detail=f"step={step.pk}")
        step.delete()


def plan_approve(*, plan: CompetencePlan, user) -> CompetencePlan:
    """A manager approves the draft; it becomes the plan in force from its year."""
    with transaction.atomic():
        plan = CompetencePlan.system_objects.select_for_update().get(pk=plan.pk)
        _editable(plan)
        if not plan.requirements.exists():
            raise ValidationError(_("A plan needs at least one training requirement before it is approved."))
        if plan.writers.filter(pk=user.pk).exists():
            # Four eyes, as for routines, role descriptions and the public page.
            raise ValidationError(_("The plan must be approved by someone who did not write it."))
        plan.status, plan.approved_by, plan.approved_at = PlanStatus.APPROVED, user, timezone.now()
        plan.save(update_fields=["status", "approved_by", "approved_at"])
        _log(AccessAction.CHANGE, plan, user, municipality=plan.municipality, detail="approved")
    return plan


# --- Training records ------------------------------------------------------------------------


def _check_record(person, course: Course, completed_on, municipality, today) -> dict[str, list[str]]:
    errors: dict[str, list[str]] = {}
    if completed_on is None:
        errors["completed_on"] = [_("Give the date the course was completed.")]
    elif message := COURSE_COMPLETED.message(completed_on, today):
        errors["completed_on"] = [message]
    if course is not None and (
        course.county_id != municipality.county_id or course.municipality_id not in (None, municipality.pk)
    ):
        errors["course"] = [_("The course is not in the municipality's catalogue.")]
    return errors


def record_source(*, person: User, municipality, user) -> str:
    """Who entered a completed course, as the record says: the person themselves, a manager of
    the municipality, or else its coordinator."""
    if user.pk == person.pk:
        return RecordSource.SELF
    if _members(municipality.pk, Role.MANAGER).filter(user=user).exists():
        return RecordSource.MANAGER
    return RecordSource.COORDINATOR


def record_add(*, person: User, course: Course, completed_on, municipality, user, source: str | None = None):
    """Record a completed course (*source*: who entered it; by default :func:`record_source`).
    The person's reminders are brought up to date."""
    errors = _check_record(person, course, completed_on, municipality, timezone.localdate())
    if errors:
        raise ValidationError(errors)
    source = source or record_source(person=person, municipality=municipality, user=user)
    try:
        with transaction.atomic():
            record = TrainingRecord.objects.create(
                person=person,
                course=course,
                completed_on=completed_on,
                municipality=municipality,
                source=source,
                entered_by=user,
            )
            _log(AccessAction.CREATE, record, user, municipality=municipality, detail=f"person={person.pk}")
    except IntegrityError:
        raise ValidationError({"completed_on": _("This course is already recorded for that date.")}) from None
    refresh_indicator(municipality)
    reminders.refresh_for([person.pk])
    return record


def record_remove(*, record: TrainingRecord, user) -> None:
    with transaction.atomic():
        _log(
            AccessAction.DELETE,
            record,
            user,
            municipality=record.municipality,
            detail=f"person={record.person_id}",
        )
        record.delete()
    refresh_indicator(record.municipality)
    reminders.refresh_for([record.person_id])


@dataclass
class ImportResult:
    created: int = 0
    already: int = 0
    # The first MAX_ERRORS problems; errors.more counts the others.
    errors: list[tuple[int | None, str]] = field(default_factory=uploads.ErrorList)


ANALYZE_AFTER = 1000  # imported rows after which PostgreSQL's statistics are refreshed
IMPORT_COLUMNS = {"anvandare": "username", "epost": "email", "kurs": "course", "datum": "completed_on"}
IMPORT_TEMPLATE = ["användare", "kurs", "datum"]


def records_import(*, municipality, filename: str, data: bytes, user) -> ImportResult:
    """Import completed courses: one row per person, course (its code) and date. A person is named
    by user name or e-mail, never by personal identity number. All or nothing: any bad row stops
    the import and every bad row is reported (the first hundred, and how many more). The file is
    read as a stream within the caps of :mod:`fridsam.core.uploads`."""
    result = ImportResult()
    try:
        table = uploads.read_table(
            filename, data, IMPORT_COLUMNS, template=IMPORT_TEMPLATE, required=("course", "completed_on")
        )
    except uploads.FileError as error:
        result.errors.append((None, str(error)))
        return result
    if not {"username", "email"} & table.fields:
        result.errors.append((None, _("Name the person in a column “användare” or “e-post”.")))
        return result
    rows = table.rows
    today = timezone.localdate()
    members = Membership.system_objects.filter(municipality=municipality, role__in=MUNICIPAL_ROLES).select_related(
        "user"
    )
    by_username = {m.user.username.lower(): m.user for m in members}
    by_email = {m.user.email.lower(): m.user for m in members if m.user.email}
    courses = {
        c.code.lower(): c
        for c in Course.system_objects.filter(county_id=municipality.county_id, active=True)
        if c.municipality_id in (None, municipality.pk)
    }
    wanted: dict[tuple, int] = {}
    for row in rows:
        line = row["line"]
        key_text = (row.get("username") or row.get("email") or "").strip().lower()
        person = by_username.get(key_text) or by_email.get(key_text)
        problems = []
        if not key_text:
            problems.append(_("the person is missing"))
        elif person is None:
            problems.append(_("“%(person)s” is not staff of the municipality") % {"person": key_text})
        course = courses.get(row.get("course", "").strip().lower())
        if course is None:
            problems.append(_("the course “%(code)s” is not in the catalogue") % {"code": row.get("course", "")})
        completed_on = _parse_date(row.get("completed_on", ""))
        if completed_on is None:
            problems.append(_("the date “%(date)s” is not a date (YYYY-MM-DD)") % {"date": row.get("completed_on", "")})
        elif problem := COURSE_COMPLETED.problem(completed_on, today):
            problems.append(problem)
        if problems:
            result.errors.append((line, "; ".join(problems)))
            continue
        key = (person.pk, course.pk, completed_on)
        if key in wanted:
            result.errors.append((line, _("the same as row %(line)s") % {"line": wanted[key]}))
            continue
        wanted[key] = line
    if rows.error is not None:
        result.errors = uploads.ErrorList([(None, str(rows.error))])
        return result
    if result.errors:
        return result
    existing = set(
        TrainingRecord.system_objects.filter(
            person_id__in={k[0] for k in wanted}, course_id__in={k[1] for k in wanted}
        ).values_list("person_id", "course_id", "completed_on")
    )
    new = [k for k in wanted if k not in existing]
    with transaction.atomic():
        TrainingRecord.objects.bulk_create(
            [
                TrainingRecord(
                    person_id=p,
                    course_id=c,
                    completed_on=d,
                    municipality=municipality,
                    source=RecordSource.IMPORT,
                    entered_by=user,
                )
                for p, c, d in new
            ],
            batch_size=1000,
        )
        generations.changed(municipality.pk)  # the bulk insert passes no signals (ADR 0045)
        _log(
            AccessAction.IMPORT,
            TrainingRecord,
            user,
            municipality=municipality,
            detail=f"file={uploads.shown_name(filename)}; created={len(new)}; already={len(wanted) - len(new)}",
        )
    result.created, result.already = len(new), len(wanted) - len(new)
    if len(new) >= ANALYZE_AFTER and connection.vendor == "postgresql":
        # PostgreSQL plans the coverage query from its statistics; after a large import they are
        # stale until autovacuum gets to the table (measured: 6 s instead of 0.2 s), so refresh them.
        with connection.cursor() as cursor:
            cursor.execute(f"ANALYZE {TrainingRecord._meta.db_table}")
    refresh_indicator(municipality)
    return result


def _parse_date(text: str) -> datetime.date | None:
    text = (text or "").strip()[:10]
    try:
        return datetime.date.fromisoformat(text)
    except ValueError:
        return None


def refresh_indicator(municipality) -> int:
    """Write this year's training-coverage indicator as a computed value (a hand-entered figure
    stands): social workers with a basic course on violence in close relationships, of all."""
    indicator = Indicator.objects.filter(key="training_coverage", is_active=True).values_list("id", flat=True).first()
    if indicator is None:
        return 0
    today = timezone.localdate()
    trained, total = trained_social_workers(municipality, today)
    target = (municipality.pk, today.year)
    figures = {target: {"training_coverage": (trained, total)}} if total else {}
    return write_computed({target}, figures, {"training_coverage": indicator})


# --- Onboarding ------------------------------------------------------------------------------


def checklist_ensure(*, membership: Membership, plan: CompetencePlan | None = None) -> int:
    """Create the introduction checklist of a staff member from the plan in force (idempotent: a
    step already on the list is not added again). Returns the number of items created."""
    if membership.role not in MUNICIPAL_ROLES or membership.municipality_id is None:
        return 0
    plan = plan or current_plans([membership.municipality_id], timezone.localdate()).get(membership.municipality_id)
    if plan is None:
        return 0
    have = set(OnboardingItem.system_objects.filter(membership=membership).values_list("step_id", flat=True))
    items = [
        OnboardingItem(
            membership=membership,
            municipality_id=membership.municipality_id,
            step=step,
            title=step.title,
            responsible=step.responsible,
            due_on=membership.valid_from + datetime.timedelta(days=step.days),
        )
        for step in OnboardingStep.system_objects.filter(plan=plan)
        if step.pk not in have
    ]
    OnboardingItem.system_objects.bulk_create(items)
    return len(items)


def item_done(*, item: OnboardingItem, user, on: datetime.date | None = None) -> OnboardingItem:
    """Tick a step of a staff member's introduction; the reminders of the person and of the
    municipality's coordinators and managers (whose steps they may be) are brought up to date."""
    with transaction.atomic():
        done = OnboardingItem.system_objects.select_for_update().get(pk=item.pk)
        if done.done_on is None:
            done.done_on, done.done_by = on or timezone.localdate(), user
            done.save(update_fields=["done_on", "done_by"])
            _log(AccessAction.CHANGE, done, user, municipality=done.municipality, detail="done")
    reminders.refresh_for(
        [
            item.membership.user_id,
            *_members(item.municipality_id, Role.COORDINATOR, Role.MANAGER).values_list("user_id", flat=True),
        ]
    )
    return done


# --- Events ----------------------------------------------------------------------------------


def event_save(*, county, municipality, fields: dict, user, event: Event | None = None) -> Event:
    with transaction.atomic():
        event = event or Event(county=county, municipality=municipality, created_by=user, uid=uuid.uuid4())
        for name, value in fields.items():
            setattr(event, name, value)
        if event.starts_at and event.ends_at and event.ends_at < event.starts_at:
            raise ValidationError({"ends_at": _("The event ends before it starts.")})
        action = AccessAction.CHANGE if event.pk else AccessAction.CREATE
        event.full_clean()
        event.save()
        _log(action, event, user, municipality=municipality, county=county)
    return event


def event_respond(*, event: Event, user, status: str) -> EventResponse | None:
    """Mark interest or attendance; an empty status takes the mark away."""
    if status and status not in Participation.values:
        raise ValidationError(_("Unknown answer."))
    with transaction.atomic():
        if not status:
            EventResponse.system_objects.filter(event=event, user=user).delete()
            return None
        response, _created = EventResponse.system_objects.update_or_create(
            event=event, user=user, defaults={"status": status}
        )
    return response


def feed_token(*, user, renew: bool = False) -> str:
    """The secret of a person's calendar address; renewing it makes the old address stop working."""
    with transaction.atomic():
        feed = CalendarFeed.objects.filter(user=user).first()
        if feed is None or renew:
            token = secrets.token_urlsafe(32)
            CalendarFeed.objects.update_or_create(user=user, defaults={"token": token})
            log_access(action=AccessAction.CHANGE, object_type="competence.calendarfeed", user=user, detail="token")
            return token
    return feed.token
