"""The coordinator function and the violence team: how a municipality organises its work.

A ``CoordinatorPost`` is one person's post as kvinnofridssamordnare for a period; it serves one
or more municipalities (``PostAssignment``, with the share of a full-time post in each). Posts are
never deleted: they end, so that before/after comparisons keep their dates. A municipality
without a coordinator is modelled by its ``Team`` alone.
"""

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from fridsam.core.fields import PersonalCharField, PersonalTextField, PlausibleDateField
from fridsam.core.tenancy import ScopedManager
from fridsam.core.validators import validate_past_date, validate_planned_date

PERCENT = [MinValueValidator(1), MaxValueValidator(100)]


class PlacementLevel(models.TextChoices):
    UNIT = "unit", _("A unit")
    IFO = "ifo", _("Individual and family care (IFO)")
    SOCIAL_SERVICES = "social_services", _("The social services")
    MUNICIPALITY_WIDE = "municipality_wide", _("Municipality-wide")


class CombinedDuties(models.TextChoices):
    NONE = "none", _("None: a coordinator only")
    CASE_HANDLING = "case_handling", _("Case handling")
    OTHER_STRATEGIC = "other_strategic", _("Other strategic work")


class CoordinatorPost(models.Model):
    coordinator = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="coordinator_posts",
        verbose_name=_("coordinator"),
    )
    start_date = PlausibleDateField(_("start date"), bounds=validate_planned_date)
    end_date = PlausibleDateField(_("end date"), null=True, blank=True, bounds=validate_planned_date)
    placement_level = models.CharField(_("placement"), max_length=20, choices=PlacementLevel.choices)
    placement_unit = models.ForeignKey(
        "organisations.Unit",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("placed at unit"),
    )
    combined_duties = models.CharField(
        _("combined with"), max_length=20, choices=CombinedDuties.choices, default=CombinedDuties.NONE
    )
    combined_duties_percent = models.PositiveSmallIntegerField(
        _("share of the post in the combined duties (%)"), null=True, blank=True, validators=PERCENT
    )
    consultation_support = models.BooleanField(
        _("gives social workers support in individual cases (sounding board)"), default=True
    )
    deputy = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="deputy_for_posts",
        verbose_name=_("deputy during absences"),
    )

    objects = ScopedManager(municipality="assignments__municipality")

    class Meta:
        ordering = ["-start_date"]
        verbose_name = _("coordinator post")
        verbose_name_plural = _("coordinator posts")
        constraints = [
            models.CheckConstraint(
                name="post_period_ordered", condition=Q(end_date__isnull=True) | Q(end_date__gte=models.F("start_date"))
            ),
            models.CheckConstraint(name="post_deputy_not_self", condition=~Q(deputy=models.F("coordinator"))),
        ]

    def __str__(self) -> str:
        return f"{self.coordinator} ({self.start_date:%Y-%m-%d}–)"

    def is_current(self, on=None) -> bool:
        day = on or timezone.localdate()
        return self.start_date <= day and (self.end_date is None or self.end_date >= day)


class PostAssignment(models.Model):
    """The share of a post that serves one municipality, and the coordinator's standing there."""

    post = models.ForeignKey(CoordinatorPost, on_delete=models.CASCADE, related_name="assignments")
    municipality = models.ForeignKey(
        "organisations.Municipality",
        on_delete=models.PROTECT,
        related_name="coordinator_assignments",
        verbose_name=_("municipality"),
    )
    share_percent = models.PositiveSmallIntegerField(_("share of a full-time post (%)"), validators=PERCENT)
    management_group_seat = models.BooleanField(_("seat in the management group"), default=False)

    objects = ScopedManager(municipality="municipality")

    class Meta:
        ordering = ["municipality__name"]
        verbose_name = _("municipality served")
        verbose_name_plural = _("municipalities served")
        constraints = [
            models.UniqueConstraint(fields=["post", "municipality"], name="assignment_unique_municipality"),
            models.CheckConstraint(
                name="assignment_share_in_range", condition=Q(share_percent__gte=1, share_percent__lte=100)
            ),
        ]

    def __str__(self) -> str:
        return f"{self.post.coordinator} – {self.municipality} {self.share_percent} %"


class RoleDescription(models.Model):
    """The written role description (uppdragsbeskrivning). Each version is kept; the newest counts."""

    post = models.ForeignKey(CoordinatorPost, on_delete=models.CASCADE, related_name="role_descriptions")
    purpose = PersonalTextField(_("purpose"), max_length=2000)
    goals = PersonalTextField(_("goals"), max_length=2000)
    tasks = PersonalTextField(_("tasks"), max_length=4000)
    colleague_use = PersonalTextField(_("what colleagues can use the coordinator for"), max_length=2000)
    written_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("written by"),
    )
    written_at = models.DateTimeField(_("written"), default=timezone.now)
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("approved by"),
    )
    approved_on = PlausibleDateField(_("approved on"), null=True, blank=True, bounds=validate_past_date)

    objects = ScopedManager(municipality="post__assignments__municipality")

    class Meta:
        ordering = ["post", "-written_at"]
        verbose_name = _("role description")
        verbose_name_plural = _("role descriptions")

    def __str__(self) -> str:
        return f"{self.post} {self.written_at:%Y-%m-%d}"

    @property
    def is_approved(self) -> bool:
        return self.approved_on is not None


class AbsenceKind(models.TextChoices):
    PARENTAL_LEAVE = "parental_leave", _("Parental leave")
    SICK_LEAVE = "sick_leave", _("Sick leave")
    LEAVE_OF_ABSENCE = "leave", _("Leave of absence")
    OTHER = "other", _("Other absence")


class Absence(models.Model):
    post = models.ForeignKey(CoordinatorPost, on_delete=models.CASCADE, related_name="absences")
    kind = models.CharField(_("kind"), max_length=20, choices=AbsenceKind.choices)
    start_date = PlausibleDateField(_("from"), bounds=validate_planned_date)
    end_date = PlausibleDateField(_("to"), bounds=validate_planned_date)

    objects = ScopedManager(municipality="post__assignments__municipality")

    class Meta:
        ordering = ["-start_date"]
        verbose_name = _("absence")
        verbose_name_plural = _("absences")
        constraints = [
            models.CheckConstraint(name="absence_period_ordered", condition=Q(end_date__gte=models.F("start_date")))
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.start_date}–{self.end_date}"


class MeetingRhythm(models.TextChoices):
    WEEKLY = "weekly", _("Every week")
    FORTNIGHTLY = "fortnightly", _("Every other week")
    MONTHLY = "monthly", _("Every month")
    QUARTERLY = "quarterly", _("Every quarter")
    AS_NEEDED = "as_needed", _("When needed")


class Team(models.Model):
    """The municipality's violence team (familjefridsteam / VINR-team)."""

    municipality = models.ForeignKey(
        "organisations.Municipality",
        on_delete=models.PROTECT,
        related_name="violence_teams",
        verbose_name=_("municipality"),
    )
    name = PersonalCharField(_("name"), max_length=120)
    leader = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="led_teams", verbose_name=_("leader")
    )
    meeting_rhythm = models.CharField(_("meets"), max_length=20, choices=MeetingRhythm.choices)
    purpose = PersonalTextField(_("purpose"), max_length=2000)
    start_date = PlausibleDateField(_("start date"), bounds=validate_planned_date)
    end_date = PlausibleDateField(_("end date"), null=True, blank=True, bounds=validate_planned_date)

    objects = ScopedManager(municipality="municipality")

    class Meta:
        ordering = ["municipality", "-start_date"]
        verbose_name = _("violence team")
        verbose_name_plural = _("violence teams")
        constraints = [
            models.CheckConstraint(
                name="team_period_ordered", condition=Q(end_date__isnull=True) | Q(end_date__gte=models.F("start_date"))
            ),
        ]

    def __str__(self) -> str:
        return self.name


class TeamMember(models.Model):
    team = models.ForeignKey(Team, on_delete=models.CASCADE, related_name="members")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    unit = models.ForeignKey(
        "organisations.Unit", on_delete=models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("unit")
    )

    objects = ScopedManager(municipality="team__municipality")

    class Meta:
        verbose_name = _("team member")
        verbose_name_plural = _("team members")
        ordering = ["unit__name", "user__last_name"]
        constraints = [models.UniqueConstraint(fields=["team", "user"], name="team_member_unique")]

    def __str__(self) -> str:
        return f"{self.user} ({self.unit})"
