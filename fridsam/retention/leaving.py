"""When staff leave (issue 18 §3): ending a person's roles in a municipality hands their open work
over to someone the manager names — open follow-up records, open consultations (asked or
assigned), open action items of the municipality's groups — and, when no role is left anywhere,
revokes their calendar address and ends their sessions. Everything is logged, with counts, and who
took over is kept (``Departure``): the records still the leaver's when their account is removed
after its retention period go to that person (``retention.pseudonyms``, ADR 0040).

It lives with retention because it reaches every domain that keeps a person's work, from above.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from fridsam.accounts.models import Membership
from fridsam.accounts.services import membership_end
from fridsam.accounts.signals import staff_left
from fridsam.collaboration.models import ActionItem
from fridsam.competence.models import CalendarFeed
from fridsam.core.audit import log_access
from fridsam.core.models import AccessAction
from fridsam.core.roles import MUNICIPAL_ROLES
from fridsam.core.sessions import end_sessions
from fridsam.followup.models import Consultation, ConsultationStatus, FollowUpRecord, Status
from fridsam.retention.models import Departure


@dataclass(frozen=True)
class HandOver:
    records: int
    consultations: int
    action_items: int
    memberships_ended: int
    feed_revoked: bool
    sessions_ended: int
    revoked: int = 0  # what other domains revoked (integration credentials the person made)


def successors(*, municipality, leaver=None, on: datetime.date | None = None):
    """The municipality's staff today (other than the leaver: who can take the work over)."""
    on = on or timezone.localdate()
    qs = (
        Membership.system_objects.filter(municipality=municipality, role__in=MUNICIPAL_ROLES, valid_from__lte=on)
        .filter(Q(valid_until__isnull=True) | Q(valid_until__gte=on))
        .select_related("user", "unit")
        .order_by("user__last_name", "user__first_name", "role")
    )
    return qs.exclude(user=leaver) if leaver is not None else qs


def open_work(*, municipality, leaver) -> dict[str, int]:
    return {
        "records": FollowUpRecord.system_objects.filter(
            municipality=municipality, owner=leaver, status=Status.OPEN
        ).count(),
        "consultations": _consultations(municipality, leaver).count(),
        "action_items": _actions(municipality, leaver).count(),
    }


def _consultations(municipality, leaver):
    return (
        Consultation.system_objects.filter(municipality=municipality)
        .exclude(status=ConsultationStatus.CLOSED)
        .filter(Q(asked_by=leaver) | Q(assignee=leaver))
    )


def _actions(municipality, leaver):
    return ActionItem.system_objects.filter(
        owner=leaver, done_on__isnull=True, meeting__group__municipality=municipality
    )


def staff_leave(*, municipality, leaver, successor, on: datetime.date, acting_user) -> HandOver:
    """``on`` is the day the person has no role any more (today or earlier): their roles end the
    day before."""
    if on > timezone.localdate():
        raise ValidationError({"on": _("Hand the work over when the person leaves, not in advance.")})
    if successor is None or successor.pk == leaver.pk:
        raise ValidationError({"successor": _("Choose someone else to take the work over.")})
    if not successors(municipality=municipality, leaver=leaver, on=on).filter(user=successor).exists():
        raise ValidationError({"successor": _("The one who takes over must work in the municipality.")})
    with transaction.atomic():
        records = FollowUpRecord.system_objects.filter(municipality=municipality, owner=leaver, status=Status.OPEN)
        n_records = records.update(owner=successor, updated_at=timezone.now())
        consultations = list(_consultations(municipality, leaver))
        for c in consultations:
            c.asked_by = successor if c.asked_by_id == leaver.pk else c.asked_by
            c.assignee = successor if c.assignee_id == leaver.pk else c.assignee
        Consultation.system_objects.bulk_update(consultations, ["asked_by", "assignee"])
        n_actions = _actions(municipality, leaver).update(owner=successor)
        ended = 0
        last_day = on - datetime.timedelta(days=1)
        for membership in Membership.system_objects.filter(municipality=municipality, user=leaver).filter(
            Q(valid_until__isnull=True) | Q(valid_until__gt=last_day)
        ):
            membership_end(
                membership=membership, valid_until=max(last_day, membership.valid_from), acting_user=acting_user
            )
            ended += 1
        Departure.system_objects.create(
            user=leaver, municipality=municipality, successor=successor, left_on=on, recorded_by=acting_user
        )
        still = Membership.system_objects.filter(user=leaver).filter(
            Q(valid_until__isnull=True) | Q(valid_until__gte=on)
        )
        revoked = sum(
            n or 0
            for _receiver, n in staff_left.send(
                sender=staff_leave, municipality=municipality, leaver=leaver, acting_user=acting_user
            )
        )
        feed_revoked, sessions = False, 0
        if not still.exists():
            feed_revoked = CalendarFeed.objects.filter(user=leaver).delete()[0] > 0
            sessions = end_sessions(leaver.pk)
        log_access(
            action=AccessAction.CHANGE,
            object_type=leaver,
            user=acting_user,
            municipality=municipality,
            detail=(
                f"left; handed over to user {successor.pk}: records={n_records}; "
                f"consultations={len(consultations)}; action_items={n_actions}; roles ended={ended}; "
                f"calendar revoked={feed_revoked}; sessions ended={sessions}; credentials revoked={revoked}"
            ),
        )
    return HandOver(n_records, len(consultations), n_actions, ended, feed_revoked, sessions, revoked)
