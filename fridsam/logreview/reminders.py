"""Reminders of the log review: to each manager of a municipality that has adopted a plan, the
review of every period since the plan was adopted that is over and not signed: due until
``FRIDSAM_LOG_REVIEW_DUE_DAYS`` days after the period, overdue after that (ADR 0039)."""

from __future__ import annotations

import datetime

from django.urls import reverse
from django.utils import timezone

from fridsam.accounts.models import memberships_unscoped
from fridsam.core.reminders import Due, register
from fridsam.core.roles import Role
from fridsam.logreview.drawing import last_ended_period, periods_ended
from fridsam.logreview.models import Review, ReviewPlan

# A plan adopted long ago reminds of the last year's periods at most.
LOOK_BACK = datetime.timedelta(days=366)


@register
def log_reviews(on: datetime.date, user_ids):
    managers = memberships_unscoped().active(on).filter(role=Role.MANAGER)
    if user_ids is not None:
        managers = managers.filter(user_id__in=sorted(user_ids))
    by_municipality: dict[int, set[int]] = {}
    for user_id, municipality_id in managers.values_list("user_id", "municipality_id"):
        by_municipality.setdefault(municipality_id, set()).add(user_id)
    if not by_municipality:
        return
    plans = list(
        ReviewPlan.system_objects.filter(municipality_id__in=sorted(by_municipality)).select_related("municipality")
    )
    if not plans:
        return
    # Which periods are signed: dates only, nothing of what the reviews hold.
    signed = set(
        Review.system_objects.filter(
            municipality_id__in=sorted(p.municipality_id for p in plans),
            signed_at__isnull=False,
            period_start__gte=on - LOOK_BACK * 2,
        ).values_list("municipality_id", "period_start")
    )
    for plan in plans:
        # From the period that was over when the plan was adopted: its review is the first one due.
        adopted = timezone.localtime(plan.created_at).date()
        since = max(last_ended_period(adopted, plan.frequency_months).start, on - LOOK_BACK)
        url = reverse("logreview:index", kwargs={"municipality_code": plan.municipality.code})
        for period in periods_ended(since, on, plan.frequency_months):
            if (plan.municipality_id, period.start) in signed:
                continue
            for user_id in sorted(by_municipality[plan.municipality_id]):
                yield Due(
                    user_id=user_id,
                    key=f"log_review:{plan.municipality_id}:{period.start.isoformat()}",
                    kind="log_review_overdue" if period.due_on < on else "log_review_due",
                    due_on=period.due_on,
                    url=url,
                    params={
                        "municipality": plan.municipality.name,
                        "start": period.start.isoformat(),
                        "end": period.end.isoformat(),
                        "due": period.due_on.isoformat(),
                    },
                )
