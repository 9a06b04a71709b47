"""Staff accounts and their memberships (a role in an organisation)."""

from django.contrib.auth.models import AbstractUser
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from fridsam.core.fields import PersonalCharField, PlausibleDateField
from fridsam.core.roles import Role
from fridsam.core.tenancy import ScopedManager
from fridsam.core.validators import validate_phone_number, validate_planned_date


class User(AbstractUser):
    """A staff member or partner contact. Clients are never users and never stored."""

    phone = models.CharField(_("phone"), max_length=40, blank=True, validators=[validate_phone_number])

    class Meta:
        ordering = ["last_name", "first_name", "username"]
        verbose_name = _("user")
        verbose_name_plural = _("users")

    def __str__(self) -> str:
        return self.get_full_name() or self.username


class MembershipQuerySet(models.QuerySet):
    def active(self, on=None):
        day = on or timezone.localdate()
        return self.filter(Q(valid_from__lte=day), Q(valid_until__isnull=True) | Q(valid_until__gte=day))


class ScopedMembershipManager(ScopedManager.from_queryset(MembershipQuerySet)):
    pass


class Membership(models.Model):
    """A role held by a user in one organisation, for a period.

    A coordinator serving three municipalities holds three memberships (the share of the post in
    each is the coordinator function's business: fridsam.coordination). The county is stored on
    every row (derived by the service) so that the staff
    directory can be scoped to a county in one place.
    """

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="memberships", verbose_name=_("user"))
    role = models.CharField(_("role"), max_length=20, choices=Role.choices)
    county = models.ForeignKey(
        "organisations.County",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="memberships",
        verbose_name=_("county"),
    )
    municipality = models.ForeignKey(
        "organisations.Municipality",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="memberships",
        verbose_name=_("municipality"),
    )
    unit = models.ForeignKey(
        "organisations.Unit",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="memberships",
        verbose_name=_("unit"),
    )
    partner_organisation = models.ForeignKey(
        "organisations.PartnerOrganisation",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="memberships",
        verbose_name=_("partner organisation"),
    )
    title = PersonalCharField(_("title"), max_length=120, blank=True)
    valid_from = PlausibleDateField(_("valid from"), default=timezone.localdate, bounds=validate_planned_date)
    valid_until = PlausibleDateField(_("valid until"), null=True, blank=True, bounds=validate_planned_date)

    objects = ScopedMembershipManager(county="county", partner="partner_organisation")

    class Meta:
        ordering = ["user", "role"]
        verbose_name = _("membership")
        verbose_name_plural = _("memberships")
        constraints = [
            models.CheckConstraint(
                name="membership_role_matches_organisation",
                condition=(
                    Q(
                        role="administrator",
                        county__isnull=True,
                        municipality__isnull=True,
                        partner_organisation__isnull=True,
                        unit__isnull=True,
                    )
                    | Q(
                        role="county_analyst",
                        county__isnull=False,
                        municipality__isnull=True,
                        partner_organisation__isnull=True,
                        unit__isnull=True,
                    )
                    | Q(
                        role="partner",
                        county__isnull=False,
                        municipality__isnull=True,
                        partner_organisation__isnull=False,
                        unit__isnull=True,
                    )
                    | Q(
                        role__in=["coordinator", "manager", "social_worker"],
                        county__isnull=False,
                        municipality__isnull=False,
                        partner_organisation__isnull=True,
                    )
                    | Q(
                        role="archivist",
                        county__isnull=False,
                        municipality__isnull=False,
                        partner_organisation__isnull=True,
                        unit__isnull=True,
                    )
                ),
            ),
            models.CheckConstraint(
                name="membership_period_ordered",
                condition=Q(valid_until__isnull=True) | Q(valid_until__gte=models.F("valid_from")),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user} – {self.get_role_display()} – {self.organisation_label}"

    @property
    def organisation_label(self) -> str:
        if self.unit_id:
            return f"{self.municipality} / {self.unit}"
        for org in (self.municipality, self.partner_organisation, self.county):
            if org is not None:
                return str(org)
        return str(_("Installation"))


def memberships_unscoped() -> MembershipQuerySet:
    """Every membership, outside the tenant scope, with ``.active()``: for system code (the
    reminders job, services) that decides by itself whom it concerns."""
    return MembershipQuerySet(model=Membership)
