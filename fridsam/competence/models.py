"""Knowledge-based work: the course catalogue, each municipality's competence development plan
(requirements with a deadline relative to the hiring date, onboarding steps), training records,
onboarding checklists and the coordinator's events.

The evaluation's most common result of a coordinator is knowledge ("ökad kunskap om våld i nära
relationer bland de anställda i kommunen") and its weak spot is that information arrives "ad
hoc-mässigt och ofta med kort varsel" with no overview of which groups were never trained.

A staff member is an active membership with a municipal role: the membership's ``valid_from`` is
the hiring date the deadlines count from, its unit and role decide which requirements apply
(ADR 0014).
"""

from __future__ import annotations

import datetime

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from fridsam.core.dates import add_months
from fridsam.core.fields import PersonalCharField, PersonalTextField, PlausibleDateField
from fridsam.core.tenancy import ScopedManager
from fridsam.core.validators import PlausibleDate, validate_past_date
from fridsam.organisations.models import UnitType

# A completed course has happened; staff bring courses from earlier employments, so it may be older
# than the rest of Fridsam's dates (the form, the service and the import all check these bounds).
COURSE_COMPLETED = PlausibleDate(earliest=datetime.date(1990, 1, 1))


class CourseProvider(models.TextChoices):
    NATIONAL_CENTRE = "nck", _("National Centre for Knowledge on Men's Violence Against Women")
    SOCIALSTYRELSEN = "socialstyrelsen", _("National Board of Health and Welfare")
    COUNTY_BOARD = "county_board", _("County administrative board")
    REGION = "region", _("Region")
    INTERNAL = "internal", _("Internal")
    OTHER = "other", _("Other")


class CourseFormat(models.TextChoices):
    WEB = "web", _("Web course")
    CLASSROOM = "classroom", _("Classroom")
    SEMINAR = "seminar", _("Seminar")


class CourseLevel(models.TextChoices):
    BASIC = "basic", _("Basic")
    ADVANCED = "advanced", _("Advanced")
    TRAINER = "trainer", _("Colleague trainer")


class Topic(models.TextChoices):
    BASICS = "basics", _("Violence in close relationships, basics")
    HONOUR = "honour", _("Honour-related violence and oppression")
    CHILDREN = "children", _("Children who experience violence")
    PERPETRATORS = "perpetrators", _("Persons who use violence")
    RISK = "risk", _("Risk assessment")
    FOLLOW_UP = "follow_up", _("Systematic follow-up")
    ELDERLY = "elderly", _("Older persons")
    DISABILITY = "disability", _("Persons with disabilities")
    SUBSTANCE = "substance", _("Substance abuse")
    TRAFFICKING = "trafficking", _("Prostitution and human trafficking")
    OTHER = "other", _("Other")


class Course(models.Model):
    """A course in the county's catalogue; a municipality's own courses name the municipality."""

    county = models.ForeignKey("organisations.County", on_delete=models.PROTECT, related_name="+")
    municipality = models.ForeignKey(
        "organisations.Municipality",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("municipality"),
        help_text=_("Empty for a course in the county-wide catalogue."),
    )
    code = models.SlugField(_("code"), max_length=30, help_text=_("A short code used in imports, e.g. NCK-GRUND."))
    title = PersonalCharField(_("title"), max_length=200)
    provider = models.CharField(_("provider"), max_length=20, choices=CourseProvider.choices)
    format = models.CharField(_("format"), max_length=10, choices=CourseFormat.choices)
    hours = models.DecimalField(
        _("length (hours)"), max_digits=5, decimal_places=1, validators=[MinValueValidator(0.5)]
    )
    level = models.CharField(_("level"), max_length=10, choices=CourseLevel.choices)
    topics = models.JSONField(_("topics"), default=list)
    url = models.URLField(_("link"), blank=True)
    description = PersonalTextField(_("description"), max_length=2000, blank=True)
    active = models.BooleanField(_("in the catalogue"), default=True)

    objects = ScopedManager(county="county")

    class Meta:
        ordering = ["title"]
        verbose_name = _("course")
        verbose_name_plural = _("courses")
        constraints = [models.UniqueConstraint(fields=["county", "code"], name="competence_course_code_unique")]

    def __str__(self) -> str:
        return self.title

    def topic_labels(self) -> list[str]:
        labels = dict(Topic.choices)
        return [str(labels[t]) for t in self.topics if t in labels]


class PlanStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    APPROVED = "approved", pgettext_lazy("document", "Approved")


class CompetencePlan(models.Model):
    """A municipality's competence development plan for a year. Approved by a manager; a change
    during the year is a new version (a copy), so every approved version is kept."""

    municipality = models.ForeignKey("organisations.Municipality", on_delete=models.PROTECT, related_name="+")
    year = models.PositiveSmallIntegerField(_("year"), validators=[MinValueValidator(2000), MaxValueValidator(2100)])
    version = models.PositiveSmallIntegerField(_("version"), default=1)
    status = models.CharField(_("status"), max_length=10, choices=PlanStatus.choices, default=PlanStatus.DRAFT)
    note = PersonalTextField(_("purpose and priorities"), max_length=3000, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    # Everyone who wrote any part of the draft (requirements, steps, note): none of them approves it.
    writers = models.ManyToManyField(settings.AUTH_USER_MODEL, related_name="+", blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    approved_at = models.DateTimeField(null=True, blank=True)

    objects = ScopedManager(municipality="municipality")

    class Meta:
        ordering = ["-year", "-version"]
        verbose_name = _("competence plan")
        verbose_name_plural = _("competence plans")
        constraints = [
            models.UniqueConstraint(fields=["municipality", "year", "version"], name="competence_plan_version_unique"),
            models.UniqueConstraint(
                fields=["municipality"],
                condition=Q(status="draft"),
                name="competence_one_draft_per_municipality",
            ),
            models.CheckConstraint(
                name="competence_plan_approved_has_approver",
                condition=Q(status="draft") | Q(approved_by__isnull=False, approved_at__isnull=False),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.municipality} {self.year} v{self.version}"


class Requirement(models.Model):
    """A training requirement: one of its courses completed within *months* of the hiring date.
    Without a unit type and role it is a basic requirement for everyone in the social services."""

    plan = models.ForeignKey(CompetencePlan, on_delete=models.CASCADE, related_name="requirements")
    title = PersonalCharField(_("requirement"), max_length=200)
    courses = models.ManyToManyField(Course, related_name="requirements", verbose_name=_("courses that fulfil it"))
    unit_type = models.CharField(
        _("for units of type"),
        max_length=20,
        blank=True,
        choices=UnitType.choices,
        help_text=_("Empty: every unit."),
    )
    role = models.CharField(
        _("for the role"), max_length=20, blank=True, help_text=_("Empty: every role in the social services.")
    )
    months = models.PositiveSmallIntegerField(
        _("deadline, months after hiring"), validators=[MaxValueValidator(60)], default=6
    )
    order = models.PositiveSmallIntegerField(default=0)

    objects = ScopedManager(municipality="plan__municipality")

    class Meta:
        ordering = ["order", "id"]
        verbose_name = _("requirement")
        verbose_name_plural = _("requirements")

    def __str__(self) -> str:
        return self.title

    @property
    def is_basic(self) -> bool:
        return not self.unit_type and not self.role

    def applies_to(self, unit_type: str | None, role: str) -> bool:
        return (not self.unit_type or self.unit_type == unit_type) and (not self.role or self.role == role)

    def due_on(self, hired_on: datetime.date) -> datetime.date:
        return add_months(hired_on, self.months)


class StepResponsible(models.TextChoices):
    PERSON = "person", _("The new employee")
    COORDINATOR = "coordinator", _("The coordinator")
    MANAGER = "manager", _("The manager")


class OnboardingStep(models.Model):
    """A step of the introduction that is not a course, e.g. a talk with the coordinator."""

    plan = models.ForeignKey(CompetencePlan, on_delete=models.CASCADE, related_name="steps")
    title = PersonalCharField(_("step"), max_length=200)
    days = models.PositiveSmallIntegerField(_("within days of hiring"), validators=[MaxValueValidator(730)])
    responsible = models.CharField(_("who makes it happen"), max_length=12, choices=StepResponsible.choices)
    order = models.PositiveSmallIntegerField(default=0)

    objects = ScopedManager(municipality="plan__municipality")

    class Meta:
        ordering = ["days", "order", "id"]
        verbose_name = _("onboarding step")
        verbose_name_plural = _("onboarding steps")

    def __str__(self) -> str:
        return self.title


class RecordSource(models.TextChoices):
    SELF = "self", _("By the person")
    MANAGER = "manager", _("By the manager")
    COORDINATOR = "coordinator", _("By the coordinator")
    IMPORT = "import", _("Imported")


class TrainingRecord(models.Model):
    """A completed course. Belongs to the person; the municipality is where it was recorded."""

    person = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="training_records")
    course = models.ForeignKey(Course, on_delete=models.PROTECT, related_name="records")
    completed_on = PlausibleDateField(_("completed on"), bounds=COURSE_COMPLETED)
    municipality = models.ForeignKey("organisations.Municipality", on_delete=models.PROTECT, related_name="+")
    source = models.CharField(_("entered"), max_length=12, choices=RecordSource.choices)
    entered_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    entered_at = models.DateTimeField(auto_now_add=True)

    objects = ScopedManager(municipality="municipality")

    class Meta:
        ordering = ["-completed_on", "-id"]
        verbose_name = _("training record")
        verbose_name_plural = _("training records")
        constraints = [
            models.UniqueConstraint(fields=["person", "course", "completed_on"], name="competence_record_once")
        ]
        indexes = [models.Index(fields=["course", "person", "completed_on"], name="competence_record_course")]

    def __str__(self) -> str:
        return f"{self.person} – {self.course} ({self.completed_on})"


class OnboardingItem(models.Model):
    """A step of a staff member's introduction checklist, copied from the plan when they were added."""

    membership = models.ForeignKey("accounts.Membership", on_delete=models.CASCADE, related_name="onboarding_items")
    municipality = models.ForeignKey("organisations.Municipality", on_delete=models.PROTECT, related_name="+")
    step = models.ForeignKey(OnboardingStep, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    title = models.CharField(_("step"), max_length=200)
    responsible = models.CharField(_("who makes it happen"), max_length=12, choices=StepResponsible.choices)
    due_on = models.DateField(_("due"))
    done_on = PlausibleDateField(_("done on"), null=True, blank=True, bounds=validate_past_date)
    done_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    objects = ScopedManager(municipality="municipality")

    class Meta:
        ordering = ["due_on", "id"]
        verbose_name = _("onboarding item")
        verbose_name_plural = _("onboarding items")
        constraints = [models.UniqueConstraint(fields=["membership", "step"], name="competence_onboarding_step_once")]

    def __str__(self) -> str:
        return self.title


class EventKind(models.TextChoices):
    TRAINING = "training", _("Training")
    CONFERENCE = "conference", _("Conference")
    COUNTY_MEETING = "county_meeting", _("County meeting")
    NETWORK = "network", _("Network meeting")
    OTHER = "other", _("Other")


class Event(models.Model):
    """A training, conference or county meeting that the coordinator passes on to the units and
    roles it concerns, with a note on why (the coordinator as informationssluss)."""

    county = models.ForeignKey("organisations.County", on_delete=models.PROTECT, related_name="+")
    municipality = models.ForeignKey(
        "organisations.Municipality",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("municipality"),
    )
    title = PersonalCharField(_("title"), max_length=200)
    kind = models.CharField(_("kind"), max_length=20, choices=EventKind.choices)
    starts_at = models.DateTimeField(_("starts"))
    ends_at = models.DateTimeField(_("ends"))
    place = PersonalCharField(_("place"), max_length=200, blank=True)
    url = models.URLField(_("link"), blank=True)
    description = PersonalTextField(_("description"), max_length=3000, blank=True)
    why = PersonalCharField(_("why it concerns you"), max_length=500)
    unit_types = models.JSONField(_("for units of type"), default=list, blank=True)
    roles = models.JSONField(_("for roles"), default=list, blank=True)
    course = models.ForeignKey(
        Course, on_delete=models.SET_NULL, null=True, blank=True, related_name="events", verbose_name=_("course")
    )
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    uid = models.UUIDField(unique=True, editable=False)

    objects = ScopedManager(county="county")

    class Meta:
        ordering = ["starts_at", "id"]
        verbose_name = pgettext_lazy("calendar event", "event")
        verbose_name_plural = _("events")
        constraints = [
            models.CheckConstraint(
                name="competence_event_ends_after_start", condition=Q(ends_at__gte=models.F("starts_at"))
            )
        ]

    def __str__(self) -> str:
        return self.title

    def concerns(self, unit_type: str | None, role: str) -> bool:
        return (not self.unit_types or unit_type in self.unit_types) and (not self.roles or role in self.roles)


class Participation(models.TextChoices):
    INTERESTED = "interested", _("Interested")
    ATTENDING = "attending", _("Attending")
    ATTENDED = "attended", _("Attended")


class EventResponse(models.Model):
    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="responses")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    status = models.CharField(_("status"), max_length=12, choices=Participation.choices)
    updated_at = models.DateTimeField(auto_now=True)

    objects = ScopedManager(county="event__county")

    class Meta:
        verbose_name = _("event response")
        verbose_name_plural = _("event responses")
        constraints = [models.UniqueConstraint(fields=["event", "user"], name="competence_event_response_once")]

    def __str__(self) -> str:
        return f"{self.event} – {self.status}"


class CalendarFeed(models.Model):
    """A person's secret address for the events feed (calendar programs fetch it without logging in)."""

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="calendar_feed")
    token = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("calendar address")
        verbose_name_plural = _("calendar addresses")

    def __str__(self) -> str:
        return f"calendar feed {self.pk}"
