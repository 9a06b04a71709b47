"""What the retention pages show: rules, holds and runs with counts, never content."""

from __future__ import annotations

import datetime
from collections import defaultdict
from dataclasses import dataclass

from django.db.models import Max, Sum
from django.utils import timezone
from django.utils.translation import ngettext

from fridsam.core.dates import add_months
from fridsam.core.policies import CHANGE
from fridsam.retention.kinds import KINDS, MUNICIPALITY_KINDS
from fridsam.retention.models import Action, Clock, CullingRun, Hold, Kind, RunStatus
from fridsam.retention.policies import installation_policy, retention_policy
from fridsam.retention.pseudonyms import accounts_left
from fridsam.retention.services import effective_rules, held_items


@dataclass(frozen=True)
class RuleRow:
    kind: str
    label: str
    clock: str
    months: int
    action: str
    basis: str
    own: bool
    editable: bool


def rule_rows(municipality) -> list[RuleRow]:
    rules = effective_rules(municipality)
    kinds, clocks, actions = dict(Kind.choices), dict(Clock.choices), dict(Action.choices)
    return [
        RuleRow(
            kind=k,
            label=kinds[k],
            clock=clocks[r.clock],
            months=r.months,
            action=actions[r.action],
            basis=r.basis,
            own=r.own,
            editable=not KINDS[k].installation_only,
        )
        for k, r in rules.items()
        if k in MUNICIPALITY_KINDS or municipality is None or KINDS[k].installation_only
    ]


@dataclass(frozen=True)
class LeaverRow:
    user: object
    left_on: datetime.date  # the last day of their last role
    due_from: datetime.date  # the month their account is culled from, under the municipality's rule
    held: bool


def leavers(municipality, today: datetime.date | None = None) -> list[LeaverRow]:
    """The people whose every role has ended and whose account is the municipality's to remove
    (their last role was here), with when that falls due: what an archivist needs to place a hold."""
    today = today or timezone.localdate()
    rule = effective_rules(municipality)[Kind.STAFF_ACCOUNT]
    everything, held = held_items(municipality.pk, Kind.STAFF_ACCOUNT)
    accounts = (
        accounts_left(municipality.pk, today)
        .annotate(left_on=Max("memberships__valid_until"))
        .order_by("-left_on", "last_name", "first_name")
    )
    rows = []
    for user in accounts:
        due = add_months(user.left_on, rule.months)
        rows.append(LeaverRow(user, user.left_on, add_months(due.replace(day=1), 1), everything or user.pk in held))
    return rows


def overview(*, municipality) -> dict:
    runs = list(
        CullingRun.objects.filter(municipality=municipality)
        .annotate(due_total=Sum("lines__due"), held_total=Sum("lines__held"), culled_total=Sum("lines__culled"))
        .order_by("-month")[:24]
    )
    holds = list(Hold.objects.filter(municipality=municipality).select_related("placed_by", "lifted_by"))
    return {
        "municipality": municipality,
        "rules": rule_rows(municipality),
        "active_holds": [h for h in holds if h.active],
        "lifted_holds": [h for h in holds if not h.active][:20],
        "runs": runs,
        "leavers": leavers(municipality),
        "RunStatus": RunStatus,
    }


@dataclass(frozen=True)
class KindLines:
    kind: str
    label: str
    lines: list
    due: int
    held: int
    culled: int


def counted(kind: str, n: int) -> str:
    """How many items of a kind, in words ("1 staff account", "24 follow-up records")."""
    words = {
        Kind.FOLLOWUP_RECORD: ngettext("%(n)s follow-up record", "%(n)s follow-up records", n),
        Kind.CONSULTATION: ngettext("%(n)s consultation", "%(n)s consultations", n),
        Kind.REFERRAL: ngettext("%(n)s referral", "%(n)s referrals", n),
        Kind.HOUSING_APPLICANT: ngettext("%(n)s housing applicant", "%(n)s housing applicants", n),
        Kind.SURVEY_RESPONSE: ngettext("%(n)s survey answer", "%(n)s survey answers", n),
        Kind.OBSERVATION: ngettext("%(n)s observation", "%(n)s observations", n),
        Kind.ACCESS_LOG: ngettext("%(n)s access-log entry", "%(n)s access-log entries", n),
        Kind.STAFF_ACCOUNT: ngettext("%(n)s staff account", "%(n)s staff accounts", n),
    }
    return words[kind] % {"n": n}


def run_picture(*, run: CullingRun, tenancy) -> dict:
    by_kind = defaultdict(list)
    for line in run.lines.all().order_by("kind", "unit_name"):
        by_kind[line.kind].append(line)
    labels = dict(Kind.choices)
    kinds = [
        KindLines(
            kind=k,
            label=labels[k],
            lines=lines,
            due=sum(x.due for x in lines),
            held=sum(x.held for x in lines),
            culled=sum(x.culled for x in lines),
        )
        for k, lines in sorted(by_kind.items(), key=lambda item: Kind.values.index(item[0]))
    ]
    if run.municipality_id is None:
        can_sign = installation_policy.can(tenancy, CHANGE)
    else:
        can_sign = retention_policy.can(tenancy, CHANGE, run.municipality)
    due = sum(k.due for k in kinds)
    culled = run.status == RunStatus.CULLED
    return {
        "run": run,
        "municipality": run.municipality,
        "kinds": kinds,
        "due": due,
        # In words, per kind: what is due (what was culled, once it is)
        "summary": [counted(k.kind, k.culled if culled else k.due) for k in kinds if (k.culled if culled else k.due)],
        "can_sign": can_sign and run.status == RunStatus.PREVIEWED and due > 0,
        "RunStatus": RunStatus,
    }
