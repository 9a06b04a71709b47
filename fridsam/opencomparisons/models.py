"""Socialstyrelsen's yearly survey for Öppna jämförelser (open comparisons), answered once: the
municipality's confirmed answer per year and question, with what Fridsam proposed from its own
facts, the evidence it showed, and why the coordinator answered otherwise (ADR 0037)."""

from __future__ import annotations

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from fridsam.core.fields import PersonalCharField
from fridsam.core.tenancy import ScopedManager

REASON_MAX_LENGTH = 300


class Reply(models.TextChoices):
    YES = "yes", _("Yes")
    NO = "no", _("No")


class ConfirmedAnswer(models.Model):
    municipality = models.ForeignKey("organisations.Municipality", on_delete=models.CASCADE, related_name="+")
    year = models.PositiveSmallIntegerField(_("year"), validators=[MinValueValidator(2000), MaxValueValidator(2100)])
    question = models.CharField(_("question"), max_length=40)
    answer = models.CharField(_("answer"), max_length=5, choices=Reply.choices)
    proposed = models.CharField(_("proposed by Fridsam"), max_length=5, choices=Reply.choices, blank=True)
    evidence = models.JSONField(_("evidence"), default=list, blank=True)
    reason = PersonalCharField(_("why the answer differs"), max_length=REASON_MAX_LENGTH, blank=True)
    # A routine question is answered by a routine in force: the one the coordinator names.
    document = models.ForeignKey(
        "routines.Document",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("routine"),
    )
    confirmed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    confirmed_at = models.DateTimeField(_("confirmed"), default=timezone.now)

    objects = ScopedManager(municipality="municipality")

    class Meta:
        ordering = ["municipality", "-year", "question"]
        verbose_name = _("confirmed answer")
        verbose_name_plural = _("confirmed answers")
        constraints = [
            models.UniqueConstraint(fields=["municipality", "year", "question"], name="open_comparison_answer_unique")
        ]

    def __str__(self) -> str:
        return f"{self.municipality} {self.year} {self.question}: {self.answer}"
