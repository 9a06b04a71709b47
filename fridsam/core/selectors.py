"""Reads of the access log (logguppföljning)."""

from __future__ import annotations

import datetime

from django.db.models import QuerySet

from fridsam.core.models import AccessLogEntry
from fridsam.core.policies import VIEW, PermissionPolicy
from fridsam.core.roles import Role


class AccessLogPolicy(PermissionPolicy):
    """Managers review their municipality's access log. Nobody changes it."""

    model = AccessLogEntry
    actions = (VIEW,)

    def can(self, tenancy, action, obj=None):
        if action != VIEW:
            return False
        municipality_id = getattr(obj, "pk", obj)
        return tenancy.has_role(Role.MANAGER, municipality=municipality_id)

    def visible(self, tenancy, action=VIEW):
        ids = [m.pk for m in tenancy.municipalities_with_role(Role.MANAGER)]
        return AccessLogEntry.objects.filter(municipality_id__in=ids)


access_log_policy = AccessLogPolicy()


def access_log_entries(
    *,
    tenancy,
    municipality,
    username: str = "",
    action: str = "",
    object_type: str = "",
    date_from: datetime.date | None = None,
    date_to: datetime.date | None = None,
) -> QuerySet[AccessLogEntry]:
    qs = access_log_policy.visible(tenancy).filter(municipality=municipality).order_by("-sequence")
    if username:
        qs = qs.filter(username__icontains=username)
    if action:
        qs = qs.filter(action=action)
    if object_type:
        qs = qs.filter(object_type=object_type)
    if date_from:
        qs = qs.filter(occurred_at__date__gte=date_from)
    if date_to:
        qs = qs.filter(occurred_at__date__lte=date_to)
    return qs


def access_log_object_types(*, tenancy, municipality) -> list[str]:
    return list(
        access_log_policy.visible(tenancy)
        .filter(municipality=municipality)
        .order_by("object_type")
        .values_list("object_type", flat=True)
        .distinct()
    )
