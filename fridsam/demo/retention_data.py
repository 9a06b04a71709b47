"""Åstad's records closed more than five years ago, so that its archivist has a month's culling to
preview and sign off (the default rule: five years after closing, ADR 0031). Their figures are in
the stored statistics of their years, which stay when the records are culled.

And one social worker who left Åstad more than five years ago (the default rule for staff accounts:
five years after the last role ended, ADR 0040): the month's preview counts her account, and the
sign-off replaces her name by a pseudonym — in the access log too, where someone tried her username
last month — and removes the account."""

from __future__ import annotations

import datetime
import random

from django.utils import timezone

from fridsam.accounts.models import Membership, User
from fridsam.accounts.services import membership_grant
from fridsam.core import references
from fridsam.core.audit import log_access
from fridsam.core.dates import add_months
from fridsam.core.models import AccessAction
from fridsam.core.roles import Role
from fridsam.demo.users import demo_user
from fridsam.followup import tallies
from fridsam.followup.models import EventKind, FollowUpRecord, Intervention, InterventionKind, RecordEvent, Status
from fridsam.organisations.models import Unit

MUNICIPALITY = "9901"
OLD_CASES = 24
# Left Åstad's intake unit more than five years ago; her account is due this month.
LEAVER = ("berit.sandell", "Berit", "Sandell")


def _leaver(municipality) -> None:
    username, first, last = LEAVER
    if User.objects.filter(username=username).exists():
        return
    user = demo_user(username, first, last)
    intake = Unit.objects.get(municipality=municipality, name="Mottagningen")
    membership_grant(user=user, role="social_worker", municipality=municipality, unit=intake, title="Socialsekreterare")
    left = add_months(timezone.localdate().replace(day=1), -62)
    Membership.objects.filter(user=user).update(valid_from=datetime.date(2012, 9, 3), valid_until=left)
    last_month = add_months(timezone.localdate().replace(day=1), -1)
    log_access(
        action=AccessAction.LOGIN_FAILED,
        object_type="accounts.user",
        detail=f"attempted username: {username}",
        occurred_at=timezone.make_aware(datetime.datetime.combine(last_month, datetime.time(22, 14))),
    )


def load(county, municipalities: dict) -> None:
    municipality = municipalities[MUNICIPALITY]
    _leaver(municipality)
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
