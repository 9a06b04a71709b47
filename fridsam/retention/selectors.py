"""What the retention pages show: rules, holds and runs with counts, never content."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

from django.db.models import Sum

from fridsam.core.policies import CHANGE
from fridsam.retention.kinds import KINDS, MUNICIPALITY_KINDS
from fridsam.retention.models import Action, Clock, CullingRun, Hold, Kind, RunStatus
from fridsam.retention.policies import installation_policy, retention_policy
from fridsam.retention.services import effective_rules


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
    return {
        "run": run,
        "municipality": run.municipality,
        "kinds": kinds,
        "due": due,
        "can_sign": can_sign and run.status == RunStatus.PREVIEWED and due > 0,
        "RunStatus": RunStatus,
    }
