"""Permission policies: one object per model answers what a user may do with it.

The scoped manager (fridsam.core.tenancy) already limits *which tenants' rows* a query can see.
A policy decides, within that, *which actions* the acting user's roles allow — so views never
check roles or filter by tenant by hand. Modelled on Wagtail's permission policies.
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.db.models import Model, QuerySet
from django.shortcuts import get_object_or_404

VIEW = "view"
ADD = "add"
CHANGE = "change"


class PermissionPolicy:
    model: type[Model]
    actions: tuple[str, ...] = (VIEW, ADD, CHANGE)

    def base_queryset(self) -> QuerySet:
        return self.model.objects.all()

    def can(self, tenancy, action: str, obj: Model | None = None) -> bool:
        """May the user perform *action* (on *obj*, or on the model in general)?"""
        raise NotImplementedError

    def visible(self, tenancy, action: str = VIEW) -> QuerySet:
        """The instances the user may perform *action* on (scoped, then narrowed by role)."""
        return self.base_queryset() if self.can(tenancy, action) else self.base_queryset().none()

    def check(self, tenancy, action: str, obj: Model | None = None) -> None:
        if action not in self.actions:
            raise ValueError(f"{type(self).__name__} knows no action {action!r}")
        if not self.can(tenancy, action, obj):
            raise PermissionDenied

    def get_or_404(self, tenancy, action: str = VIEW, queryset: QuerySet | None = None, **lookup) -> Model:
        """Fetch an instance the user can see (else 404) and may *action* (else 403)."""
        obj = get_object_or_404(queryset if queryset is not None else self.visible(tenancy, VIEW), **lookup)
        self.check(tenancy, action, obj)
        return obj
