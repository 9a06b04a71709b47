"""Drawing a period's review: the random sample of case-level reads per unit and the flags.

Pure reads of the access log, the memberships and the follow-up records (three kinds of queries,
the records in chunks), then one pass in memory; nothing is written here (the service stores what
is drawn). ADR 0039 gives the rules; the thresholds are settings:

* the sample: ``sample_size`` reads per unit (the reader's unit that day; readers without a unit,
  the municipality's coordinators and managers, form one group), drawn with a generator seeded from
  the municipality, the period and the unit, so drawing the same period again gives the same sample;
* ``outside_unit``: a record of a unit the reader did not belong to that day (a reader whose every
  role in the municipality is tied to units; not the record's owner);
* ``no_purpose``: someone else's record read without a purpose; ``other_purpose``: the purpose
  "other";
* ``burst``: at least ``FRIDSAM_LOG_REVIEW_BURST_READS`` case-level reads by one person within
  ``FRIDSAM_LOG_REVIEW_BURST_MINUTES`` minutes (the first read of the burst is flagged, with its
  size);
* ``protected``: a record marked "protected personal data", read by someone other than its owner;
* ``role_ended``: a read by someone who held no role in the municipality on that day;
* ``refused``: every refused attempt (``denied``).
"""

from __future__ import annotations

import bisect
import datetime
import hashlib
import random
from collections import defaultdict
from dataclasses import dataclass, field

from django.conf import settings
from django.db.models import BooleanField, Case, ExpressionWrapper, IntegerField, Q, Value, When
from django.utils import timezone, translation

from fridsam.accounts.models import Membership
from fridsam.core.caselevel import case_level_models
from fridsam.core.models import AccessAction, AccessLogEntry
from fridsam.core.roles import MUNICIPAL_ROLES
from fridsam.followup.models import FollowUpRecord
from fridsam.followup.purpose import Purpose
from fridsam.logreview.models import Flag

RECORD = "followup.followuprecord"
READS = (AccessAction.READ, AccessAction.LIST, AccessAction.EXPORT)
NONE, SOME, OTHER = 0, 1, 2  # what a read's purpose says
CHUNK = 5000


@dataclass(frozen=True)
class Period:
    start: datetime.date
    end: datetime.date  # the last day, included

    @property
    def bounds(self) -> tuple[datetime.datetime, datetime.datetime]:
        """The period's first and first-after instants in the installation's time zone."""
        first = datetime.datetime.combine(self.start, datetime.time.min)
        after = datetime.datetime.combine(self.end + datetime.timedelta(days=1), datetime.time.min)
        return timezone.make_aware(first), timezone.make_aware(after)

    @property
    def due_on(self) -> datetime.date:
        return self.end + datetime.timedelta(days=settings.FRIDSAM_LOG_REVIEW_DUE_DAYS)


def _month_start(year: int, month: int) -> datetime.date:
    year += (month - 1) // 12
    return datetime.date(year, (month - 1) % 12 + 1, 1)


def period_containing(day: datetime.date, months: int) -> Period:
    """The period of *months* months (aligned to the calendar year) that *day* falls in."""
    first_month = (day.month - 1) // months * months + 1
    start = datetime.date(day.year, first_month, 1)
    after = _month_start(day.year, first_month + months)
    return Period(start, after - datetime.timedelta(days=1))


def last_ended_period(day: datetime.date, months: int) -> Period:
    """The latest period that is over on *day*."""
    return period_containing(period_containing(day, months).start - datetime.timedelta(days=1), months)


def periods_ended(since: datetime.date, day: datetime.date, months: int) -> list[Period]:
    """Every period that is over on *day* and ended on or after *since*, oldest first."""
    found = []
    period = last_ended_period(day, months)
    while period.end >= since:
        found.append(period)
        period = period_containing(period.start - datetime.timedelta(days=1), months)
    return found[::-1]


def seed_for(municipality, period: Period, unit_id: int | None) -> int:
    """The sample's seed: the same municipality, period and unit always draw the same reads."""
    text = f"fridsam log review|{municipality.code}|{period.start}|{period.end}|{unit_id or '-'}"
    return int.from_bytes(hashlib.sha256(text.encode()).digest()[:8], "big")


@dataclass
class Drawn:
    entry_id: int
    sequence: int
    occurred_at: datetime.datetime
    user_id: int | None
    username: str
    action: str
    object_type: str
    object_id: str
    purpose: str
    unit_id: int | None = None
    flags: list[str] = field(default_factory=list)
    burst_size: int | None = None


@dataclass
class Drawing:
    items: list[Drawn]
    reads: int
    readers: int
    refused: int


@dataclass
class _Role:
    unit_id: int | None
    valid_from: datetime.date
    valid_until: datetime.date | None


def _roles(municipality, period: Period) -> dict[int, list[_Role]]:
    rows = Membership.objects.filter(
        Q(valid_until__isnull=True) | Q(valid_until__gte=period.start),
        municipality=municipality,
        role__in=MUNICIPAL_ROLES,
        valid_from__lte=period.end,
    ).values_list("user_id", "unit_id", "valid_from", "valid_until")
    found: dict[int, list[_Role]] = defaultdict(list)
    for user_id, unit_id, valid_from, valid_until in rows:
        found[user_id].append(_Role(unit_id, valid_from, valid_until))
    return found


def _records(municipality, ids: set[int]) -> dict[int, tuple[int, int, bool]]:
    """(unit, owner, protected) of the records read, by id: one query over the range of ids the
    month read (a month reads most of a municipality's open records, so a long list of ids would
    cost more than the few rows of the range that were not read)."""
    if not ids:
        return {}
    rows = FollowUpRecord.objects.filter(municipality=municipality, pk__gte=min(ids), pk__lte=max(ids)).values_list(
        "pk", "unit_id", "owner_id", "protected_identity"
    )
    return {pk: (unit_id, owner_id, protected) for pk, unit_id, owner_id, protected in rows if pk in ids}


def _bursts(times: list[datetime.datetime], size: int, window: datetime.timedelta) -> list[tuple[int, int]]:
    """(index of the first read, largest number of reads within the window) of each burst."""
    bursts: list[list[int]] = []
    start = 0
    last_end = -1
    for j, t in enumerate(times):
        while t - times[start] > window:
            start += 1
        reads = j - start + 1
        if reads < size:
            continue
        if bursts and start <= last_end:
            bursts[-1][1] = max(bursts[-1][1], reads)
        else:
            bursts.append([start, reads])
        last_end = j
    return [(b[0], b[1]) for b in bursts]


def draw(*, municipality, period: Period, sample_size: int) -> Drawing:
    """What the review of *period* looks at: the sample per unit and every flagged read."""
    first, after = period.bounds
    # The reviews' own pages are left out: judging thirty reads would otherwise be next month's burst.
    case_types = sorted(m._meta.label_lower for m in case_level_models() if m._meta.app_label != "logreview")
    with translation.override(settings.LANGUAGE_CODE):  # the purpose is logged in the installation's language
        other = str(Purpose.OTHER.label)
    # Only what the pass needs comes back for each of the month's rows (what a purpose says is
    # reduced to none / some / "other" in the database); the rest is read for the drawn rows alone.
    rows = list(
        AccessLogEntry.objects.filter(
            municipality=municipality,
            occurred_at__gte=first,
            occurred_at__lt=after,
            action__in=[*READS, AccessAction.DENIED],
            object_type__in=case_types,
        )
        .annotate(
            is_record=ExpressionWrapper(Q(object_type=RECORD), output_field=BooleanField()),
            purpose_kind=Case(
                When(purpose="", then=Value(NONE)),
                When(purpose__startswith=other, then=Value(OTHER)),
                default=Value(SOME),
                output_field=IntegerField(),
            ),
        )
        .order_by("occurred_at", "sequence")
        .values_list("pk", "occurred_at", "user_id", "action", "is_record", "object_id", "purpose_kind")
    )
    roles = _roles(municipality, period)
    record_ids = {int(r[5]) for r in rows if r[4] and r[5].isdigit()}
    records = _records(municipality, record_ids)
    # The local day of a read: the period's midnights as instants, found by bisection.
    midnights = [
        timezone.make_aware(datetime.datetime.combine(period.start + datetime.timedelta(days=d), datetime.time.min))
        for d in range(1, (period.end - period.start).days + 1)
    ]

    # One pass over the month, in tuples; a Drawn is made only for the reads that are drawn.
    n = len(rows)
    flags_of: list[list[str] | None] = [None] * n
    unit_of: list[int | None] = [None] * n
    by_user: dict[int, list[int]] = defaultdict(list)
    groups: dict[int | None, list[int]] = defaultdict(list)
    held_on: dict[tuple, tuple[bool, frozenset, int | None]] = {}  # (user, day) → roles held that day
    refused = 0

    def flag(index, code):
        if flags_of[index] is None:
            flags_of[index] = []
        flags_of[index].append(code)

    for index, (_pk, at, user_id, action, is_record, object_id, purpose_kind) in enumerate(rows):
        key = (user_id, bisect.bisect_right(midnights, at))
        held = held_on.get(key)
        if held is None:
            day = period.start + datetime.timedelta(days=key[1])
            units = frozenset(
                r.unit_id
                for r in roles.get(user_id, ())
                if r.valid_from <= day and (r.valid_until is None or r.valid_until >= day)
            )
            held = held_on[key] = (bool(units), units, min((u for u in units if u is not None), default=None))
        has_role, units, unit_id_of_reader = held
        unit_of[index] = unit_id_of_reader
        if action == AccessAction.DENIED:
            refused += 1
            flag(index, Flag.REFUSED)
            continue
        if user_id is not None:
            by_user[user_id].append(index)
            if not has_role:
                flag(index, Flag.ROLE_ENDED)
        groups[unit_id_of_reader].append(index)
        if purpose_kind == OTHER:
            flag(index, Flag.OTHER_PURPOSE)
        if not is_record or not object_id.isdigit():
            continue
        record = records.get(int(object_id))
        if record is None:
            continue
        unit_id, owner_id, protected = record
        if owner_id == user_id:
            continue
        if has_role and None not in units and unit_id not in units:
            flag(index, Flag.OUTSIDE_UNIT)
        if action == AccessAction.READ and purpose_kind == NONE:
            flag(index, Flag.NO_PURPOSE)
        if protected:
            flag(index, Flag.PROTECTED)

    burst_size: dict[int, int] = {}
    size = settings.FRIDSAM_LOG_REVIEW_BURST_READS
    window = datetime.timedelta(minutes=settings.FRIDSAM_LOG_REVIEW_BURST_MINUTES)
    for indexes in by_user.values():
        if len(indexes) < size:
            continue
        for first_index, reads in _bursts([rows[i][1] for i in indexes], size, window):
            flag(indexes[first_index], Flag.BURST)
            burst_size[indexes[first_index]] = reads

    for unit_id, indexes in groups.items():
        rng = random.Random(seed_for(municipality, period, unit_id))  # noqa: S311 - reproducible by design, not a secret
        for i in rng.sample(indexes, min(sample_size, len(indexes))):
            if flags_of[i] is None:
                flags_of[i] = []
            flags_of[i].insert(0, Flag.SAMPLED)

    drawn = [i for i in range(n) if flags_of[i] is not None]
    details = {}
    pks = [rows[i][0] for i in drawn]
    for c in range(0, len(pks), CHUNK):
        for pk, *rest in AccessLogEntry.objects.filter(pk__in=pks[c : c + CHUNK]).values_list(
            "pk", "sequence", "username", "object_type", "purpose"
        ):
            details[pk] = rest
    items = []
    for i in drawn:
        pk, at, user_id, action, _is_record, object_id, _kind = rows[i]
        sequence, username, object_type, purpose = details[pk]
        items.append(
            Drawn(pk, sequence, at, user_id, username, action, object_type, object_id, purpose, unit_of[i],
                  flags_of[i], burst_size.get(i))
        )  # fmt: skip
    return Drawing(items=items, reads=n - refused, readers=len(by_user), refused=refused)
