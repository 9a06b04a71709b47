"""Log review (logguppföljning): a municipality's plan for reviewing its access log, each review
of a period with the reads it drew (a sample per unit and every read that is flagged), the
reviewer's verdict on each and the signature (ADR 0039).

The plan is the municipality's organisation-level data (its staff read the routine). A review and
its items point at access-log entries: they are case-level data, seen only by the municipality's
managers, never by the county.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from fridsam.core.fields import PersonalTextField
from fridsam.core.models import AccessAction, AccessLogEntry
from fridsam.core.tenancy import ScopedManager


class Frequency(models.IntegerChoices):
    MONTHLY = 1, _("Every month")
    QUARTERLY = 3, _("Every quarter")
    HALF_YEARLY = 6, _("Every half year")
    YEARLY = 12, _("Every year")


class Flag(models.TextChoices):
    """Why a read needs a look (ADR 0039 says when each is raised)."""

    SAMPLED = "sampled", _("In the random sample")
    OUTSIDE_UNIT = "outside_unit", _("A record outside the reader's unit")
    NO_PURPOSE = "no_purpose", _("Someone else's record read without a purpose")
    OTHER_PURPOSE = "other_purpose", _("The purpose “other”")
    BURST = "burst", _("Many reads in a short time")
    PROTECTED = "protected", _("A record with protected personal data")
    ROLE_ENDED = "role_ended", _("The reader held no role in the municipality that day")
    REFUSED = "refused", _("A refused attempt")


class Verdict(models.TextChoices):
    UNDECIDED = "", _("Not yet reviewed")
    JUSTIFIED = "justified", _("Justified")
    FOLLOW_UP = "follow_up", _("To be followed up")


class ReviewPlan(models.Model):
    """How a municipality reviews its access log: how often, how large a sample, and the written
    routine its staff are shown. Reviewed by the municipality's managers, each for their unit."""

    municipality = models.OneToOneField(
        "organisations.Municipality",
        on_delete=models.PROTECT,
        related_name="log_review_plan",
        verbose_name=_("municipality"),
    )
    frequency_months = models.PositiveSmallIntegerField(
        _("how often"), choices=Frequency.choices, default=Frequency.MONTHLY
    )
    sample_size = models.PositiveSmallIntegerField(
        _("reads sampled per unit"),
        default=5,
        help_text=_("How many case-level reads are drawn at random for each unit and period."),
    )
    routine = PersonalTextField(
        _("the routine shown to staff"),
        max_length=4000,
        help_text=_("What staff are told: that their reads are logged, how and how often they are reviewed."),
    )
    created_at = models.DateTimeField(_("adopted"), auto_now_add=True)
    updated_at = models.DateTimeField(_("changed"), auto_now=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("changed by")
    )

    objects = ScopedManager(municipality="municipality")

    class Meta:
        verbose_name = _("log review plan")
        verbose_name_plural = _("log review plans")

    def __str__(self) -> str:
        return f"{self.municipality}: {self.get_frequency_months_display()}"


class Review(models.Model):
    """One period's review of a municipality's access log."""

    municipality = models.ForeignKey(
        "organisations.Municipality", on_delete=models.PROTECT, related_name="+", verbose_name=_("municipality")
    )
    period_start = models.DateField(_("first day"))
    period_end = models.DateField(_("last day"))
    drawn_at = models.DateTimeField(_("drawn"))
    drawn_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("drawn by")
    )
    reads = models.PositiveIntegerField(_("case-level reads in the period"), default=0)
    readers = models.PositiveIntegerField(_("readers"), default=0)
    refused = models.PositiveIntegerField(_("refused attempts"), default=0)
    signed_at = models.DateTimeField(_("signed"), null=True, blank=True)
    signed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("signed by"),
    )
    conclusion = PersonalTextField(_("conclusion"), max_length=2000, blank=True)

    objects = ScopedManager(case_municipality="municipality")

    class Meta:
        ordering = ["-period_start"]
        verbose_name = _("log review")
        verbose_name_plural = _("log reviews")
        constraints = [
            models.UniqueConstraint(fields=["municipality", "period_start"], name="logreview_one_per_period"),
            models.CheckConstraint(
                name="logreview_period_ordered", condition=models.Q(period_end__gte=models.F("period_start"))
            ),
        ]

    def __str__(self) -> str:
        return f"{self.municipality} {self.period_start}–{self.period_end}"

    @property
    def is_signed(self) -> bool:
        return self.signed_at is not None


class ReviewItem(models.Model):
    """A read the review drew: in the sample or flagged, with the reviewer's verdict. What the
    entry said is copied, so the review stays readable after the log's oldest rows are culled."""

    review = models.ForeignKey(Review, on_delete=models.CASCADE, related_name="items", verbose_name=_("review"))
    municipality = models.ForeignKey(
        "organisations.Municipality", on_delete=models.PROTECT, related_name="+", verbose_name=_("municipality")
    )
    entry = models.ForeignKey(
        "core.AccessLogEntry",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        # No database constraint: culling the log sets these to null in one statement per batch
        # (core.log_culling), Django's delete does elsewhere, and each deleted log row does not
        # look this table up (ADR 0041).
        db_constraint=False,
        verbose_name=_("access log entry"),
    )
    sequence = models.PositiveBigIntegerField(_("sequence number"))
    occurred_at = models.DateTimeField(_("time"))
    reader = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("reader"),
    )
    username = models.CharField(_("username"), max_length=150, blank=True)
    unit = models.ForeignKey(
        "organisations.Unit",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("reader's unit"),
    )
    action = models.CharField(pgettext_lazy("access log", "action"), max_length=20)
    object_type = models.CharField(_("object type"), max_length=100)
    object_id = models.CharField(_("object id"), max_length=64, blank=True)
    purpose = models.CharField(_("purpose"), max_length=300, blank=True)
    flags = models.JSONField(_("why it was drawn"), default=list)
    burst_size = models.PositiveIntegerField(_("reads in the burst"), null=True, blank=True)
    verdict = models.CharField(_("verdict"), max_length=20, choices=Verdict.choices, blank=True, default="")
    note = PersonalTextField(_("note"), max_length=1000, blank=True)
    decided_at = models.DateTimeField(_("reviewed"), null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("reviewed by"),
    )

    objects = ScopedManager(case_municipality="municipality")

    class Meta:
        ordering = ["unit__name", "occurred_at", "sequence"]
        verbose_name = _("reviewed read")
        verbose_name_plural = _("reviewed reads")
        constraints = [models.UniqueConstraint(fields=["review", "sequence"], name="logreview_item_once")]

    def __str__(self) -> str:
        return f"#{self.sequence} {self.username} {self.object_type}:{self.object_id}"

    @property
    def flag_labels(self) -> list[str]:
        return [str(Flag(f).label) for f in self.flags if f in Flag.values]

    @property
    def object_type_label(self) -> str:
        return AccessLogEntry(object_type=self.object_type).object_type_label

    @property
    def action_label(self) -> str:
        return str(AccessAction(self.action).label) if self.action in AccessAction.values else self.action
