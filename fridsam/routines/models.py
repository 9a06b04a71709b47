"""Routines, handbooks, guidelines and checklists that stay living documents, read
acknowledgements, and the municipality's action plan against violence.

The evaluation: "Tryggheten bland socialsekreterarna ökar också med rutiner och handböcker", and of a
handbook from 2016 that it "behöver uppdateras, det ska vara ett levande dokument". So every
version is kept, a manager approves each one, an approved document has a review-due date and is
flagged when it passes, and the staff it concerns confirm they have read the version in force.
"""

from __future__ import annotations

import uuid

from django.conf import settings
from django.core.validators import MaxLengthValidator, MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from fridsam.core.fields import PersonalCharField, PersonalTextField, PlausibleDateField
from fridsam.core.goals import GoalResult
from fridsam.core.tenancy import ScopedManager
from fridsam.core.validators import validate_past_date, validate_planned_date

BODY_MAX = 100_000


class DocumentKind(models.TextChoices):
    ROUTINE = "routine", _("Routine")
    HANDBOOK = "handbook", _("Handbook")
    GUIDELINE = "guideline", _("Guideline")
    CHECKLIST = "checklist", _("Checklist")


class Document(models.Model):
    municipality = models.ForeignKey(
        "organisations.Municipality", on_delete=models.PROTECT, related_name="+", verbose_name=_("municipality")
    )
    kind = models.CharField(_("kind"), max_length=12, choices=DocumentKind.choices)
    title = PersonalCharField(_("title"), max_length=200)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("owner")
    )
    unit_types = models.JSONField(_("for units of type"), default=list, blank=True)
    roles = models.JSONField(_("for roles"), default=list, blank=True)
    legal_references = PersonalTextField(
        _("legal references"), max_length=2000, blank=True, help_text=_("One per line.")
    )
    review_months = models.PositiveSmallIntegerField(
        _("review every (months)"), default=12, validators=[MinValueValidator(1), MaxValueValidator(60)]
    )
    current_version = models.ForeignKey(
        "DocumentVersion", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    review_due = PlausibleDateField(_("review due"), null=True, blank=True, bounds=validate_planned_date)
    last_reviewed_on = PlausibleDateField(_("last reviewed"), null=True, blank=True, bounds=validate_past_date)
    archived_at = models.DateTimeField(null=True, blank=True)
    archived_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    objects = ScopedManager(municipality="municipality")

    class Meta:
        ordering = ["title"]
        verbose_name = _("document")
        verbose_name_plural = _("documents")

    def __str__(self) -> str:
        return self.title

    def concerns(self, unit_type: str | None, role: str) -> bool:
        return (not self.unit_types or unit_type in self.unit_types) and (not self.roles or role in self.roles)

    def references(self) -> list[str]:
        return [line.strip() for line in self.legal_references.splitlines() if line.strip()]


class VersionStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    IN_REVIEW = "in_review", _("In review")
    APPROVED = "approved", pgettext_lazy("document", "Approved")
    SUPERSEDED = "superseded", _("Superseded")


class DocumentVersion(models.Model):
    document = models.ForeignKey(Document, on_delete=models.CASCADE, related_name="versions")
    number = models.PositiveSmallIntegerField(_("version"))
    body = PersonalTextField(_("content"), validators=[MaxLengthValidator(BODY_MAX)])
    change_note = PersonalCharField(_("what changed"), max_length=500, blank=True)
    status = models.CharField(_("status"), max_length=12, choices=VersionStatus.choices, default=VersionStatus.DRAFT)
    written_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    # Everyone who wrote any part of this version (text or attachments): none of them approves it.
    writers = models.ManyToManyField(settings.AUTH_USER_MODEL, related_name="+", blank=True)
    written_at = models.DateTimeField(auto_now=True)
    submitted_at = models.DateTimeField(null=True, blank=True)
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    approved_at = models.DateTimeField(null=True, blank=True)

    objects = ScopedManager(municipality="document__municipality")

    class Meta:
        verbose_name = _("document version")
        verbose_name_plural = _("document versions")
        ordering = ["-number"]
        constraints = [
            models.UniqueConstraint(fields=["document", "number"], name="routines_version_number_unique"),
            models.UniqueConstraint(
                fields=["document"],
                condition=Q(status__in=["draft", "in_review"]),
                name="routines_one_open_version",
            ),
            models.CheckConstraint(
                name="routines_approved_has_approver",
                condition=~Q(status__in=["approved", "superseded"])
                | Q(approved_by__isnull=False, approved_at__isnull=False),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.document} v{self.number}"


def attachment_path(instance, filename):
    return f"routines/{instance.version.document.municipality_id}/{uuid.uuid4().hex}"


class Attachment(models.Model):
    """A file attached to a version (a form, a template, a flow chart). Served only through the
    application to the document's readers, never from a public address."""

    version = models.ForeignKey(DocumentVersion, on_delete=models.CASCADE, related_name="attachments")
    name = PersonalCharField(_("file name"), max_length=200)
    content_type = models.CharField(max_length=100)
    size = models.PositiveIntegerField()
    file = models.FileField(upload_to=attachment_path)
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    uploaded_at = models.DateTimeField(auto_now_add=True)

    objects = ScopedManager(municipality="version__document__municipality")

    class Meta:
        verbose_name = _("attachment")
        verbose_name_plural = _("attachments")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Acknowledgement(models.Model):
    """A staff member confirms having read a version. A new version asks again."""

    version = models.ForeignKey(DocumentVersion, on_delete=models.CASCADE, related_name="acknowledgements")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    acknowledged_at = models.DateTimeField(auto_now_add=True)

    objects = ScopedManager(municipality="version__document__municipality")

    class Meta:
        verbose_name = _("read confirmation")
        verbose_name_plural = _("read confirmations")
        constraints = [models.UniqueConstraint(fields=["version", "user"], name="routines_read_once")]

    def __str__(self) -> str:
        return f"{self.version} – {self.user_id}"


# --- Action plans ---------------------------------------------------------------------------


class ActionPlan(models.Model):
    """The municipality's action plan against violence: goals → sub-goals → activities."""

    municipality = models.ForeignKey("organisations.Municipality", on_delete=models.PROTECT, related_name="+")
    title = PersonalCharField(_("title"), max_length=200)
    first_year = models.PositiveSmallIntegerField(_("from year"), validators=[MinValueValidator(2000)])
    last_year = models.PositiveSmallIntegerField(_("to year"), validators=[MaxValueValidator(2100)])
    decided_by = PersonalCharField(_("decided by"), max_length=200, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    objects = ScopedManager(municipality="municipality")

    class Meta:
        ordering = ["-last_year", "title"]
        verbose_name = _("action plan")
        verbose_name_plural = _("action plans")
        constraints = [
            models.CheckConstraint(
                name="routines_plan_years_ordered", condition=Q(last_year__gte=models.F("first_year"))
            )
        ]

    def __str__(self) -> str:
        return self.title


class PlanGoal(models.Model):
    plan = models.ForeignKey(ActionPlan, on_delete=models.CASCADE, related_name="goals")
    text = PersonalCharField(_("goal"), max_length=300)
    order = models.PositiveSmallIntegerField(default=0)

    objects = ScopedManager(municipality="plan__municipality")

    class Meta:
        verbose_name = _("action plan goal")
        verbose_name_plural = _("action plan goals")
        ordering = ["order", "id"]

    def __str__(self) -> str:
        return self.text


class SubGoal(models.Model):
    goal = models.ForeignKey(PlanGoal, on_delete=models.CASCADE, related_name="sub_goals")
    text = PersonalCharField(_("sub-goal"), max_length=300)
    order = models.PositiveSmallIntegerField(default=0)

    objects = ScopedManager(municipality="goal__plan__municipality")

    class Meta:
        verbose_name = _("sub-goal")
        verbose_name_plural = _("sub-goals")
        ordering = ["order", "id"]

    def __str__(self) -> str:
        return self.text


class ActivityStatus(models.TextChoices):
    PLANNED = "planned", _("Planned")
    ONGOING = "ongoing", _("Ongoing")
    DONE = "done", _("Done")
    CANCELLED = "cancelled", _("Cancelled")


class Activity(models.Model):
    sub_goal = models.ForeignKey(SubGoal, on_delete=models.CASCADE, related_name="activities")
    text = PersonalCharField(_("activity"), max_length=300)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("owner")
    )
    due_on = PlausibleDateField(_("due"), bounds=validate_planned_date)
    status = models.CharField(
        _("status"), max_length=10, choices=ActivityStatus.choices, default=ActivityStatus.PLANNED
    )
    indicator = models.ForeignKey(
        "statistics.Indicator",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("indicator it moves"),
    )

    objects = ScopedManager(municipality="sub_goal__goal__plan__municipality")

    class Meta:
        ordering = ["due_on", "id"]
        verbose_name = _("activity")
        verbose_name_plural = _("activities")

    def __str__(self) -> str:
        return self.text


class GoalAssessment(models.Model):
    """The yearly follow-up of a goal: a result and a short assessment."""

    goal = models.ForeignKey(PlanGoal, on_delete=models.CASCADE, related_name="assessments")
    year = models.PositiveSmallIntegerField(_("year"))
    result = models.CharField(_("result"), max_length=12, choices=GoalResult.choices)
    assessment = PersonalCharField(_("assessment"), max_length=1000)
    assessed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    assessed_at = models.DateTimeField(auto_now=True)

    objects = ScopedManager(municipality="goal__plan__municipality")

    class Meta:
        verbose_name = _("goal follow-up")
        verbose_name_plural = _("goal follow-ups")
        ordering = ["-year"]
        constraints = [models.UniqueConstraint(fields=["goal", "year"], name="routines_one_assessment_a_year")]

    def __str__(self) -> str:
        return f"{self.goal} {self.year}"
