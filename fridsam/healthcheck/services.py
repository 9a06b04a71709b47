"""What the health check writes: the points of a history kept as they were (ADR 0031)."""

from __future__ import annotations

import datetime

from django.utils import timezone

from fridsam.core.tenancy import unscoped
from fridsam.healthcheck.models import FrozenPoint
from fridsam.healthcheck.selectors import checks_for, history_days
from fridsam.organisations.models import Municipality


def points_freeze(questionnaire_years: dict[int, set[int]], *, today: datetime.date | None = None) -> int:
    """Keep the history's points that read these coordinator questionnaires (municipality id → the
    years of their rounds) as they stand now: the answers are about to be culled (ADR 0031). A
    point is the check on one of the 1 Januaries the history shows today; one that reads newer
    answers is left to be computed, and one frozen before stays as it was. A system task (the
    culling): the facts are read whatever the scope. Returns how many points were frozen now."""
    wanted = {m: set(years) for m, years in questionnaire_years.items() if years}
    if not wanted:
        return 0
    days = history_days(today or timezone.localdate())[:-1]  # today is no point: it is computed
    with unscoped():
        done = set(
            FrozenPoint.objects.filter(municipality_id__in=wanted, day__in=days).values_list("municipality_id", "day")
        )
        municipalities = list(Municipality.objects.filter(pk__in=wanted))
        points = []
        for day in days:
            for check in checks_for(municipalities, as_of=day):
                m = check.municipality.pk
                if (m, day) in done or check.facts.questionnaire_year not in wanted[m]:
                    continue
                statuses = {rule.id: verdict.status for rule, verdict in check.results}
                points.append(FrozenPoint(municipality_id=m, day=day, statuses=statuses))
        FrozenPoint.objects.bulk_create(points, ignore_conflicts=True)
    return len(points)
