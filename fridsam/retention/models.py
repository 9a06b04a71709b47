"""Retention rules, holds, and the culling runs with their protocol (ADR 0031).

A :class:`RetentionRule` says, for one kind of information, what starts the clock, how long the
information is kept and whether it is delivered to the archive before it is culled. The rules
without a municipality are the installation's defaults; a municipality's own rule replaces the
default for that kind. A :class:`Hold` keeps items from culling until it is lifted. A
:class:`CullingRun` is one month's run for a municipality (or, for the access log, for the
installation): the preview (counts per kind and unit, :class:`RunLine`), the sign-off, the
culling; once culled it is the culling protocol (*gallringsprotokoll*), kept as long as the
installation lives: it holds counts and rules, never content.
"""

from __future__ import annotations

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from fridsam.core.fields import PersonalTextField, PlausibleDateField
from fridsam.core.tenancy import ScopedManager
from fridsam.core.validators import validate_past_date


class Kind(models.TextChoices):
    FOLLOWUP_RECORD = "followup_record", _("Follow-up records with their interventions and assessments")
    CONSULTATION = "consultation", _("Consultations with their replies")
    REFERRAL = "referral", _("Referrals to partners")
    HOUSING_APPLICANT = "housing_applicant", _("Housing applicants with their allocations")
    SURVEY_RESPONSE = "survey_response", _("Survey answers")
    OBSERVATION = "observation", _("Observations")
    ACCESS_LOG = "access_log", _("Access log entries")
    STAFF_ACCOUNT = "staff_account", _("Staff accounts after they leave")


class Clock(models.TextChoices):
    CLOSED = "closed", pgettext_lazy("retention clock", "Closed")
    LAST_CHANGE = "last_change", pgettext_lazy("retention clock", "Last change")
    ALLOCATED = "allocated", pgettext_lazy("retention clock", "Allocated or withdrawn")
    MEMBERSHIP_ENDED = "membership_ended", pgettext_lazy("retention clock", "Membership ended")


class Action(models.TextChoices):
    CULL = "cull", _("Cull")
    ARCHIVE = "archive", _("Deliver to the archive, then cull")


class RetentionRule(models.Model):
    municipality = models.ForeignKey(
        "organisations.Municipality",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("municipality"),
    )
    kind = models.CharField(_("kind of information"), max_length=30, choices=Kind.choices)
    clock = models.CharField(_("the clock starts when"), max_length=20, choices=Clock.choices)
    months = models.PositiveSmallIntegerField(
        _("kept for (months)"), validators=[MinValueValidator(1), MaxValueValidator(1200)]
    )
    action = models.CharField(_("then"), max_length=10, choices=Action.choices)
    basis = PersonalTextField(_("basis"), blank=True, max_length=500)
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    changed_at = models.DateTimeField(default=timezone.now)

    objects = ScopedManager(municipality="municipality")

    class Meta:
        ordering = ["kind"]
        verbose_name = _("retention rule")
        verbose_name_plural = _("retention rules")
        constraints = [
            models.UniqueConstraint(fields=["municipality", "kind"], name="retention_rule_once"),
            models.UniqueConstraint(
                fields=["kind"], condition=Q(municipality__isnull=True), name="retention_default_once"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.kind}: {self.months} months after {self.clock}"


class HoldReason(models.TextChoices):
    COMPLAINT = "complaint", _("Complaint")
    DOCUMENT_REQUEST = "document_request", _("Request for documents")
    IVO = "ivo", _("IVO matter")
    LEX_SARAH = "lex_sarah", _("Lex Sarah matter")


class Hold(models.Model):
    """Items that are never culled while the hold stands: one item of a kind (``object_id``), or
    every item of the kind in the municipality (no ``object_id``)."""

    municipality = models.ForeignKey("organisations.Municipality", on_delete=models.PROTECT, related_name="+")
    kind = models.CharField(_("kind of information"), max_length=30, choices=Kind.choices)
    object_id = models.PositiveBigIntegerField(
        _("number"), null=True, blank=True, help_text=_("Leave empty to hold every item of the kind.")
    )
    reason = models.CharField(_("reason"), max_length=20, choices=HoldReason.choices)
    note = PersonalTextField(_("note"), max_length=500, blank=True)
    placed_on = PlausibleDateField(_("placed"), bounds=validate_past_date)
    placed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    lifted_on = PlausibleDateField(_("lifted"), null=True, blank=True, bounds=validate_past_date)
    lifted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    objects = ScopedManager(municipality="municipality")

    class Meta:
        ordering = ["-placed_on", "-pk"]
        verbose_name = _("hold")
        verbose_name_plural = _("holds")
        indexes = [models.Index(fields=["municipality", "kind"], name="retention_hold_kind")]

    def __str__(self) -> str:
        return f"{self.kind}#{self.object_id or '*'} ({self.reason})"

    @property
    def active(self) -> bool:
        return self.lifted_on is None


class RunStatus(models.TextChoices):
    PREVIEWED = "previewed", _("Awaiting sign-off")
    SIGNED = "signed", _("Signed off")
    CULLED = "culled", _("Culled")


class CullingRun(models.Model):
    municipality = models.ForeignKey(
        "organisations.Municipality", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    month = models.DateField(_("month"))  # the first day of the month the run is for
    status = models.CharField(_("status"), max_length=10, choices=RunStatus.choices, default=RunStatus.PREVIEWED)
    computed_at = models.DateTimeField(_("computed"), default=timezone.now)
    signed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    signed_by_name = models.CharField(_("signed by"), max_length=300, blank=True)
    signed_at = models.DateTimeField(_("signed off"), null=True, blank=True)
    culled_at = models.DateTimeField(_("culled"), null=True, blank=True)
    package = models.CharField(_("archive package"), max_length=300, blank=True)
    package_sha256 = models.CharField(_("checksum of the manifest"), max_length=64, blank=True)

    objects = ScopedManager(municipality="municipality")

    class Meta:
        ordering = ["-month", "-pk"]
        verbose_name = _("culling run")
        verbose_name_plural = _("culling runs")
        constraints = [
            models.UniqueConstraint(fields=["municipality", "month"], name="retention_run_once_a_month"),
            models.UniqueConstraint(
                fields=["month"], condition=Q(municipality__isnull=True), name="retention_installation_run_once"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.municipality or 'installation'} {self.month:%Y-%m}"


class RunLine(models.Model):
    """One kind (and unit) of a run: the rule applied, its cut-off, how many were due, held and
    culled."""

    run = models.ForeignKey(CullingRun, on_delete=models.PROTECT, related_name="lines")
    kind = models.CharField(_("kind of information"), max_length=30, choices=Kind.choices)
    unit = models.ForeignKey(
        "organisations.Unit", on_delete=models.SET_NULL, null=True, blank=True, related_name="+", verbose_name=_("unit")
    )
    unit_name = models.CharField(_("unit"), max_length=200, blank=True)
    clock = models.CharField(_("the clock starts when"), max_length=20, choices=Clock.choices)
    months = models.PositiveSmallIntegerField(_("kept for (months)"))
    action = models.CharField(_("then"), max_length=10, choices=Action.choices)
    cutoff = models.DateField(_("cut-off"))
    due = models.PositiveIntegerField(_("due"), default=0)
    held = models.PositiveIntegerField(_("held"), default=0)
    culled = models.PositiveIntegerField(_("culled"), default=0)

    objects = ScopedManager(municipality="run__municipality")

    class Meta:
        ordering = ["run", "kind", "unit_name"]
        verbose_name = _("culling run line")
        verbose_name_plural = _("culling run lines")

    def __str__(self) -> str:
        return f"{self.run}: {self.kind} {self.unit_name} {self.due}"


class Departure(models.Model):
    """A hand-over when someone left a municipality (``retention.leaving.staff_leave``): who took
    their work over. When the leaver's account is removed after its retention period (ADR 0040), the
    follow-up records still theirs — closed when they left — go to this successor."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    municipality = models.ForeignKey("organisations.Municipality", on_delete=models.PROTECT, related_name="+")
    successor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    left_on = PlausibleDateField(_("left on"), bounds=validate_past_date)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField(default=timezone.now)

    objects = ScopedManager(municipality="municipality")

    class Meta:
        ordering = ["-left_on", "-pk"]
        verbose_name = _("departure")
        verbose_name_plural = _("departures")

    def __str__(self) -> str:
        return f"{self.user_id} → {self.successor_id} ({self.municipality_id}, {self.left_on})"
