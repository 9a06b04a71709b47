"""The demo county's log review: Åstad's plan and routine, and a month of reads (last month) with
some that the review flags, so that its manager (demo.chef) can draw the month's review, judge each
read and sign it (ADR 0039).

The reads are written through the access log's own helper with a past time (``occurred_at``, which
only a demo-enabled installation accepts), so the chain stays whole and verifiable.
"""

from __future__ import annotations

import datetime

from django.utils import timezone, translation

from fridsam.accounts.models import Membership, User
from fridsam.accounts.services import membership_grant
from fridsam.core import reminders
from fridsam.core.audit import log_access
from fridsam.core.models import AccessAction
from fridsam.demo.users import demo_user
from fridsam.followup.models import FollowUpRecord
from fridsam.logreview import drawing, services
from fridsam.logreview.models import ReviewPlan
from fridsam.organisations.models import Unit

CODE = "9901"
# Who left Åstad's intake unit early last month; her role ended, and the log shows reads after it.
FORMER = ("kim.ek", "Kim", "Ek")


def _at(period, day: int, hour: int, minute: int = 0, second: int = 0) -> datetime.datetime:
    day = min(day, (period.end - period.start).days)
    moment = datetime.datetime.combine(period.start + datetime.timedelta(days=day), datetime.time(hour, minute, second))
    return timezone.make_aware(moment)


def load(county, municipalities) -> None:
    municipality = municipalities[CODE]
    if ReviewPlan.objects.filter(municipality=municipality).exists():
        return
    users = {u.username: u for u in User.objects.filter(memberships__municipality=municipality).distinct()}
    with translation.override("sv"):
        routine = str(services.DEFAULT_ROUTINE)
    services.plan_save(
        municipality=municipality,
        fields={"frequency_months": 1, "sample_size": 3, "routine": routine},
        user=users["demo.chef"],
    )
    period = drawing.last_ended_period(timezone.localdate(), 1)

    intake = Unit.objects.get(municipality=municipality, name="Mottagningen")
    former = demo_user(*FORMER)
    if not Membership.objects.filter(user=former).exists():
        membership_grant(
            user=former, role="social_worker", municipality=municipality, unit=intake, title="Socialsekreterare"
        )
        Membership.objects.filter(user=former).update(
            valid_from=datetime.date(2021, 8, 16), valid_until=period.start + datetime.timedelta(days=4)
        )

    records = list(FollowUpRecord.objects.filter(municipality=municipality).select_related("unit").order_by("pk"))
    amira, oskar, linnea = users["demo.socialsekreterare"], users["oskar.wall"], users["linnea.ros"]
    anna, chef = users["anna.lind"], users["demo.chef"]
    own = [r for r in records if r.owner_id == amira.pk and not r.protected_identity]
    children = [r for r in records if r.unit.name == "Barn och unga" and not r.protected_identity]
    protected = next(r for r in records if r.protected_identity and r.owner_id != anna.pk)
    oskars = [r for r in records if r.owner_id == oskar.pk]

    def read(user, record, at, purpose="", role="social_worker", action=AccessAction.READ):
        log_access(
            action=action,
            object_type=record,
            user=user,
            role=role,
            municipality=municipality,
            purpose=purpose,
            occurred_at=at,
        )

    # The everyday: social workers open their own records; the coordinator reads with a purpose.
    for day, record in enumerate(own[:8], start=1):
        read(amira, record, _at(period, day * 2, 9, 15))
    for day, record in enumerate(oskars[:5], start=2):
        read(oskar, record, _at(period, day * 3, 13, 40))
    for day, record in enumerate(children[:4], start=3):
        read(anna, record, _at(period, day * 4, 10), purpose="En konsultation i ärendet", role="coordinator")
    read(chef, own[0], _at(period, 11, 8, 30), purpose="Arbetsledning", role="manager")
    # What the review flags.
    read(amira, children[0], _at(period, 6, 16, 5))  # another unit's record, and no purpose
    read(anna, oskars[0], _at(period, 9, 14), purpose="Annat (beskriv): kontroll av en uppgift", role="coordinator")
    read(anna, protected, _at(period, 12, 11), purpose="Arbetsledning", role="coordinator")
    for i, record in enumerate((children * 9)[:36]):  # 36 records in eight minutes
        read(linnea, record, _at(period, 15, 15, i // 5, (i % 5) * 12), purpose="Kvalitetsuppföljning av arbetet")
    read(former, own[1], _at(period, 18, 10, 20))  # after her role ended
    log_access(
        action=AccessAction.DENIED,
        object_type="followup.followuprecord",
        object_id=str(records[-1].pk + 1000),
        user=oskar,
        role="social_worker",
        municipality=municipality,
        detail="followup:record_detail 404",
        occurred_at=_at(period, 20, 17, 2),
    )
    # The month's review is due: the managers see it on their start page at once.
    reminders.refresh_for([users[m.user.username] for m in Membership.objects.filter(
        municipality=municipality, role="manager").select_related("user")])  # fmt: skip
