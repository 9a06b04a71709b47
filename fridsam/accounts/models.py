"""Staff accounts and their memberships (a role in an organisation)."""

import secrets

from django.contrib.auth.models import AbstractUser
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from fridsam.core.fields import PersonalCharField, PlausibleDateField
from fridsam.core.roles import Role
from fridsam.core.tenancy import ScopedManager, SystemManager
from fridsam.core.validators import validate_phone_number, validate_planned_date


class User(AbstractUser):
    """A staff member or partner contact. Clients are never users and never stored."""

    phone = models.CharField(_("phone"), max_length=40, blank=True, validators=[validate_phone_number])
    # Drawn anew at every change to what this person may see (their memberships, the municipalities
    # of a county they analyse): the cached tenancy is keyed on it (fridsam.accounts.selectors).
    # Random, not counted, so that a database rolled back or restored never meets a cached entry
    # of a later state under the value it had then.
    tenancy_generation = models.BigIntegerField(default=0, editable=False)

    class Meta:
        ordering = ["last_name", "first_name", "username"]
        verbose_name = _("user")
        verbose_name_plural = _("users")

    def __str__(self) -> str:
        return self.get_full_name() or self.username


def bump_tenancy_generation(user_ids) -> int:
    """What these people may see has changed: their next request builds their tenancy anew."""
    generation = secrets.randbits(62)
    User.objects.filter(pk__in=list(user_ids)).update(tenancy_generation=generation)
    return generation


class MembershipQuerySet(models.QuerySet):
    def update(self, **kwargs):
        """Memberships changed in bulk: their people's tenancy generations move too (ADR 0044)."""
        user_ids = set(self.values_list("user_id", flat=True))
        changed = super().update(**kwargs)
        bump_tenancy_generation(user_ids)
        return changed

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

    # Before ``objects``: the escape keeps the queryset's update() that moves the generations.
    system_objects = SystemManager.from_queryset(MembershipQuerySet)()
    objects = ScopedMembershipManager(county="county", partner="partner_organisation")

    class Meta:
        default_manager_name = "objects"
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


# The Swedish assurance levels (Tillitsnivåer, DIGG/Elegnämnden), weakest first; an asserted level
# satisfies a required one when it stands at least as high here. OIDC sends it as `acr`, SAML as the
# AuthnContextClassRef.
LOA_PREFIX = "http://id.elegnamnden.se/loa/1.0/"
ASSURANCE_LEVELS = (
    f"{LOA_PREFIX}loa1",
    f"{LOA_PREFIX}loa2",
    f"{LOA_PREFIX}loa3",
    f"{LOA_PREFIX}loa4",
)
LOA3 = ASSURANCE_LEVELS[2]


class IdentityProvider(models.Model):
    """An organisation's own identity provider (ADR 0035): its people log in through it instead of a
    Fridsam password. It proves who a person is; roles and organisations are granted in Fridsam."""

    class Protocol(models.TextChoices):
        OIDC = "oidc", "OpenID Connect"
        SAML = "saml", "SAML 2.0"

    slug = models.SlugField(
        _("short name"), max_length=40, unique=True, help_text=_("Part of the addresses of the login, e.g. astad.")
    )
    name = PersonalCharField(_("name"), max_length=120, help_text=_("Shown on the login button."))
    protocol = models.CharField(_("protocol"), max_length=4, choices=Protocol.choices)
    is_active = models.BooleanField(_("active"), default=True)
    municipality = models.OneToOneField(
        "organisations.Municipality",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="identity_provider",
        verbose_name=_("municipality"),
    )
    county = models.OneToOneField(
        "organisations.County",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="identity_provider",
        verbose_name=_("county board"),
    )
    partner_organisation = models.OneToOneField(
        "organisations.PartnerOrganisation",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="identity_provider",
        verbose_name=_("partner organisation"),
    )
    # OpenID Connect
    issuer = models.URLField(_("issuer"), blank=True, help_text=_("OpenID Connect: the issuer's address."))
    client_id = models.CharField(_("client id"), max_length=255, blank=True)
    client_secret_encrypted = models.TextField(_("client secret"), blank=True, editable=False)
    # SAML 2.0
    metadata_url = models.URLField(_("metadata address"), blank=True)
    metadata_xml = models.TextField(_("metadata"), blank=True, help_text=_("SAML: the IdP's or federation's metadata."))
    metadata_certificate = models.TextField(
        _("metadata signing certificate"),
        blank=True,
        help_text=_("SAML: the certificate (PEM) that signs the metadata; unsigned metadata is refused."),
    )
    idp_entity_id = models.CharField(_("IdP entity id"), max_length=255, blank=True)
    idp_settings = models.JSONField(_("verified IdP settings"), default=dict, blank=True, editable=False)
    metadata_checked_at = models.DateTimeField(_("metadata checked"), null=True, blank=True, editable=False)
    sp_certificate = models.TextField(
        _("our certificate"), blank=True, help_text=_("SAML: Fridsam's certificate (PEM).")
    )
    sp_private_key_encrypted = models.TextField(_("our private key"), blank=True, editable=False)
    # Both
    attribute_mapping = models.JSONField(
        _("attribute mapping"),
        default=dict,
        blank=True,
        help_text=_('Our field → the IdP\'s attribute or claim: {"uid": "sub", "email": "email"}.'),
    )
    group_claim = models.CharField(
        _("group claim"),
        max_length=255,
        blank=True,
        help_text=_("The claim or attribute holding the person's groups; empty: no roles from groups."),
    )
    group_roles = models.JSONField(
        _("roles from groups"),
        default=dict,
        blank=True,
        help_text=_('A group → the role it gives here: {"fridsam-socialsekreterare": "social_worker"}.'),
    )
    required_assurance = models.CharField(
        _("required assurance level"),
        max_length=120,
        blank=True,
        default=LOA3,
        choices=[(level, level.rsplit("/", 1)[-1].upper()) for level in ASSURANCE_LEVELS],
    )
    forbid_local_password = models.BooleanField(
        _("forbid Fridsam passwords"),
        default=False,
        help_text=_("The organisation's people can log in only through its identity provider."),
    )
    access_contact = PersonalCharField(
        _("whom to ask for access"),
        max_length=255,
        blank=True,
        help_text=_("Shown to a person logged in without any role yet, e.g. the IT service desk."),
    )

    objects = ScopedManager(municipality="municipality", county="county", partner="partner_organisation")

    class Meta:
        ordering = ["name"]
        verbose_name = _("identity provider")
        verbose_name_plural = _("identity providers")
        constraints = [
            models.CheckConstraint(
                name="identity_provider_one_organisation",
                condition=(
                    Q(municipality__isnull=False, county__isnull=True, partner_organisation__isnull=True)
                    | Q(municipality__isnull=True, county__isnull=False, partner_organisation__isnull=True)
                    | Q(municipality__isnull=True, county__isnull=True, partner_organisation__isnull=False)
                ),
            ),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def organisation(self):
        return self.municipality or self.county or self.partner_organisation
