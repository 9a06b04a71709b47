"""Reads of background tasks: a person's own, newest first (``Task.objects`` sees no others)."""

from __future__ import annotations

from fridsam.tasks.models import Task


def tasks_of(*, user, limit: int = 50):
    return Task.objects.filter(requested_by=user).order_by("-created_at")[:limit]


def task_of(*, user, pk) -> Task | None:
    return Task.objects.filter(requested_by=user, pk=pk).first()
