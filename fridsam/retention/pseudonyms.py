"""Staff accounts after they leave (issue 18 §3, ADR 0040): when the retention period since a
person's last role ended has passed and a signed culling run takes their account, their name is
replaced by a stable pseudonym everywhere Fridsam still keeps it, and the account is reduced to a
tombstone that the records they signed, wrote or read still point at.

The pseudonym ("Tidigare medarbetare 7F3K2Q") is a keyed hash of the account's number, made once
and kept as the tombstone's username: the same person has the same pseudonym on every page, in
every review and in the access log, so a review still groups their reads, and nobody without the
key can tell from a number which pseudonym it had.

Where a name is kept besides the account itself, and what becomes of it:

- the access log: each entry of theirs, and each entry that quotes their username (a failed login
  typed with it, a manager's question "what has this person read?"), verified and sealed with the
  pseudonym (``core.log_pseudonyms``);
- the drawn reads of log reviews (``ReviewItem.username``) and the signer of culling protocols
  (``CullingRun.signed_by_name``): the pseudonym;
- free text colleagues write (minutes, decisions, actions, goal reviews, consultations and their
  replies, the notes of records and their events, log reviews' notes and conclusions): their full
  name, where it is written, becomes the pseudonym;
- other people's reminders naming them (an introduction to follow up): the pseudonym;
- the admin site's history of changes to the account and its roles: the pseudonym;
- e-mail addresses, federated identities, authenticators (TOTP, recovery codes), sessions, their own
  reminders, their calendar address and the background tasks they asked for (with their files):
  deleted;
- the follow-up records still theirs (closed when they left): to the successor named when they left
  (``Departure``), through that person's own successor if they too have left.
"""

from __future__ import annotations

import datetime
import hashlib
import hmac
import re
from dataclasses import dataclass

from allauth.account.models import EmailAddress
from allauth.mfa.models import Authenticator
from allauth.socialaccount.models import SocialAccount
from django.conf import settings
from django.contrib.admin.models import LogEntry
from django.contrib.contenttypes.models import ContentType
from django.db import transaction
from django.db.models import Exists, OuterRef, Q, QuerySet, Subquery
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from fridsam.accounts.models import Membership, User
from fridsam.collaboration.models import ActionItem, Decision, GoalReview, Meeting
from fridsam.competence.models import CalendarFeed, OnboardingItem
from fridsam.core.audit import current_key, log_access
from fridsam.core.log_culling import ChainNotIntact
from fridsam.core.log_pseudonyms import pseudonymise
from fridsam.core.models import AccessAction, Reminder
from fridsam.core.sessions import end_sessions
from fridsam.followup.models import Consultation, ConsultationReply, FollowUpRecord, RecordEvent
from fridsam.logreview.models import Review, ReviewItem
from fridsam.retention.models import CullingRun, Departure
from fridsam.tasks.models import Task

PREFIX = gettext_lazy("Former staff member")
ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"  # Crockford's base 32: no I, L, O or U to misread

# The free text in which colleagues write each other's names (ADR 0040 says which are left out).
PROSE = (
    (Meeting, ("agenda", "minutes")),
    (Decision, ("text",)),
    (ActionItem, ("text",)),
    (GoalReview, ("comment",)),
    (Consultation, ("question",)),
    (ConsultationReply, ("text",)),
    (FollowUpRecord, ("note",)),
    (RecordEvent, ("reason",)),
    (Review, ("conclusion",)),
    (ReviewItem, ("note",)),
)

# The access log's details that quote a username whole (core.signals, logreview.services).
QUOTING_DETAILS = ("attempted username: {}", "what read {}")


def accounts_left(municipality_id: int | None, cutoff: datetime.date) -> QuerySet:
    """The accounts whose every role ended before ``cutoff`` and that are not removed yet, counted
    in the municipality of the role that ended last (``None``: a role outside any municipality — a
    county analyst, a partner, an administrator — the installation's run)."""
    roles = Membership.system_objects.filter(user=OuterRef("pk"))
    still = roles.filter(Q(valid_until__isnull=True) | Q(valid_until__gte=cutoff))
    last = roles.order_by("-valid_until", "-pk").values("municipality_id")[:1]
    accounts = (
        User.objects.filter(pseudonymised_on__isnull=True)
        .filter(Exists(roles))
        .exclude(Exists(still))
        .annotate(last_municipality=Subquery(last))
    )
    if municipality_id is None:
        return accounts.filter(last_municipality__isnull=True)
    return accounts.filter(last_municipality=municipality_id)


def pseudonym_for(user: User) -> str:
    """The pseudonym the account gets: the installation's words for a former staff member and six
    characters of a keyed hash of its number (longer if another account already has those)."""
    digest = hmac.new(current_key().pseudonym_key, f"user:{user.pk}".encode(), hashlib.sha256).digest()
    code = "".join(ALPHABET[byte % 32] for byte in digest)
    with translation.override(settings.LANGUAGE_CODE):
        prefix = str(PREFIX)
    for length in (6, 8, 10, 16, len(code)):
        candidate = f"{prefix} {code[:length]}"
        if not User.objects.filter(username=candidate).exclude(pk=user.pk).exists():
            return candidate
    return f"{prefix} {code} {user.pk}"


@dataclass(frozen=True)
class Removal:
    pseudonym: str
    log_entries: int  # access-log entries sealed with the pseudonym
    copies: int  # names replaced elsewhere: reviews, protocols, reminders, the admin's history
    texts: int  # free texts in which the full name was replaced
    records: int  # follow-up records given to the successor
    deleted: int  # e-mail addresses, identities, authenticators, sessions, reminders, feed, tasks


def remove_accounts(*, ids: list[int], run: CullingRun) -> tuple[int, list[str]]:
    """The culling of the kind: each account in turn. Returns how many were removed and what
    stopped the others (an access-log entry of theirs that does not verify is evidence: the account
    stays, named, until the log is looked into; the next job tries again)."""
    removed, problems = 0, []
    for user in User.objects.filter(pk__in=ids, pseudonymised_on__isnull=True).order_by("pk"):
        try:
            remove_account(user=user, municipality=run.municipality)
        except ChainNotIntact as error:
            problems.append(
                _("The account of user %(number)s was kept: the access log does not verify (%(problem)s).")
                % {"number": user.pk, "problem": error}
            )
            continue
        removed += 1
    return removed, problems


def remove_account(*, user: User, municipality=None, today: datetime.date | None = None) -> Removal:
    """Replace the person's name by their pseudonym everywhere it is kept and reduce the account to
    a tombstone. The access log first, in batches of its own (raises :class:`ChainNotIntact` with the
    account untouched if an entry does not verify), then the rest in one transaction."""
    today = today or timezone.localdate()
    pseudonym = pseudonym_for(user)
    username = user.username
    entries = pseudonymise(
        user_id=user.pk,
        pseudonym=pseudonym,
        details={pattern.format(username): pattern.format(pseudonym) for pattern in QUOTING_DETAILS},
    )
    with transaction.atomic():
        texts = _replace_in_prose(user.first_name, user.last_name, pseudonym)
        records = _to_successors(user)
        deleted = _delete_what_is_personal(user)
        _tombstone(user, pseudonym, today)
        copies = (
            ReviewItem.system_objects.filter(reader=user).exclude(username=pseudonym).update(username=pseudonym)
            + CullingRun.system_objects.filter(signed_by=user).update(signed_by_name=pseudonym)
            + _reminders_naming(user, pseudonym)
            + _admin_history(user)
        )
        log_access(
            action=AccessAction.DELETE,
            object_type=user,
            municipality=municipality,
            detail=(
                f"account removed after its retention period: {pseudonym}; log entries={entries}; "
                f"copies={copies}; texts={texts}; records to successor={records}; deleted={deleted}"
            ),
        )
    return Removal(pseudonym, entries, copies, texts, records, deleted)


def _name_pattern(first: str, last: str) -> re.Pattern | None:
    """The full name as a phrase of whole words, any spacing, any case; ``None`` without both parts
    (a first name alone is too common to replace)."""
    if not first.strip() or not last.strip():
        return None
    words = f"{first} {last}".split()
    return re.compile(r"(?<!\w)" + r"\s+".join(map(re.escape, words)) + r"(?!\w)", re.IGNORECASE)


def _replace_in_prose(first: str, last: str, pseudonym: str) -> int:
    pattern = _name_pattern(first, last)
    if pattern is None:
        return 0
    needle = f"{first.strip()} {last.strip()}"
    changed = 0
    for model, fields in PROSE:
        for name in fields:
            limit = model._meta.get_field(name).max_length
            rows = model.system_objects.filter(**{f"{name}__icontains": needle}).values_list("pk", name)
            for pk, text in list(rows):
                new = pattern.sub(pseudonym, text)
                if new != text:
                    # An update, not a save: a record's last change (its retention clock) stays.
                    model.system_objects.filter(pk=pk).update(**{name: new[:limit] if limit else new})
                    changed += 1
    return changed


def _to_successors(user: User) -> int:
    """The follow-up records still the person's go to whoever took their work over in each
    municipality — or, if that person has left too, to their successor in turn."""
    moved = 0
    newest = {}
    for departure in Departure.system_objects.filter(user=user).order_by("left_on", "pk"):
        newest[departure.municipality_id] = departure
    for municipality_id, departure in newest.items():
        successor, seen = departure.successor, {user.pk}
        while successor.pk not in seen:
            seen.add(successor.pk)
            onward = (
                Departure.system_objects.filter(user=successor, municipality_id=municipality_id)
                .select_related("successor")
                .order_by("-left_on", "-pk")
                .first()
            )
            if onward is None:
                break
            successor = onward.successor
        if successor.pk == user.pk or successor.pseudonymised_on is not None:
            continue  # nobody left to take them: they stay with the tombstone, which still names them
        moved += FollowUpRecord.system_objects.filter(municipality_id=municipality_id, owner=user).update(
            owner=successor
        )
    return moved


def _delete_what_is_personal(user: User) -> int:
    deleted = 0
    for qs in (
        EmailAddress.objects.filter(user=user),
        SocialAccount.objects.filter(user=user),
        Authenticator.objects.filter(user=user),
        Reminder.objects.filter(user=user),
        CalendarFeed.objects.filter(user=user),
    ):
        deleted += qs.delete()[0]
    files = []
    for task in Task.system_objects.filter(requested_by=user):
        files += [f for f in (task.input_file, task.result_file) if f]
        task.delete()
        deleted += 1
    transaction.on_commit(lambda: [f.storage.delete(f.name) for f in files])
    return deleted + end_sessions(user.pk)


def _tombstone(user: User, pseudonym: str, today: datetime.date) -> None:
    user.username = pseudonym
    user.first_name = user.last_name = user.email = user.phone = ""
    user.set_unusable_password()
    user.is_active = user.is_staff = user.is_superuser = False
    user.last_login = None
    user.pseudonymised_on = today
    user.save()
    user.groups.clear()
    user.user_permissions.clear()


def _reminders_naming(user: User, pseudonym: str) -> int:
    """Other people's reminders that name the person (an introduction step to follow up)."""
    items = OnboardingItem.system_objects.filter(membership__user=user).values_list("pk", flat=True)
    changed = 0
    for reminder in Reminder.objects.filter(key__in=[f"onboarding:{pk}" for pk in items]).exclude(user=user):
        if reminder.params.get("person"):
            reminder.params["person"] = pseudonym
            reminder.save(update_fields=["params"])
            changed += 1
    return changed


def _admin_history(user: User) -> int:
    """The admin site's history keeps what the account and its roles were called when changed."""
    changed = LogEntry.objects.filter(
        content_type=ContentType.objects.get_for_model(User), object_id=str(user.pk)
    ).update(object_repr=str(user)[:200])
    membership_type = ContentType.objects.get_for_model(Membership)
    for membership in Membership.system_objects.filter(user=user).select_related(
        "user", "municipality", "unit", "partner_organisation", "county"
    ):
        changed += LogEntry.objects.filter(content_type=membership_type, object_id=str(membership.pk)).update(
            object_repr=str(membership)[:200]
        )
    return changed
