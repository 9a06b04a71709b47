"""Åstad's records closed more than five years ago, so that its archivist has a month's culling to
preview and sign off (the default rule: five years after closing, ADR 0031). Their figures are in
the stored statistics of their years, which stay when the records are culled."""

from __future__ import annotations

import datetime
import random

from django.utils import timezone

from fridsam.accounts.models import Membership
from fridsam.core import references
from fridsam.core.dates import add_months
from fridsam.core.roles import Role
from fridsam.followup import tallies
from fridsam.followup.models import EventKind, FollowUpRecord, Intervention, InterventionKind, RecordEvent, Status

MUNICIPALITY = "9901"
OLD_CASES = 24


def load(county, municipalities: dict) -> None:
    municipality = municipalities[MUNICIPALITY]
    prefix = f"DEMO-{MUNICIPALITY}-2019-"
    first = references.reference_hash(municipality, f"{prefix}0001")
    if FollowUpRecord.system_objects.filter(municipality=municipality, reference_hash=first).exists():
        return
    staff = list(
        Membership.objects.active()
        .filter(role=Role.SOCIAL_WORKER, municipality=municipality, unit__isnull=False)
        .select_related("unit", "user")
        .order_by("user__username")
    )
    rng = random.Random("fridsam-demo-retention")  # noqa: S311 - demo data, not a secret
    today = timezone.localdate()
    latest_close = add_months(today.replace(day=1), -61)  # closed more than five years before this month
    records = []
    for n in range(OLD_CASES):
        owner = staff[n % len(staff)]
        closed = latest_close - datetime.timedelta(days=rng.randint(0, 420))
        opened = closed - datetime.timedelta(days=rng.randint(40, 300))
        records.append(
            FollowUpRecord(
                municipality=municipality,
                unit=owner.unit,
                owner=owner.user,
                reference_hash=first if n == 0 else references.reference_hash(municipality, f"{prefix}{n + 1:04d}"),
                opened_on=opened,
                opened_year=opened.year,
                route_in=rng.choice(["police", "self", "health_care", "relative"]),
                category="adult_victim",
                sex="female",
                age_band=rng.choice(["25-44", "45-64", "18-24"]),
                relation=rng.choice(["partner", "former_partner"]),
                violence_forms=["physical", "psychological"],
                status=Status.CLOSED,
                closed_on=closed,
                closed_year=closed.year,
                closure_reason=rng.choice(["goals_met", "moved", "declined"]),
                outcome=rng.choice(["ended", "reduced", "unknown"]),
                client_view="not_recorded",
                created_at=timezone.make_aware(datetime.datetime.combine(opened, datetime.time(9))),
                updated_at=timezone.make_aware(datetime.datetime.combine(closed, datetime.time(15))),
            )
        )
    FollowUpRecord.system_objects.bulk_create(records)
    events, interventions = [], []
    for record in records:
        events.append(RecordEvent(record=record, kind=EventKind.OPENED, on=record.opened_on, by=record.owner))
        events.append(
            RecordEvent(
                record=record, kind=EventKind.CLOSED, on=record.closed_on, outcome=record.outcome, by=record.owner
            )
        )
        interventions.append(
            Intervention(
                record=record,
                municipality_id=municipality.pk,
                kind=InterventionKind.SUPPORT_TALKS,
                started_on=record.opened_on,
                started_year=record.opened_on.year,
                ended_on=record.closed_on,
                quantity=rng.randint(2, 12),
            )
        )
    RecordEvent.system_objects.bulk_create(events)
    Intervention.system_objects.bulk_create(interventions)
    years = {r.opened_year for r in records} | {r.closed_year for r in records}
    tallies.refresh(municipality.pk, years)
