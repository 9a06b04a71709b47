"""Collaboration groups with a purpose and goals, their meetings (attendance, minutes, decisions,
action items) and the yearly follow-up of the goals.

The evaluation: a local group without a clear purpose produces nothing ("möts vi bara för
mötandets skull?"), so a group cannot exist without a purpose and at least one goal, and its goals
are followed up once a year. Groups are shared within a county (``county`` scope); the policy lets
members, the municipality's staff (for internal teams and local groups) or the county's
coordinators and analysts (for regional groups) see them.
"""

from __future__ import annotations

from django.conf import settings
from django.core.validators import MaxLengthValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from fridsam.core.dates import add_months
from fridsam.core.fields import PersonalCharField, PersonalTextField, PlausibleDateField
from fridsam.core.goals import GoalResult
from fridsam.core.tenancy import ScopedManager
from fridsam.core.validators import validate_past_date, validate_planned_date


class GroupKind(models.TextChoices):
    INTERNAL = "internal", _("Internal team")
    LOCAL = "local", _("Local collaboration group")
    REGIONAL = "regional", _("Regional group")


class CollaborationGroup(models.Model):
    county = models.ForeignKey("organisations.County", on_delete=models.PROTECT, related_name="+")
    municipality = models.ForeignKey(
        "organisations.Municipality",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("municipality"),
    )
    kind = models.CharField(_("kind"), max_length=10, choices=GroupKind.choices)
    name = PersonalCharField(_("name"), max_length=150)
    purpose = PersonalTextField(_("purpose"), max_length=1500, validators=[MaxLengthValidator(1500)])
    chair = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("chair")
    )
    active = models.BooleanField(_("active"), default=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    objects = ScopedManager(county="county")

    class Meta:
        ordering = ["kind", "name"]
        verbose_name = _("collaboration group")
        verbose_name_plural = _("collaboration groups")
        constraints = [
            models.CheckConstraint(
                name="collaboration_regional_has_no_municipality",
                condition=Q(kind="regional", municipality__isnull=True)
                | (~Q(kind="regional") & Q(municipality__isnull=False)),
            )
        ]

    def __str__(self) -> str:
        return self.name


class Goal(models.Model):
    group = models.ForeignKey(CollaborationGroup, on_delete=models.CASCADE, related_name="goals")
    text = PersonalCharField(_("goal"), max_length=300)
    order = models.PositiveSmallIntegerField(default=0)

    objects = ScopedManager(county="group__county")

    class Meta:
        verbose_name = _("goal")
        verbose_name_plural = _("goals")
        ordering = ["order", "id"]

    def __str__(self) -> str:
        return self.text


class GoalReview(models.Model):
    """The yearly follow-up of a goal."""

    goal = models.ForeignKey(Goal, on_delete=models.CASCADE, related_name="reviews")
    year = models.PositiveSmallIntegerField(_("year"))
    result = models.CharField(_("result"), max_length=12, choices=GoalResult.choices)
    comment = PersonalCharField(_("comment"), max_length=500, blank=True)
    reviewed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    reviewed_at = models.DateTimeField(auto_now=True)

    objects = ScopedManager(county="goal__group__county")

    class Meta:
        verbose_name = _("goal follow-up")
        verbose_name_plural = _("goal follow-ups")
        ordering = ["-year"]
        constraints = [models.UniqueConstraint(fields=["goal", "year"], name="collaboration_one_review_a_year")]

    def __str__(self) -> str:
        return f"{self.goal} {self.year}"


class Member(models.Model):
    """A member of a group with the organisation they represent (a municipality or a partner)."""

    group = models.ForeignKey(CollaborationGroup, on_delete=models.CASCADE, related_name="members")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="collaboration_memberships"
    )
    municipality = models.ForeignKey(
        "organisations.Municipality", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    partner_organisation = models.ForeignKey(
        "organisations.PartnerOrganisation", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    county = models.ForeignKey(  # the county board (a county analyst in a regional group)
        "organisations.County", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    active = models.BooleanField(default=True)

    objects = ScopedManager(county="group__county")

    class Meta:
        verbose_name = _("member")
        verbose_name_plural = _("members")
        ordering = ["user__last_name", "user__first_name"]
        constraints = [
            models.UniqueConstraint(fields=["group", "user"], name="collaboration_member_once"),
            models.CheckConstraint(
                name="collaboration_member_one_organisation",
                condition=Q(municipality__isnull=False, partner_organisation__isnull=True, county__isnull=True)
                | Q(municipality__isnull=True, partner_organisation__isnull=False, county__isnull=True)
                | Q(municipality__isnull=True, partner_organisation__isnull=True, county__isnull=False),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user} ({self.organisation})"

    @property
    def organisation(self):
        return self.municipality or self.partner_organisation or self.county


class Meeting(models.Model):
    group = models.ForeignKey(CollaborationGroup, on_delete=models.CASCADE, related_name="meetings")
    held_on = PlausibleDateField(_("date"), bounds=validate_past_date)
    agenda = PersonalTextField(_("agenda"), max_length=3000, validators=[MaxLengthValidator(3000)])
    minutes = PersonalTextField(_("minutes"), blank=True, max_length=10000, validators=[MaxLengthValidator(10000)])
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    objects = ScopedManager(county="group__county")

    class Meta:
        ordering = ["-held_on", "-id"]
        verbose_name = _("meeting")
        verbose_name_plural = _("meetings")

    def __str__(self) -> str:
        return f"{self.group} {self.held_on:%Y-%m-%d}"


class Attendance(models.Model):
    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="attendance")
    member = models.ForeignKey(Member, on_delete=models.CASCADE, related_name="attendance")
    present = models.BooleanField()

    objects = ScopedManager(county="meeting__group__county")

    class Meta:
        verbose_name = _("attendance")
        verbose_name_plural = _("attendances")
        constraints = [models.UniqueConstraint(fields=["meeting", "member"], name="collaboration_attendance_once")]

    def __str__(self) -> str:
        return f"{self.member}: {self.present}"


class Decision(models.Model):
    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="decisions")
    text = PersonalCharField(_("decision"), max_length=500)

    objects = ScopedManager(county="meeting__group__county")

    class Meta:
        verbose_name = _("decision")
        verbose_name_plural = _("decisions")
        ordering = ["id"]

    def __str__(self) -> str:
        return self.text


class ActionItem(models.Model):
    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="actions")
    text = PersonalCharField(pgettext_lazy("collaboration", "action"), max_length=300)
    owner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="collaboration_actions")
    due_on = PlausibleDateField(_("due"), bounds=validate_planned_date)
    done_on = PlausibleDateField(_("done"), null=True, blank=True, bounds=validate_past_date)

    objects = ScopedManager(county="meeting__group__county")

    class Meta:
        verbose_name = pgettext_lazy("collaboration", "action")
        verbose_name_plural = pgettext_lazy("collaboration", "actions")
        ordering = ["due_on", "id"]

    def __str__(self) -> str:
        return self.text


# --- Written agreements, referrals and prevention ----------------------------------------------


class AgreementParty(models.TextChoices):
    """The six partners of Socialstyrelsen's open comparisons, and others."""

    WOMENS_SHELTER = "womens_shelter", _("Women's shelter")
    POLICE = "police", _("Police")
    PRIMARY_CARE = "primary_care", _("Primary care")
    PSYCHIATRY = "psychiatry", _("Psychiatry")
    EMERGENCY = "emergency", _("Emergency department")
    YOUTH_CLINIC = "youth_clinic", _("Youth clinic")
    PERPETRATOR_PROGRAMME = "perpetrator_programme", _("Programme for persons using violence")
    OTHER = "other", _("Other")


OPEN_COMPARISON_PARTIES = (
    AgreementParty.WOMENS_SHELTER,
    AgreementParty.POLICE,
    AgreementParty.PRIMARY_CARE,
    AgreementParty.PSYCHIATRY,
    AgreementParty.EMERGENCY,
    AgreementParty.YOUTH_CLINIC,
)
FOLLOW_UP_MONTHS = 24


class Agreement(models.Model):
    """A written collaboration agreement of a municipality with a partner, decided at management
    level. Current while valid and followed up within the last 24 months."""

    municipality = models.ForeignKey("organisations.Municipality", on_delete=models.PROTECT, related_name="+")
    party = models.CharField(_("party"), max_length=25, choices=AgreementParty.choices)
    partner_organisation = models.ForeignKey(
        "organisations.PartnerOrganisation",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("partner organisation"),
    )
    title = PersonalCharField(_("title"), max_length=200)
    approved_by = PersonalCharField(
        _("approved by (management level)"),
        max_length=150,
        help_text=_("E.g. the social welfare board."),
    )
    approved_on = PlausibleDateField(_("approved on"), bounds=validate_past_date)
    valid_until = PlausibleDateField(_("valid until"), null=True, blank=True, bounds=validate_planned_date)
    last_followed_up = PlausibleDateField(_("last followed up"), null=True, blank=True, bounds=validate_past_date)
    paid = models.BooleanField(_("the municipality pays for the partner's service"), default=False)
    note = PersonalCharField(_("note"), max_length=500, blank=True)
    registered_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")

    objects = ScopedManager(municipality="municipality")

    class Meta:
        ordering = ["party", "-approved_on"]
        verbose_name = _("collaboration agreement")
        verbose_name_plural = _("collaboration agreements")
        constraints = [
            models.CheckConstraint(
                name="collaboration_agreement_valid_after_approval",
                condition=Q(valid_until__isnull=True) | Q(valid_until__gte=models.F("approved_on")),
            )
        ]

    def __str__(self) -> str:
        return self.title

    def follow_up_due(self):
        return add_months(self.last_followed_up or self.approved_on, FOLLOW_UP_MONTHS)

    def in_force(self, day) -> bool:
        return self.approved_on <= day and (self.valid_until is None or self.valid_until >= day)

    def is_current(self, day) -> bool:
        return self.in_force(day) and self.follow_up_due() >= day


class ReferralCategory(models.TextChoices):
    PERPETRATOR_PROGRAMME = "perpetrator_programme", _("Programme for persons using violence")
    WOMENS_SHELTER = "womens_shelter", _("Women's shelter")
    BARNAHUS = "barnahus", _("Barnahus")
    VICTIM_SUPPORT = "victim_support", _("Victim support")
    OTHER = "other", _("Other")


class Referral(models.Model):
    """A counted, pseudonymous referral to a partner: no client identity, at most a link to the
    municipality's own follow-up record. The partner sees the referrals addressed to it."""

    municipality = models.ForeignKey("organisations.Municipality", on_delete=models.PROTECT, related_name="+")
    unit = models.ForeignKey("organisations.Unit", on_delete=models.PROTECT, related_name="+", verbose_name=_("unit"))
    partner_organisation = models.ForeignKey(
        "organisations.PartnerOrganisation", on_delete=models.PROTECT, related_name="referrals", verbose_name=_("to")
    )
    category = models.CharField(_("category"), max_length=25, choices=ReferralCategory.choices)
    referred_on = PlausibleDateField(_("referred on"), bounds=validate_past_date)
    record = models.ForeignKey(
        "followup.FollowUpRecord", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    referred_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    received_on = PlausibleDateField(_("received"), null=True, blank=True, bounds=validate_past_date)
    received_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    objects = ScopedManager(municipality="municipality", partner="partner_organisation")

    class Meta:
        ordering = ["-referred_on", "-id"]
        verbose_name = _("referral")
        verbose_name_plural = _("referrals")

    def __str__(self) -> str:
        return f"R-{self.pk:05d}"


class PreventionStatus(models.TextChoices):
    PLANNED = "planned", _("Planned")
    ACTIVE = "active", _("Active")
    ENDED = "ended", _("Ended")


class PreventionAgreement(models.Model):
    """Prevention work with another organisation: Huskurage with a housing company, a school
    programme… which municipality, with whom, since when, status."""

    municipality = models.ForeignKey("organisations.Municipality", on_delete=models.PROTECT, related_name="+")
    programme = PersonalCharField(
        _("programme"), max_length=120, help_text=_("E.g. Huskurage, Mentors in Violence Prevention.")
    )
    organisation = PersonalCharField(_("with"), max_length=150, help_text=_("E.g. the housing company or the school."))
    since = PlausibleDateField(_("since"), bounds=validate_planned_date)
    status = models.CharField(
        _("status"), max_length=10, choices=PreventionStatus.choices, default=PreventionStatus.ACTIVE
    )
    note = PersonalCharField(_("note"), max_length=500, blank=True)
    registered_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")

    objects = ScopedManager(municipality="municipality")

    class Meta:
        ordering = ["status", "-since"]
        verbose_name = _("prevention agreement")
        verbose_name_plural = _("prevention agreements")

    def __str__(self) -> str:
        return f"{self.programme} – {self.organisation}"
