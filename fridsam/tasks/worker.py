"""What the Celery workers run (``celery -A config worker``, ``celery -A config beat``; ADR 0029).

The queue carries ids only; :func:`fridsam.tasks.services.run` does the work from the task's row.
The schedule (``CELERY_BEAT_SCHEDULE`` in the settings) runs management commands through
:func:`scheduled`, each as a task row of its own that is queued once per period, so a second
scheduler, or a beat restarted within the period, adds nothing. The kind that runs them, "command",
is registered in :mod:`fridsam.tasks.jobs`, which every process loads at start-up.
"""

from __future__ import annotations

from celery import shared_task
from django.utils import timezone

from fridsam.core.tenancy import unscoped
from fridsam.tasks import services


@shared_task(name=services.RUN_TASK, acks_late=True, reject_on_worker_lost=True, ignore_result=True)
def run_task(task_id: str) -> str | None:
    return services.run(task_id)


@shared_task(name="fridsam.tasks.redispatch", ignore_result=True)
def redispatch() -> int:
    """Beat's tick: send the queued rows the queue may not hold (ADR 0043)."""
    return services.redispatch()


PERIODS = {"hourly": "%Y-%m-%dT%H", "daily": "%Y-%m-%d", "monthly": "%Y-%m"}


@shared_task(name="fridsam.tasks.scheduled", ignore_result=True)
def scheduled(command: str, period: str = "daily") -> str:
    """Queue the management command ``command`` as a system task, once per ``period``."""
    stamp = timezone.localtime().strftime(PERIODS[period])
    with unscoped():
        task = services.submit(
            kind="command", label=f"{command} {stamp}", params={"command": command}, key=f"{command}:{stamp}", once=True
        )
    return str(task.pk)
