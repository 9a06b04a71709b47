"""Submitting, running and retrying background tasks (ADR 0029).

``submit`` writes the task row and hands its id to the queue once the row is committed; with no
broker configured (``make run``, the tests) the queue runs it at once, in-process. ``run`` is what
a worker does with an id: it claims the row (queued → running), rebuilds the asker's tenancy and
acts as them (:mod:`fridsam.core.actor`, so the access log names the person and the address they
asked from), calls the kind's handler in their language and stores the file and the outcome. A
task delivered twice runs once: a finished row is left alone, and a running one only when its
worker has been silent past ``FRIDSAM_TASK_STALE_MINUTES`` (it died; the work is redone whole).
A row the queue never got (Redis was away) waits, queued, for ``redispatch`` (ADR 0043).
"""

from __future__ import annotations

import datetime
import logging

from celery import current_app
from django.conf import settings
from django.core.files.base import ContentFile
from django.db import IntegrityError, transaction
from django.db.models import F, Q
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from kombu.exceptions import OperationalError as KombuOperationalError
from redis.exceptions import RedisError

from fridsam.accounts.selectors import tenancy_for_user
from fridsam.core import uploads
from fridsam.core.actor import Actor, acting, current_actor
from fridsam.core.tenancy import UNRESTRICTED, tenant_scope
from fridsam.core.validators import redact_personal_identity_numbers
from fridsam.tasks import registry
from fridsam.tasks.models import ACTIVE, Status, Task

logger = logging.getLogger(__name__)


RUN_TASK = "fridsam.tasks.run"  # the Celery task of fridsam.tasks.worker


# What sending to an unreachable broker raises: kombu's error after its retries (the publish
# retry policy, a second or so), or the socket's and the Redis client's own.
BROKER_UNAVAILABLE = (KombuOperationalError, OSError, RedisError)


def _send(task_id) -> bool:
    """Hand a task's id to the queue and note when. While the broker is away the row stays queued
    and unsent, and :func:`redispatch` sends it later: the page that asked is not the one to fail."""
    try:
        current_app.send_task(RUN_TASK, args=[str(task_id)])
    except BROKER_UNAVAILABLE as error:
        logger.warning("task %s not sent (%s: %s); it waits for the re-dispatch", task_id, type(error).__name__, error)
        return False
    Task.system_objects.filter(pk=task_id).update(sent_at=timezone.now())
    return True


def _enqueue(task_id) -> None:
    if settings.CELERY_TASK_ALWAYS_EAGER:
        # In-process: the row is on this connection already, committed or not (a test's transaction).
        run(task_id)
    else:
        transaction.on_commit(lambda: _send(task_id))


REDISPATCH_LIMIT = 500  # rows per tick: a long outage's backlog goes out over a few ticks


def redispatch() -> int:
    """Send again the ids the queue may not hold (beat, every FRIDSAM_TASK_REDISPATCH_SECONDS; ADR
    0043): rows queued and never sent (Redis was away when they were asked for, or the process
    that asked died before sending), rows queued and sent FRIDSAM_TASK_RESEND_MINUTES ago that no
    worker took (the message was lost with Redis), and rows running past the visibility timeout
    (their worker died, and the message that would come back went with Redis). Sending too much
    does no harm: a worker claims a row once (:func:`_claim`). Returns how many were sent."""
    now = timezone.now()
    tick = datetime.timedelta(seconds=settings.FRIDSAM_TASK_REDISPATCH_SECONDS)
    resend = now - datetime.timedelta(minutes=settings.FRIDSAM_TASK_RESEND_MINUTES)
    visibility = settings.CELERY_BROKER_TRANSPORT_OPTIONS.get("visibility_timeout", 3600)
    lost = now - datetime.timedelta(seconds=visibility)
    due = (
        Task.system_objects.filter(
            Q(status=Status.QUEUED, sent_at__isnull=True, created_at__lt=now - tick)
            | Q(status=Status.QUEUED, sent_at__lt=resend)
            | (Q(status=Status.RUNNING, started_at__lt=lost) & (Q(sent_at__isnull=True) | Q(sent_at__lt=lost)))
        )
        .order_by("created_at")
        .values_list("pk", flat=True)[:REDISPATCH_LIMIT]
    )
    sent = 0
    for pk in due:
        if not _send(pk):
            break  # the broker is still away: the next tick tries again
        sent += 1
    return sent


def submit(
    *, kind: str, label: str, user=None, params: dict | None = None, key: str = "", upload=None, once: bool = False
) -> Task:
    """Queue a task of a registered kind for ``user`` (None: the system). With ``key``, a task of
    the same key already queued or running is returned instead of a second one; with ``once`` as
    well, so is a finished one (a day's reminders run once)."""
    if registry.kind(kind) is None:
        raise ValueError(f"unknown task kind {kind!r}")
    if key:
        existing = Task.system_objects.filter(key=key, requested_by=user)
        existing = existing.exclude(status=Status.FAILED) if once else existing.filter(status__in=ACTIVE)
        found = existing.order_by("-created_at").first()
        if found is not None:
            return found
    actor = current_actor()
    task = Task(
        kind=kind,
        label=redact_personal_identity_numbers(label)[:200],
        params=params or {},
        key=key,
        requested_by=user,
        ip_address=actor.ip_address if actor.is_user(user) else None,
        language=translation.get_language() or settings.LANGUAGE_CODE,
    )
    if upload is not None:
        task.input_name = uploads.shown_name(upload.name)[:200]
        task.input_file.save("indata", upload, save=False)
    try:
        with transaction.atomic():
            task.save()
    except IntegrityError:  # the same key queued at the same moment by another request
        if task.input_file:
            task.input_file.delete(save=False)
        return Task.system_objects.filter(key=key, status__in=ACTIVE).get()
    _enqueue(task.pk)
    return task


def retry(*, task: Task) -> Task:
    """Queue a failed task again, from the same row and its stored input."""
    changed = Task.system_objects.filter(pk=task.pk, status=Status.FAILED).update(
        status=Status.QUEUED, failure="", result={}, started_at=None, finished_at=None, sent_at=None
    )
    task.refresh_from_db()
    if changed:
        _enqueue(task.pk)
    return task


def _claim(task_id) -> Task | None:
    now = timezone.now()
    claimed = Task.system_objects.filter(pk=task_id, status=Status.QUEUED).update(
        status=Status.RUNNING, started_at=now, attempts=F("attempts") + 1
    )
    if not claimed:
        stale = now - datetime.timedelta(minutes=settings.FRIDSAM_TASK_STALE_MINUTES)
        claimed = Task.system_objects.filter(pk=task_id, status=Status.RUNNING, started_at__lt=stale).update(
            started_at=now, attempts=F("attempts") + 1
        )
    if not claimed:
        return None  # finished, unknown, or another worker is on it: running it again does no harm
    return Task.system_objects.select_related("requested_by").get(pk=task_id)


def _finish(task: Task, status: str, **fields) -> None:
    fields.update(status=status, finished_at=timezone.now())
    Task.system_objects.filter(pk=task.pk, status=Status.RUNNING).update(**fields)


def run(task_id) -> str | None:
    """Run one task (a worker's job; idempotent). Returns the status it ended in, or None when
    there was nothing to do."""
    task = _claim(task_id)
    if task is None:
        return None
    kind = registry.kind(task.kind)
    user = task.requested_by
    tenancy = tenancy_for_user(user=user) if user is not None else None
    actor = Actor(user=user, ip_address=task.ip_address, memberships=tuple(tenancy.memberships) if tenancy else ())
    scope = tenancy.scope if tenancy is not None else UNRESTRICTED
    with translation.override(task.language), tenant_scope(scope), acting(actor):
        try:
            if kind is None:
                raise registry.TaskFailed(_("This kind of task is no longer known to Fridsam."))
            outcome = kind.handler(task, tenancy)
        except registry.TaskFailed as failure:
            _finish(task, Status.FAILED, failure=str(failure), result=failure.summary)
            return Status.FAILED
        except Exception:
            logger.exception("task %s (%s) failed", task.pk, task.kind)
            _finish(
                task,
                Status.FAILED,
                failure=_(
                    "The task stopped on an error in Fridsam. Nothing of it was saved. Try again; "
                    "if it fails again, tell the system administrator."
                ),
            )
            return Status.FAILED
    fields = {"result": outcome.summary, "failure": ""}
    if outcome.content is not None:
        stored = Task.result_file.field.generate_filename(task, outcome.filename or "resultat")
        name = task.result_file.storage.save(stored, ContentFile(outcome.content))
        fields.update(result_file=name, result_name=outcome.filename, result_type=outcome.content_type)
    if task.input_file:
        task.input_file.delete(save=False)  # the uploaded file is not kept once its work is done
        fields.update(input_file="")
    _finish(task, Status.DONE, **fields)
    return Status.DONE
