"""The health check of one municipality, of a county (the matrix) and over time."""

from __future__ import annotations

import datetime
from collections import Counter
from dataclasses import dataclass

from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from fridsam.core.quality import QUALITY_AREAS, SUCCESS_FACTORS, Area
from fridsam.healthcheck.facts import MunicipalityFacts, facts_for
from fridsam.healthcheck.models import FrozenPoint
from fridsam.healthcheck.rules import RULES, Rule, Status, Verdict, one_language


@dataclass
class Check:
    facts: MunicipalityFacts
    results: list[tuple[Rule, Verdict]]

    @property
    def municipality(self):
        return self.facts.municipality

    def count(self, status: str) -> int:
        return sum(1 for _rule, v in self.results if v.status == status)

    @property
    def risk_count(self) -> int:
        return self.count(Status.RISK)

    @property
    def attention_count(self) -> int:
        return self.count(Status.ATTENTION)

    def by_area(self) -> list[tuple[str, str, list[tuple[Rule, Verdict]]]]:
        """(kind, area label, results) for the quality areas, then the success factors."""
        groups = []
        for kind, areas in (("quality", QUALITY_AREAS), ("factor", SUCCESS_FACTORS)):
            for area in areas:
                items = [(r, v) for r, v in self.results if r.area == area and v.status != Status.NOT_APPLICABLE]
                if items:
                    groups.append((kind, Area(area).label, items))
        return groups

    def verdict(self, rule_id: str) -> Verdict:
        return next(v for r, v in self.results if r.id == rule_id)


def checks_for(municipalities, *, as_of: datetime.date | None = None) -> list[Check]:
    day = as_of or timezone.localdate()
    facts = facts_for(municipalities, day)
    with one_language():
        return [Check(f, [(rule, rule.evaluate(f)) for rule in RULES]) for f in facts.values()]


def check_for(municipality, *, as_of: datetime.date | None = None) -> Check:
    return checks_for([municipality], as_of=as_of)[0]


SORTS = {
    "namn": lambda c: c.municipality.name,
    "risker": lambda c: (-c.count(Status.RISK), -c.count(Status.ATTENTION), c.municipality.name),
    "invanare": lambda c: (-(getattr(c.municipality, "population", None) or 0), c.municipality.name),
}


def county_matrix(municipalities, *, sort: str = "namn") -> list[Check]:
    checks = checks_for(municipalities)
    return sorted(checks, key=SORTS.get(sort, SORTS["namn"]))


def county_picture(checks: list[Check]) -> list[str]:
    """The county's overall picture, written from the data."""
    n = len(checks)
    if not n:
        return []
    with_coordinator = [c for c in checks if c.facts.has_coordinator]
    team_only = [c for c in checks if not c.facts.has_coordinator and c.facts.team]
    neither = [c for c in checks if not c.facts.has_coordinator and not c.facts.team]
    lines = [
        ngettext("%(c)s of %(n)s municipality has a coordinator", "%(c)s of %(n)s municipalities have a coordinator", n)
        % {"c": len(with_coordinator), "n": n}
        + (
            ngettext(
                "; %(t)s works with a violence team only", "; %(t)s work with a violence team only", len(team_only)
            )
            % {"t": len(team_only)}
            if team_only
            else ""
        )
        + (
            ngettext("; %(x)s has neither", "; %(x)s have neither", len(neither)) % {"x": len(neither)}
            if neither
            else ""
        )
        + ".",
    ]
    posts = {p.post.pk: p for c in with_coordinator for p in c.facts.posts}
    if posts:
        fte = sum(p.total_share_percent for p in posts.values()) / 100
        shared = [p for p in posts.values() if p.municipalities_served > 1]
        lines.append(
            ngettext(
                "%(posts)s coordinator post, %(fte)s full-time equivalents in all.",
                "%(posts)s coordinator posts, %(fte)s full-time equivalents in all.",
                len(posts),
            )
            % {"posts": len(posts), "fte": f"{fte:.2f}".rstrip("0").rstrip(".").replace(".", ",")}
        )
        if shared:
            lines.append(
                ngettext(
                    "%(n)s post is shared between municipalities.",
                    "%(n)s posts are shared between municipalities.",
                    len(shared),
                )
                % {"n": len(shared)}
            )
    for rule_id, text in (
        ("HK02", _("Combined with case handling: %(names)s.")),
        ("HK04", _("Purely strategic, far from the social workers: %(names)s.")),
        ("HK05", _("Role description missing, unapproved or older than three years: %(names)s.")),
        ("HK07", _("Without a violence team, or with one that needs attention: %(names)s.")),
        ("HK08", _("Without a deputy entry point: %(names)s.")),
    ):
        names = [c.municipality.name for c in checks if c.verdict(rule_id).status in (Status.RISK, Status.ATTENTION)]
        if names:
            lines.append(text % {"names": ", ".join(names)})
    totals = Counter(v.status for c in checks for _r, v in c.results)
    lines.append(
        _("In all – good: %(good)s, needs attention: %(attention)s, risk: %(risk)s, unknown: %(unknown)s.")
        % {
            "good": totals[Status.GOOD],
            "attention": totals[Status.ATTENTION],
            "risk": totals[Status.RISK],
            "unknown": totals[Status.UNKNOWN],
        }
    )
    return lines


HISTORY_YEARS = 6


def history_days(today: datetime.date, years: int = HISTORY_YEARS) -> list[datetime.date]:
    """The history's points: the 1st of January of each of the last *years* years, then today."""
    return [datetime.date(today.year - i, 1, 1) for i in range(years - 1, -1, -1)] + [today]


def frozen(check: Check, statuses: dict[str, str]) -> Check:
    """*check* with the statuses a frozen point kept (``FrozenPoint``): a rule it has no status
    for (added since) keeps its verdict as computed."""
    results = [
        # The history shows a point's statuses only: a frozen point keeps no explanation.
        (rule, Verdict(statuses[rule.id], "") if rule.id in statuses else verdict)
        for rule, verdict in check.results
    ]
    return Check(check.facts, results)


def history(municipality, *, years: int = HISTORY_YEARS) -> list[tuple[datetime.date, Check]]:
    """The check as it stood on the 1st of January of each of the last *years* years, and today. A
    point frozen before the answers it read were culled shows what it showed then (ADR 0031)."""
    days = history_days(timezone.localdate(), years)
    kept = dict(FrozenPoint.objects.filter(municipality=municipality, day__in=days[:-1]).values_list("day", "statuses"))
    points = []
    for i, day in enumerate(days):
        check = check_for(municipality, as_of=day)
        if day in kept and i < len(days) - 1:
            check = frozen(check, kept[day])
        points.append((day, check))
    return points
