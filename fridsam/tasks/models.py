"""A background task as the person who asked for it sees it (ADR 0029).

The queue (Celery on Redis) only carries a task's id; everything else lives here, so that the page
can show where the work is, the result file is kept where every server reaches it, a failure says
why in the person's language and a retry starts from the same row.
"""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from fridsam.core.actor import current_actor
from fridsam.core.tenancy import ALL, ScopeError, SystemManager, current_scope


class Status(models.TextChoices):
    QUEUED = "queued", _("Queued")
    RUNNING = "running", _("Running")
    DONE = "done", _("Done")
    FAILED = "failed", _("Failed")


ACTIVE = (Status.QUEUED, Status.RUNNING)


class OwnTaskManager(models.Manager):
    """A person sees only the tasks they asked for: ``Task.objects`` filters by the acting person
    (:mod:`fridsam.core.actor`) and, like a scoped manager, raises where nobody acts and no scope
    is active. System code (the runner, the schedule) reads through ``Task.system_objects``."""

    def get_queryset(self) -> models.QuerySet:
        user = current_actor().user
        if user is None:
            scope = current_scope()
            if scope is None:
                raise ScopeError("Task was queried with nobody acting and no tenant scope.")
            if scope.municipality is ALL and scope.case_municipality is ALL:
                return super().get_queryset().filter(requested_by__isnull=True)  # the system's own
            return super().get_queryset().none()
        return super().get_queryset().filter(requested_by_id=user.pk)


class Task(models.Model):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    kind = models.CharField(_("kind"), max_length=60)
    label = models.CharField(_("task"), max_length=200)  # in the asker's language, as they asked
    params = models.JSONField(default=dict, blank=True)
    # Work that must not be queued twice: the same report of the same person while one is on its
    # way, the reminders of one day.
    key = models.CharField(max_length=200, blank=True, default="")
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.QUEUED)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    ip_address = models.GenericIPAddressField(null=True, blank=True)
    language = models.CharField(max_length=8, default="sv")
    input_file = models.FileField(upload_to="uppgifter/in/%Y/%m/", blank=True)
    input_name = models.CharField(max_length=200, blank=True, default="")
    result_file = models.FileField(upload_to="uppgifter/ut/%Y/%m/", blank=True)
    result_name = models.CharField(max_length=200, blank=True, default="")
    result_type = models.CharField(max_length=100, blank=True, default="")
    result = models.JSONField(default=dict, blank=True)  # what the page shows of the outcome
    failure = models.TextField(_("why it failed"), blank=True, default="")
    attempts = models.PositiveSmallIntegerField(default=0)
    created_at = models.DateTimeField(auto_now_add=True)
    # When its id was last handed to the queue: empty while Redis was away when it was asked for,
    # and the re-dispatch sends it when Redis is back (ADR 0043).
    sent_at = models.DateTimeField(null=True, blank=True)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    objects = OwnTaskManager()
    system_objects = SystemManager()

    class Meta:
        verbose_name = _("background task")
        verbose_name_plural = _("background tasks")
        ordering = ["-created_at"]
        base_manager_name = "system_objects"
        constraints = [
            models.UniqueConstraint(
                fields=["key"],
                condition=Q(status__in=["queued", "running"]) & ~Q(key=""),
                name="tasks_one_active_per_key",
            )
        ]
        indexes = [
            models.Index(fields=["requested_by", "-created_at"], name="tasks_by_person"),
            models.Index(fields=["created_at"], condition=Q(status__in=["queued", "running"]), name="tasks_active"),
        ]

    def __str__(self) -> str:
        return self.label

    @property
    def finished(self) -> bool:
        return self.status in (Status.DONE, Status.FAILED)
