"""The analyst's own words in a report: a foreword and conclusions per county (or municipality)
and year. Everything else in a report is generated from data."""

from django.conf import settings
from django.core.validators import MaxLengthValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from fridsam.core.fields import PersonalTextField
from fridsam.core.tenancy import ScopedManager

TEXT_MAX_LENGTH = 6000


class ReportText(models.Model):
    county = models.ForeignKey(
        "organisations.County", on_delete=models.CASCADE, null=True, blank=True, related_name="report_texts"
    )
    municipality = models.ForeignKey(
        "organisations.Municipality", on_delete=models.CASCADE, null=True, blank=True, related_name="report_texts"
    )
    year = models.PositiveSmallIntegerField(_("year"))
    foreword = PersonalTextField(_("foreword"), blank=True, validators=[MaxLengthValidator(TEXT_MAX_LENGTH)])
    conclusions = PersonalTextField(_("conclusions"), blank=True, validators=[MaxLengthValidator(TEXT_MAX_LENGTH)])
    updated_at = models.DateTimeField(_("updated"), default=timezone.now)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    objects = ScopedManager(county="county", municipality="municipality")

    class Meta:
        verbose_name = _("report text")
        verbose_name_plural = _("report texts")
        constraints = [
            models.CheckConstraint(
                condition=(models.Q(county__isnull=False) & models.Q(municipality__isnull=True))
                | (models.Q(county__isnull=True) & models.Q(municipality__isnull=False)),
                name="report_text_county_or_municipality",
            ),
            models.UniqueConstraint(
                fields=["county", "year"], condition=models.Q(county__isnull=False), name="report_text_county_year"
            ),
            models.UniqueConstraint(
                fields=["municipality", "year"],
                condition=models.Q(municipality__isnull=False),
                name="report_text_municipality_year",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.county or self.municipality} {self.year}"
