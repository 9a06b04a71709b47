"""Integration credentials: a journal system (or another machine client) acting for one
municipality and unit, or for a county, with named permissions and an expiry (ADR 0034).

A credential is an actor of its own, never a user: it has no password, no session and no
membership. Its secret is shown once when it is created and stored only as a SHA-256 hash; the
public ``key_id`` in front of the secret finds the row. Its scope (:mod:`fridsam.integrations.auth`)
is its municipality (organisation and case level) or its county's municipalities (organisation
level only, as a county analyst's), and within that its permissions decide what it may call.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from fridsam.core.fields import PersonalCharField, PlausibleDateField
from fridsam.core.tenancy import ScopedManager
from fridsam.core.validators import validate_planned_date


class Permission(models.TextChoices):
    PUSH_FOLLOWUP = "push_followup", _("Push follow-up records")
    READ_STATISTICS = "read_statistics", _("Read the statistics")


class IntegrationCredential(models.Model):
    name = PersonalCharField(_("name"), max_length=80, help_text=_("The system that uses it, e.g. “Treserva”."))
    # Exactly one of the two: a municipality's credential (with its unit) or a county's.
    municipality = models.ForeignKey(
        "organisations.Municipality", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    unit = models.ForeignKey(
        "organisations.Unit", on_delete=models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("unit")
    )
    county = models.ForeignKey(
        "organisations.County", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    permissions = models.JSONField(_("permissions"), default=list)
    key_id = models.CharField(max_length=16, unique=True, editable=False)
    secret_hash = models.CharField(max_length=64, editable=False)
    expires_on = PlausibleDateField(_("valid until"), bounds=validate_planned_date)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+", editable=False
    )
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    revoked_at = models.DateTimeField(_("revoked"), null=True, blank=True, editable=False)
    revoked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+", editable=False
    )
    last_used_at = models.DateTimeField(_("last used"), null=True, blank=True, editable=False)

    objects = ScopedManager(municipality="municipality", county="county")

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("integration credential")
        verbose_name_plural = _("integration credentials")
        constraints = [
            models.CheckConstraint(
                name="credential_municipality_or_county",
                condition=Q(municipality__isnull=False, county__isnull=True, unit__isnull=False)
                | Q(municipality__isnull=True, county__isnull=False, unit__isnull=True),
            )
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def log_name(self) -> str:
        """The name the access log records the credential's calls under."""
        return f"{self.name} [integration {self.key_id}]"

    @property
    def log_organisation(self) -> str:
        if self.municipality_id:
            return f"{self.municipality.name}, {self.unit.name}"
        return self.county.name

    @property
    def is_county(self) -> bool:
        return self.county_id is not None

    @property
    def county_id_of(self) -> int:
        return self.county_id or self.municipality.county_id

    def is_active(self, today=None) -> bool:
        today = today or timezone.localdate()
        return self.revoked_at is None and self.expires_on >= today

    def permission_labels(self) -> list[str]:
        labels = dict(Permission.choices)
        return [str(labels[p]) for p in self.permissions if p in labels]
