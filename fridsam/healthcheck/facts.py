"""What the health check knows about a municipality on a given day.

``facts_for(municipalities, as_of)`` gathers the facts of any number of municipalities in a
constant number of queries. A fact the municipality has not recorded (no competence plan, no
routines, no consultations, no statistics for the year) is ``None``: the rules that need it say
"unknown" rather than guessing.
"""

from __future__ import annotations

import datetime
import hashlib
from dataclasses import dataclass, field

from django.core.cache import cache
from django.db.models import Count, Exists, OuterRef, Prefetch, Q

from fridsam.collaboration.models import OPEN_COMPARISON_PARTIES, Agreement, AgreementParty, Referral
from fridsam.competence.selectors import coverage_many, current_plans
from fridsam.coordination.models import Absence, CoordinatorPost, PostAssignment, RoleDescription, Team, TeamMember
from fridsam.coordination.selectors import current_q
from fridsam.core import generations
from fridsam.core.tenancy import ALL, DIMENSIONS, current_scope
from fridsam.evaluation.selectors import coordinator_answers_by_municipality
from fridsam.followup.models import (
    SCHOOLING_SECURED,
    Consultation,
    FollowUpRecord,
    Intervention,
    InterventionKind,
)
from fridsam.opencomparisons.selectors import latest_confirmed
from fridsam.organisations.models import Municipality, Unit
from fridsam.routines.selectors import in_force


@dataclass
class PostFacts:
    post: CoordinatorPost
    share_percent: int
    management_group_seat: bool
    municipalities_served: int
    total_share_percent: int
    role_description: RoleDescription | None
    absence: Absence | None

    @property
    def coordinator_name(self) -> str:
        return self.post.coordinator.get_full_name() or self.post.coordinator.username


@dataclass
class TeamFacts:
    team: Team
    member_unit_ids: set[int]
    member_user_ids: set[int]


@dataclass
class ConsultationFacts:
    asked: int = 0
    answered_within_two_days: int = 0
    unanswered: int = 0
    per_unit: dict[str, int] = field(default_factory=dict)  # unit name → questions


@dataclass
class CollaborationFacts:
    """Written agreements and referrals (None on MunicipalityFacts: none registered in Fridsam)."""

    current_parties: set[str] = field(default_factory=set)  # of the six in the open comparisons
    overdue_parties: set[str] = field(default_factory=set)  # in force, follow-up older than 24 months
    paid_programmes: list[str] = field(default_factory=list)  # titles of paid programme agreements in force
    programme_referrals: int = 0  # referrals to programmes for persons using violence, last 12 months


@dataclass
class TrainingFacts:
    plan_label: str
    coverage: object = None  # competence.selectors.Coverage, for pages that show more than the rule
    completed: int = 0  # basic requirements completed (staff × requirement)
    overdue: int = 0  # past the deadline and not completed
    not_yet_due: int = 0


@dataclass
class RoutineFacts:
    in_force: int = 0
    on_time: int = 0
    overdue_titles: list[str] = field(default_factory=list)
    overdue: list = field(default_factory=list)  # the documents, for links


@dataclass
class PlacementFacts:
    """Placements in protected housing with children over the twelve months up to as_of (2024 rules)."""

    with_children: int = 0
    children: int = 0
    without_own_decision: int = 0  # children placed without a decision of their own
    schooling_not_secured: int = 0  # placements whose schooling is not secured or not recorded


@dataclass
class MunicipalityFacts:
    municipality: Municipality
    as_of: datetime.date
    posts: list[PostFacts] = field(default_factory=list)
    team: TeamFacts | None = None
    unit_ids: set[int] = field(default_factory=set)
    unit_names: dict[int, str] = field(default_factory=dict)
    questionnaire: dict | None = None
    questionnaire_year: int | None = None
    # Basic training of the approved competence plan; None: no approved plan in Fridsam.
    training_coverage_percent: float | None = None
    training: TrainingFacts | None = None
    # Routines and handbooks in force reviewed on time; None: none in force in Fridsam.
    routines_reviewed_percent: float | None = None
    routines: RoutineFacts | None = None
    # Consultations ("bollplank") in the twelve months up to as_of; None: case follow-up not in use.
    consultations: ConsultationFacts | None = None
    # Written agreements and referrals; None: the municipality has registered no agreement.
    collaboration: CollaborationFacts | None = None
    # The confirmed answers of the latest open comparisons survey (question → "yes"/"no"); None: none.
    open_comparisons: dict[str, str] | None = None
    open_comparisons_year: int | None = None
    # Placements with children in protected housing; None: case follow-up not in use.
    placements: PlacementFacts | None = None

    @property
    def has_coordinator(self) -> bool:
        return bool(self.posts)

    @property
    def coordinator_share_percent(self) -> int:
        return sum(p.share_percent for p in self.posts)

    @property
    def uncovered_unit_ids(self) -> set[int]:
        return self.unit_ids - self.team.member_unit_ids if self.team else set(self.unit_ids)


# A municipality's facts are kept in the cache under its data generation, the day and the scope
# they were read in (ADR 0045), generations.CACHE_SECONDS at most.


def _scope_key(scope) -> str:
    """The scope as a short stable token: facts read through the scoped managers differ by scope
    (a county analyst reads no case-level rows), so each scope has its own entry."""
    parts = [
        "*" if (ids := scope.ids(dimension)) is ALL else ",".join(map(str, sorted(ids))) for dimension in DIMENSIONS
    ]
    return hashlib.blake2b("|".join(parts).encode(), digest_size=8).hexdigest()


def facts_for(municipalities, as_of: datetime.date) -> dict[int, MunicipalityFacts]:
    """The facts of each municipality on *as_of*, from the cache where they are there and still
    current, else gathered (in one batch for all that are not)."""
    municipalities = list(municipalities)
    scope = current_scope()
    if not municipalities or scope is None or generations.in_transaction():
        # Inside a transaction the facts may include its own writes, or be rolled back: not cached.
        return _gather(municipalities, as_of)
    token = _scope_key(scope)
    current = generations.current(m.pk for m in municipalities)
    keys = {m.pk: f"healthcheck:facts:{m.pk}:{current[m.pk]}:{as_of.isoformat()}:{token}" for m in municipalities}
    cached = cache.get_many(keys.values())
    missing = [m for m in municipalities if keys[m.pk] not in cached]
    gathered = _gather(missing, as_of) if missing else {}
    if gathered:
        cache.set_many({keys[pk]: facts for pk, facts in gathered.items()}, generations.CACHE_SECONDS)
    result = {}
    for m in municipalities:
        facts = gathered.get(m.pk) or cached[keys[m.pk]]
        facts.municipality = m  # the caller's instance, with what it annotated (population…)
        result[m.pk] = facts
    return result


def _gather(municipalities: list, as_of: datetime.date) -> dict[int, MunicipalityFacts]:
    ids = [m.pk for m in municipalities]
    result = {m.pk: MunicipalityFacts(municipality=m, as_of=as_of) for m in municipalities}

    assignments = list(
        PostAssignment.objects.filter(current_q("post__", as_of), municipality_id__in=ids).select_related(
            "post", "post__coordinator", "post__deputy", "post__placement_unit"
        )
    )
    post_ids = {a.post_id for a in assignments}
    # All municipalities of those posts (a shared post is thin in each of them).
    totals: dict[int, list[int]] = {}
    for post_id, share in PostAssignment.system_objects.filter(post_id__in=post_ids).values_list(
        "post_id", "share_percent"
    ):
        totals.setdefault(post_id, []).append(share)
    descriptions: dict[int, RoleDescription] = {}
    for d in (
        RoleDescription.system_objects.filter(post_id__in=post_ids, written_at__date__lte=as_of)
        .select_related("approved_by")
        .order_by("post_id", "-written_at")
    ):
        descriptions.setdefault(d.post_id, d)
    absences = {
        a.post_id: a
        for a in Absence.system_objects.filter(post_id__in=post_ids, start_date__lte=as_of, end_date__gte=as_of)
    }
    for a in assignments:
        result[a.municipality_id].posts.append(
            PostFacts(
                post=a.post,
                share_percent=a.share_percent,
                management_group_seat=a.management_group_seat,
                municipalities_served=len(totals.get(a.post_id, [])),
                total_share_percent=sum(totals.get(a.post_id, [])),
                role_description=descriptions.get(a.post_id),
                absence=absences.get(a.post_id),
            )
        )

    teams = (
        Team.objects.filter(current_q("", as_of), municipality_id__in=ids)
        .select_related("leader")
        .prefetch_related(Prefetch("members", queryset=TeamMember.system_objects.all()))
    )
    for team in teams.order_by("municipality_id", "-start_date"):
        facts = result[team.municipality_id]
        if facts.team is None:
            facts.team = TeamFacts(
                team=team,
                member_unit_ids={m.unit_id for m in team.members.all() if m.unit_id},
                member_user_ids={m.user_id for m in team.members.all()},
            )
    for municipality_id, unit_id, name in Unit.objects.filter(municipality_id__in=ids, is_active=True).values_list(
        "municipality_id", "pk", "name"
    ):
        result[municipality_id].unit_ids.add(unit_id)
        result[municipality_id].unit_names[unit_id] = name

    for municipality_id, (year, answers) in coordinator_answers_by_municipality(ids, as_of=as_of).items():
        result[municipality_id].questionnaire = answers
        result[municipality_id].questionnaire_year = year
    _consultations(result, ids, as_of)
    _placements(result, ids, as_of)
    for municipality_id, (year, answers) in latest_confirmed(ids, as_of).items():
        result[municipality_id].open_comparisons = answers
        result[municipality_id].open_comparisons_year = year
    _collaboration(result, ids, as_of)
    _competence(result, ids, as_of)
    _routines(result, ids, as_of)
    return result


def _competence(result: dict[int, MunicipalityFacts], ids: list[int], as_of: datetime.date) -> None:
    plans = current_plans(ids, as_of)
    for municipality_id, coverage in coverage_many(plans, as_of).items():
        basic = coverage.basic()
        facts = result[municipality_id]
        facts.training = TrainingFacts(
            plan_label=f"{coverage.plan.year} v{coverage.plan.version}",
            coverage=coverage,
            completed=basic.completed,
            overdue=basic.overdue,
            not_yet_due=basic.not_yet_due,
        )
        due = basic.completed + basic.overdue
        facts.training_coverage_percent = round(100 * basic.completed / due, 1) if due else None


def _routines(result: dict[int, MunicipalityFacts], ids: list[int], as_of: datetime.date) -> None:
    for municipality_id, documents in in_force(ids, as_of).items():
        facts = result[municipality_id]
        facts.routines = RoutineFacts(
            in_force=documents.count,
            on_time=documents.on_time,
            overdue_titles=[d.title for d in documents.overdue],
            overdue=documents.overdue,
        )
        facts.routines_reviewed_percent = documents.percent


def _collaboration(result: dict[int, MunicipalityFacts], ids: list[int], as_of: datetime.date) -> None:
    """Agreements in force on *as_of* and referrals to programmes in the twelve months before (two queries)."""
    for a in Agreement.system_objects.filter(municipality_id__in=ids, approved_on__lte=as_of):
        facts = result[a.municipality_id].collaboration
        if facts is None:
            facts = result[a.municipality_id].collaboration = CollaborationFacts()
        if not a.in_force(as_of):
            continue
        if a.party in OPEN_COMPARISON_PARTIES:
            (facts.current_parties if a.is_current(as_of) else facts.overdue_parties).add(a.party)
        if a.party == AgreementParty.PERPETRATOR_PROGRAMME and a.paid:
            facts.paid_programmes.append(a.title)
    for facts in result.values():
        if facts.collaboration is not None:
            facts.collaboration.overdue_parties -= facts.collaboration.current_parties
    since = as_of - datetime.timedelta(days=365)
    rows = (
        Referral.system_objects.filter(
            municipality_id__in=ids,
            category="perpetrator_programme",
            referred_on__gt=since,
            referred_on__lte=as_of,
        )
        .values("municipality_id")
        .annotate(n=Count("id"))
        .order_by()
    )
    for row in rows:
        facts = result[row["municipality_id"]].collaboration
        if facts is not None:
            facts.programme_referrals = row["n"]


def _placements(result: dict[int, MunicipalityFacts], ids: list[int], as_of: datetime.date) -> None:
    """Placements in protected housing with children that started in the twelve months up to *as_of*
    (one query), for the municipalities using case follow-up."""
    for facts in result.values():
        if facts.consultations is not None:  # case follow-up in use (see _consultations)
            facts.placements = PlacementFacts()
    since = as_of - datetime.timedelta(days=365)
    rows = (
        Intervention.system_objects.filter(
            municipality_id__in=ids,
            kind=InterventionKind.PROTECTED_HOUSING,
            children_placed__gt=0,
            started_on__gt=since,
            started_on__lte=as_of,
        )
        .values_list("municipality_id", "children_placed", "children_with_own_decision", "schooling")
        .order_by()
    )
    for municipality_id, children, own, schooling in rows:
        facts = result[municipality_id].placements
        if facts is None:
            continue
        facts.with_children += 1
        facts.children += children
        facts.without_own_decision += children - (own or 0)
        facts.schooling_not_secured += schooling not in SCHOOLING_SECURED


def _consultations(result: dict[int, MunicipalityFacts], ids: list[int], as_of: datetime.date) -> None:
    """Consultations per municipality and unit over the twelve months up to *as_of* (two queries)."""
    in_use = Municipality.objects.filter(pk__in=ids).filter(
        Exists(FollowUpRecord.system_objects.filter(municipality_id=OuterRef("pk"), opened_on__lte=as_of))
        | Exists(Consultation.system_objects.filter(municipality_id=OuterRef("pk"), asked_at__date__lte=as_of))
    )
    for municipality_id in in_use.values_list("pk", flat=True):
        result[municipality_id].consultations = ConsultationFacts()
    since = as_of - datetime.timedelta(days=365)
    rows = (
        Consultation.system_objects.filter(municipality_id__in=ids, asked_at__date__gt=since, asked_at__date__lte=as_of)
        .values("municipality_id", "unit__name")
        .annotate(
            asked=Count("id"),
            fast=Count("id", filter=Q(answer_minutes__lte=2 * 24 * 60)),
            unanswered=Count("id", filter=Q(first_answered_at__isnull=True)),
        )
        .order_by()
    )
    for row in rows:
        facts = result[row["municipality_id"]].consultations
        if facts is None:
            continue
        facts.asked += row["asked"]
        facts.answered_within_two_days += row["fast"]
        facts.unanswered += row["unanswered"]
        facts.per_unit[row["unit__name"]] = row["asked"]
