"""Reminders: what is due for each person, collected daily and shown on their start page.

Each domain registers a collector (``register``) that yields :class:`Due` items for a day — reviews
of routines, overdue or soon-due training, onboarding steps, action-plan activities. ``run()`` (the
``send_reminders`` management command, run daily from cron) brings the ``Reminder`` table in line:
new items are added, items no longer due are resolved, and each person gets one e-mail listing what
is new for them (Django's mail backend; the console in development). Running it twice on a day adds
and sends nothing the second time. ``refresh_for(users)`` does the same for a few people without
e-mail, right after they completed something, so their start page is current (ADR 0015).
"""

from __future__ import annotations

import datetime
from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.mail import send_mail
from django.db import transaction
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from fridsam.core.models import Reminder
from fridsam.core.tenancy import unscoped

MESSAGES = {
    "training_overdue": _("The training “%(requirement)s” was due on %(due)s."),
    "training_due": _("Complete the training “%(requirement)s” by %(due)s."),
    "onboarding_step": _("Introduction: %(step)s (by %(due)s)."),
    "onboarding_step_for": _("Introduction of %(person)s: %(step)s (by %(due)s)."),
    "review_due": _("The %(kind)s “%(title)s” is due for review on %(due)s."),
    "review_overdue": _("The %(kind)s “%(title)s” was due for review on %(due)s."),
    "read_routine": _("Read and confirm the %(kind)s “%(title)s” (version %(version)s)."),
    "approve_routine": _("The %(kind)s “%(title)s” waits for your approval."),
    "activity_due": _("Action plan activity “%(activity)s” is due on %(due)s."),
    "activity_overdue": _("Action plan activity “%(activity)s” was due on %(due)s."),
    "log_review_due": _("Review the access log of %(municipality)s for %(start)s–%(end)s by %(due)s."),
    "log_review_overdue": _("The access-log review of %(municipality)s for %(start)s–%(end)s was due on %(due)s."),
}


@dataclass(frozen=True)
class Due:
    user_id: int
    key: str
    kind: str
    due_on: datetime.date
    url: str = ""
    params: dict = field(default_factory=dict, hash=False, compare=False)


Collector = Callable[[datetime.date, "set[int] | None"], Iterable[Due]]
_collectors: list[Collector] = []
# How a parameter a domain stores reads in a message ("kind": the name of a routine's document kind).
_labels: dict[str, Callable[[str], str]] = {}


def register(collector: Collector) -> Collector:
    if collector not in _collectors:
        _collectors.append(collector)
    return collector


def register_label(param: str, label: Callable[[str], str]) -> None:
    """Say how the value of *param* is written in a message (the domain that stores it knows)."""
    _labels[param] = label


def message(reminder) -> str:
    text = MESSAGES.get(reminder.kind)
    if text is None:
        return reminder.key
    params = dict(reminder.params)  # dates are ISO (2026-11-26): they read the same in both languages
    for param, label in _labels.items():
        if param in params:
            params[param] = label(params[param])
    return str(text) % params


def collect(on: datetime.date, user_ids: set[int] | None = None) -> dict[tuple[int, str], Due]:
    found: dict[tuple[int, str], Due] = {}
    for collector in _collectors:
        for due in collector(on, user_ids):
            if user_ids is None or due.user_id in user_ids:
                found.setdefault((due.user_id, due.key), due)
    return found


@dataclass
class RunResult:
    created: int = 0
    resolved: int = 0
    open: int = 0
    emails: int = 0


def _sync(on: datetime.date, found: dict[tuple[int, str], Due], user_ids: set[int] | None) -> tuple[RunResult, list]:
    result = RunResult(open=len(found))
    existing = Reminder.objects.filter(resolved_on__isnull=True)
    if user_ids is not None:
        existing = existing.filter(user_id__in=sorted(user_ids))
    existing = {(r.user_id, r.key): r for r in existing}
    resolved = [r.pk for k, r in existing.items() if k not in found]
    if resolved:
        Reminder.objects.filter(pk__in=resolved).update(resolved_on=on)
    result.resolved = len(resolved)
    seen = [r.pk for k, r in existing.items() if k in found]
    if seen:
        Reminder.objects.filter(pk__in=seen).update(last_seen_on=on)
    # Still due but worded differently now (due soon → overdue, a new title): the start page says it
    # the new way; no new e-mail.
    changed = []
    for key, row in existing.items():
        due = found.get(key)
        if due is not None and (row.kind, row.params, row.due_on, row.url) != (
            due.kind,
            due.params,
            due.due_on,
            due.url,
        ):
            row.kind, row.params, row.due_on, row.url = due.kind, due.params, due.due_on, due.url
            changed.append(row)
    if changed:
        Reminder.objects.bulk_update(changed, ["kind", "params", "due_on", "url"])
    new_keys = [k for k in found if k not in existing]
    # A reminder resolved earlier and due again comes back (the same row, reopened).
    reopened = {
        (r.user_id, r.key): r
        for r in Reminder.objects.filter(
            user_id__in={u for u, _ in new_keys}, key__in={k for _, k in new_keys}, resolved_on__isnull=False
        )
    }
    created = []
    for key in new_keys:
        due = found[key]
        row = reopened.get(key)
        if row is not None:
            row.resolved_on, row.last_seen_on, row.due_on, row.params, row.url = (
                None,
                on,
                due.due_on,
                due.params,
                due.url,
            )
            row.save(update_fields=["resolved_on", "last_seen_on", "due_on", "params", "url"])
            continue
        created.append(
            Reminder(
                user_id=due.user_id,
                key=due.key,
                kind=due.kind,
                params=due.params,
                url=due.url,
                due_on=due.due_on,
                first_seen_on=on,
                last_seen_on=on,
            )
        )
    Reminder.objects.bulk_create(created, batch_size=1000)
    result.created = len(created)
    return result, created


def run(on: datetime.date | None = None, *, send: bool = True) -> RunResult:
    """The daily job. Idempotent for a day: a second run creates, resolves and sends nothing new."""
    on = on or timezone.localdate()
    with unscoped():
        with transaction.atomic():
            result, _created = _sync(on, collect(on), None)
        if not send:
            return result
        unsent = defaultdict(list)
        for reminder in Reminder.objects.filter(resolved_on__isnull=True, emailed_on__isnull=True).order_by("due_on"):
            unsent[reminder.user_id].append(reminder)
        users = get_user_model().objects.filter(pk__in=list(unsent), is_active=True).exclude(email="")
        for user in users:
            reminders = unsent[user.pk]
            with translation.override(settings.LANGUAGE_CODE):
                body = render_to_string(
                    "core/reminders_email.txt",
                    {"user": user, "items": [(message(r), r) for r in reminders], "site": settings.FRIDSAM_SITE_URL},
                )
                subject = ngettext(
                    "Fridsam: %(count)s new reminder", "Fridsam: %(count)s new reminders", len(reminders)
                ) % {"count": len(reminders)}
            # Mark first, then send: a crash between the two loses one e-mail, never sends one twice.
            Reminder.objects.filter(pk__in=[r.pk for r in reminders]).update(emailed_on=on)
            send_mail(subject, body, None, [user.email])
            result.emails += 1
    return result


def refresh_for(users: Iterable, on: datetime.date | None = None) -> None:
    """Bring a few people's reminders up to date after they did something (no e-mail)."""
    user_ids = {getattr(u, "pk", u) for u in users if u is not None}
    if not user_ids:
        return
    on = on or timezone.localdate()
    with unscoped():
        _sync(on, collect(on, user_ids), user_ids)


def open_for(user) -> list:
    rows = list(Reminder.objects.filter(user=user, resolved_on__isnull=True).order_by("due_on")[:50])
    return [(message(r), r) for r in rows]
