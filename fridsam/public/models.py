"""The public page of each municipality: where to turn about violence.

A coordinator edits a draft (``PublicPageDraft``, municipality scope); a manager of the
municipality approves it, which writes a new ``PublishedPage`` version (a frozen copy of the
texts). The public view shows the latest published version to anyone, without a login: published
pages are public data and carry no tenant scope.
"""

from __future__ import annotations

from django.conf import settings
from django.core.validators import MaxLengthValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from fridsam.core.fields import PersonalCharField, PersonalTextField
from fridsam.core.tenancy import ScopedManager
from fridsam.core.validators import validate_phone_number


class DraftStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    IN_REVIEW = "in_review", _("Waiting for approval")
    PUBLISHED = "published", _("Published")


class PublicPageDraft(models.Model):
    municipality = models.OneToOneField(
        "organisations.Municipality", on_delete=models.CASCADE, related_name="public_page_draft"
    )
    intro = PersonalTextField(_("introduction"), blank=True, max_length=1000, validators=[MaxLengthValidator(1000)])
    phone = models.CharField(_("social services phone"), max_length=40, validators=[validate_phone_number])
    opening_hours = PersonalCharField(_("opening hours"), max_length=200)
    after_hours = PersonalCharField(_("after hours (social emergency service)"), max_length=200, blank=True)
    visiting_address = PersonalCharField(_("visiting address"), max_length=200, blank=True)
    email = models.EmailField(_("e-mail"), blank=True)
    show_contact = models.BooleanField(_("name the coordinator or the violence team on the page"), default=False)
    partners = models.ManyToManyField(
        "organisations.PartnerOrganisation", blank=True, related_name="+", verbose_name=_("local organisations")
    )
    extra = PersonalTextField(
        _("more about support in the municipality"),
        blank=True,
        max_length=2000,
        validators=[MaxLengthValidator(2000)],
    )
    status = models.CharField(_("status"), max_length=10, choices=DraftStatus.choices, default=DraftStatus.DRAFT)
    edited_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    edited_at = models.DateTimeField(auto_now=True)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    review_comment = PersonalCharField(_("comment from the manager"), max_length=500, blank=True)

    objects = ScopedManager(municipality="municipality")

    class Meta:
        verbose_name = _("public page draft")
        verbose_name_plural = _("public page drafts")

    def __str__(self) -> str:
        return str(self.municipality)


class PublishedPage(models.Model):
    """An approved version of a municipality's public page. Public data: no tenant scope."""

    municipality = models.ForeignKey("organisations.Municipality", on_delete=models.CASCADE, related_name="+")
    version = models.PositiveIntegerField()
    content = models.JSONField()
    show_contact = models.BooleanField(default=False)
    partner_ids = models.JSONField(default=list)
    edited_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    approved_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    published_at = models.DateTimeField()

    class Meta:
        verbose_name = _("published page")
        verbose_name_plural = _("published pages")
        ordering = ["municipality", "-version"]
        constraints = [models.UniqueConstraint(fields=["municipality", "version"], name="public_page_unique_version")]

    def __str__(self) -> str:
        return f"{self.municipality} v{self.version}"
