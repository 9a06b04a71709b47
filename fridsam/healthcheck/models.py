from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from fridsam.core.tenancy import ScopedManager


class FrozenPoint(models.Model):
    """A point of a municipality's history — the check as it stood on a 1 January — kept as it was
    computed just before the answers it read were culled (ADR 0031): recomputed afterwards it would
    read what is left, not what was. Only the verdicts' statuses are kept (what the history shows);
    a rule added since is evaluated as for any other point."""

    municipality = models.ForeignKey("organisations.Municipality", on_delete=models.CASCADE, related_name="+")
    day = models.DateField(_("day"))
    statuses = models.JSONField(_("verdicts"), default=dict)  # rule id → status
    frozen_at = models.DateTimeField(_("frozen"), default=timezone.now)

    objects = ScopedManager(municipality="municipality")

    class Meta:
        ordering = ["municipality", "day"]
        verbose_name = _("frozen point of the health check's history")
        verbose_name_plural = _("frozen points of the health check's history")
        constraints = [models.UniqueConstraint(fields=["municipality", "day"], name="healthcheck_frozen_point_once")]

    def __str__(self) -> str:
        return f"{self.municipality} {self.day}"
