"""Reads of the protected housing register and the housing exchange, in constant queries; they write
nothing (an applicant's page, which is logged, is read through ``services.applicant_read``)."""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.conf import settings
from django.db.models import Avg, Count, IntegerField, OuterRef, Q, Subquery
from django.db.models.functions import ExtractYear
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from fridsam.core import generations
from fridsam.core.policies import VIEW
from fridsam.core.roles import Role
from fridsam.housing.models import (
    Allocation,
    AllocationStatus,
    Apartment,
    Applicant,
    AvailabilityReport,
    Commitment,
    FrozenLedgerYear,
    MatchRun,
    PlacementFeedback,
    Proposal,
    QualityAssessment,
)
from fridsam.housing.policies import (
    ACCEPT,
    allocation_policy,
    applicant_policy,
    proposal_policy,
    provider_policy,
    unmatched_visible,
)
from fridsam.housing.search import Availability, Candidate, is_stale, stale_from
from fridsam.organisations.models import Municipality


def quality_status(assured: bool | None, assessed_on: datetime.date | None, today: datetime.date) -> str:
    """assured | expired | not_assured | not_assessed, from the latest assessment."""
    if assessed_on is None:
        return "not_assessed"
    if not assured:
        return "not_assured"
    if (today - assessed_on).days > settings.FRIDSAM_HOUSING_ASSESSMENT_MAX_AGE_DAYS:
        return "expired"
    return "assured"


def with_status(providers):
    """Annotate providers with their latest assessment and availability report and their feedback."""
    latest_assessment = QualityAssessment.objects.filter(provider=OuterRef("pk")).order_by("-assessed_on", "-id")
    latest_report = AvailabilityReport.objects.filter(provider=OuterRef("pk")).order_by("-reported_at", "-id")
    feedback = (
        PlacementFeedback.objects.filter(provider=OuterRef("pk"))
        .order_by()
        .values("provider")
        .annotate(avg=Avg("overall"), n=Count("id"))
    )
    return providers.annotate(
        assessed_on=Subquery(latest_assessment.values("assessed_on")[:1]),
        assured=Subquery(latest_assessment.values("quality_assured")[:1]),
        free_places=Subquery(latest_report.values("free_places")[:1], output_field=IntegerField()),
        free_family_rooms=Subquery(latest_report.values("free_family_rooms")[:1], output_field=IntegerField()),
        reported_at=Subquery(latest_report.values("reported_at")[:1]),
        feedback_average=Subquery(feedback.values("avg")[:1]),
        feedback_count=Subquery(feedback.values("n")[:1], output_field=IntegerField()),
    )


def candidate(provider, today, now) -> Candidate:
    availability = None
    if provider.reported_at is not None:
        availability = Availability(
            free_places=provider.free_places,
            free_family_rooms=provider.free_family_rooms,
            reported_at=timezone.localtime(provider.reported_at),
            stale=is_stale(provider.reported_at, now),
        )
        if not availability.stale:  # a page that says "fresh" changes when the report goes stale
            generations.changes_at(stale_from(provider.reported_at))
    return Candidate(
        provider=provider,
        target_groups=set(provider.target_groups or []),
        children_max_age=provider.children_max_age,
        places=provider.places,
        family_rooms=provider.family_rooms,
        quality=quality_status(provider.assured, provider.assessed_on, today),
        availability=availability,
        feedback_average=float(provider.feedback_average) if provider.feedback_average is not None else None,
        feedback_count=provider.feedback_count or 0,
    )


def candidates(providers) -> list[Candidate]:
    today, now = timezone.localdate(), timezone.now()
    return [candidate(p, today, now) for p in with_status(providers.filter(active=True))]


def assessments_of(provider):
    return (
        QualityAssessment.objects.filter(provider=provider)
        .select_related("assessor", "assessor_municipality")
        .prefetch_related("results__criterion")
    )


def feedback_summary(provider) -> dict:
    """Average overall score and the count of each rating per criterion."""
    rows = list(PlacementFeedback.objects.filter(provider=provider).select_related("municipality"))
    per_criterion: dict[str, dict[str, int]] = {}
    for row in rows:
        for key, rating in row.ratings.items():
            per_criterion.setdefault(key, {}).setdefault(rating, 0)
            per_criterion[key][rating] += 1
    average = sum(r.overall for r in rows) / len(rows) if rows else None
    return {"rows": rows, "average": average, "per_criterion": per_criterion}


# --- The exchange -----------------------------------------------------------------------------


@dataclass
class LedgerRow:
    municipality: Municipality
    committed: int | None
    offered: int
    given: int  # own apartments allocated to other municipalities' applicants
    taken: int  # own applicants placed in other municipalities' apartments
    placed_at_home: int

    @property
    def balance(self) -> int:
        return self.given - self.taken

    @property
    def shortfall(self) -> int | None:
        return None if self.committed is None else max(self.committed - self.offered, 0)


DONE = (AllocationStatus.ALLOCATED, AllocationStatus.MOVED_IN)


def allocation_counts(allocations, county_id: int, year: int) -> tuple[dict, dict, dict]:
    """Per municipality of the county: its apartments allocated to others' applicants, its
    applicants placed in others' apartments, and those placed at home, in a year (one query)."""
    pairs = (
        allocations.filter(apartment__municipality__county_id=county_id, status__in=DONE)
        .annotate(year=ExtractYear("allocated_on"))
        .filter(year=year)
        .values_list("apartment__municipality_id", "applicant__municipality_id")
    )
    given: dict[int, int] = {}
    taken: dict[int, int] = {}
    home: dict[int, int] = {}
    for offering, receiving in pairs:
        if offering == receiving:
            home[offering] = home.get(offering, 0) + 1
        else:
            given[offering] = given.get(offering, 0) + 1
            taken[receiving] = taken.get(receiving, 0) + 1
    return given, taken, home


def ledger(county, year: int) -> list[LedgerRow]:
    """Per municipality of the county: committed, offered, received by others, own applicants
    placed elsewhere, and the balance (given − taken). Five queries whatever the size. A year
    whose allocations are being culled shows its frozen figures (``FrozenLedgerYear``)."""
    municipalities = list(Municipality.objects.filter(county=county).order_by("name"))
    committed = dict(
        Commitment.objects.filter(municipality__county=county, year=year).values_list("municipality_id", "apartments")
    )
    offered = dict(
        Apartment.objects.filter(municipality__county=county, available_from__year=year)
        .values("municipality_id")
        .annotate(n=Count("id"))
        .values_list("municipality_id", "n")
    )
    frozen = list(
        FrozenLedgerYear.objects.filter(municipality__county=county, year=year).values_list(
            "municipality_id", "given", "taken", "placed_at_home"
        )
    )
    if frozen:  # the year's allocations are being culled: the figures as they were (ADR 0040)
        given = {m: g for m, g, _t, _h in frozen}
        taken = {m: t for m, _g, t, _h in frozen}
        home = {m: h for m, _g, _t, h in frozen}
    else:
        given, taken, home = allocation_counts(Allocation.objects.all(), county.pk, year)
    return [
        LedgerRow(
            municipality=m,
            committed=committed.get(m.pk),
            offered=offered.get(m.pk, 0),
            given=given.get(m.pk, 0),
            taken=taken.get(m.pk, 0),
            placed_at_home=home.get(m.pk, 0),
        )
        for m in municipalities
    ]


def ledger_years(county) -> list[int]:
    years = set(Commitment.objects.filter(municipality__county=county).values_list("year", flat=True).distinct())
    years |= {d.year for d in Apartment.objects.filter(municipality__county=county).dates("available_from", "year")}
    years.add(timezone.localdate().year)
    return sorted(years, reverse=True)


def allocations_needing(tenancy, allocations):
    """The allocations in which the user has something to do now, with what."""
    todo = []
    for a in allocations:
        offering, receiving = allocation_policy.sides(tenancy, a)
        if (
            (
                a.status == AllocationStatus.PROPOSED
                and ((offering and a.offering_accepted_at is None) or (receiving and a.receiving_accepted_at is None))
            )
            or (a.status == AllocationStatus.ACCEPTED and offering)
            or (a.status == AllocationStatus.ALLOCATED and receiving)
        ):
            todo.append(a)
    return todo


def live_allocations(qs):
    return qs.filter(Q(status__in=[AllocationStatus.PROPOSED, AllocationStatus.ACCEPTED, AllocationStatus.ALLOCATED]))


def start_summary(tenancy) -> dict | None:
    """What the start page shows of protected housing and the exchange: the coordinator's waiting
    allocations and applicants, and a partner contact's providers with their last report."""
    summary = {}
    if tenancy.has_role(Role.COORDINATOR):
        allocations = list(live_allocations(allocation_policy.visible(tenancy)))
        summary["todo"] = len(allocations_needing(tenancy, allocations))
        summary["waiting"] = applicant_policy.visible(tenancy).filter(status="waiting").count()
    partner_ids = [m.partner_organisation_id for m in tenancy.memberships if m.role == Role.PARTNER]
    if partner_ids:
        now = timezone.now()
        providers = list(
            with_status(provider_policy.visible(tenancy).filter(partner_organisation_id__in=partner_ids, active=True))
        )
        if providers:  # a partner whose organisation runs no protected housing has nothing to report
            summary["providers"] = [
                (p, p.reported_at, p.reported_at is None or is_stale(p.reported_at, now)) for p in providers
            ]
            for p in providers:  # the start page (kept, ADR 0047) changes when a report goes stale
                if p.reported_at is not None and not is_stale(p.reported_at, now):
                    generations.changes_at(stale_from(p.reported_at))
    return summary or None


def reports_for_providers(tenancy) -> bool:
    """Does the user's partner organisation report free places for an active provider?"""
    partner_ids = [m.partner_organisation_id for m in tenancy.memberships if m.role == Role.PARTNER]
    return bool(partner_ids) and (
        provider_policy.visible(tenancy).filter(partner_organisation_id__in=partner_ids, active=True).exists()
    )


# --- What a municipality sees of a matching run (ADR 0012, 2026-12-01) -------------------------


def proposal_reasons(explanation: dict) -> list[str]:
    """Why a proposal fits, as shown to the applicant's municipality (and to nobody else: the
    reasons tell the household's time in protected housing and its preferences)."""
    reasons = []
    if explanation.get("urgency"):
        reasons.append(_("Time in protected housing: %(n)s") % {"n": explanation["urgency"]})
    if explanation.get("preferred"):
        reasons.append(_("Preferred municipality: 300"))
    extra = explanation.get("extra_rooms")
    if extra == 0:
        reasons.append(_("Exactly the rooms needed: 220"))
    elif extra == 1:
        reasons.append(_("One room more than needed: 110"))
    elif extra is not None:
        reasons.append(
            ngettext("%(n)s room more than needed: 0", "%(n)s rooms more than needed: 0", extra) % {"n": extra}
        )
    return reasons


def unmatched_reason(entry: dict) -> str:
    """The binding reason an applicant was not placed. Every stage after the exclusions counts the
    apartments outside the excluded municipalities, so each of these texts is the applicant's
    municipality's alone."""
    d = entry.get("detail") or {}
    reason = entry["reason"]
    if reason == "no_offers":
        return _("No apartments are offered in the pool.")
    if reason == "excluded":
        n = d.get("offers", 0)
        return ngettext(
            "The only apartment lies in a municipality excluded for safety.",
            "All %(n)s apartments lie in municipalities excluded for safety.",
            n,
        ) % {"n": n}
    if reason == "rooms":
        n = d.get("excluded", 0)
        return ngettext(
            "The one apartment outside the excluded municipalities does not have enough rooms.",
            "None of the %(n)s apartments outside the excluded municipalities has enough rooms.",
            n,
        ) % {"n": n}
    if reason == "accessible":
        n = d.get("rooms", 0)
        return ngettext(
            "The one apartment with enough rooms is not wheelchair accessible.",
            "None of the %(n)s apartments with enough rooms is wheelchair accessible.",
            n,
        ) % {"n": n}
    if reason == "ground_or_lift":
        n = d.get("accessible", 0)
        return ngettext(
            "The one apartment that otherwise fits is neither on the ground floor nor has a lift.",
            "None of the %(n)s apartments that otherwise fit is on the ground floor or has a lift.",
            n,
        ) % {"n": n}
    return ngettext(
        "%(n)s apartment fits, but it was needed to place another applicant (placing as many as possible).",
        "%(n)s apartments fit, but all were needed to place other applicants (placing as many as possible).",
        d.get("fitting", 0),
    ) % {"n": d.get("fitting", 0)}


@dataclass
class RunCounts:
    """The county's figures of a run: what every reader of the run sees."""

    applicants: int
    apartments: int
    proposals: int
    not_placed: int
    greedy_placed: int


@dataclass
class ProposalRow:
    proposal: Proposal
    reasons: list[str]
    allocation_id: int | None  # the allocation it was taken up as, when the user is a party to it
    can_take_up: bool


@dataclass
class UnmatchedRow:
    applicant: Applicant
    reason: str


@dataclass
class RunPicture:
    run: MatchRun
    counts: RunCounts
    reads_applicants: bool
    proposals: list[ProposalRow]  # the user's municipalities' applicants only
    unmatched: list[UnmatchedRow]  # likewise
    allocations: list[Allocation]  # taken up from this run, where the user is a party


def match_run_picture(tenancy, run: MatchRun) -> RunPicture:
    """Everything any output shows of a matching run, chosen for the user in one place: the
    county's counts for everyone; the proposals and the reasons for not placing only for the
    applicant's municipality; the allocations taken up from the run for their two parties (the
    offering municipality learns of a proposal only then). Five queries whatever the size."""
    allocations = list(allocation_policy.visible(tenancy).filter(proposal__run=run).order_by("created_at", "id"))
    taken_up = {a.proposal_id: a.pk for a in allocations}
    proposals = [
        ProposalRow(
            proposal=p,
            reasons=proposal_reasons(p.explanation),
            allocation_id=taken_up.get(p.pk),
            can_take_up=proposal_policy.can(tenancy, ACCEPT, p),
        )
        for p in proposal_policy.visible(tenancy).filter(run=run).order_by("-score", "id")
    ]
    entries = unmatched_visible(tenancy, run)
    applicants = applicant_policy.visible(tenancy).prefetch_related(None).in_bulk([u["applicant"] for u in entries])
    unmatched = [
        UnmatchedRow(applicant=applicants[u["applicant"]], reason=unmatched_reason(u))
        for u in entries
        if u["applicant"] in applicants
    ]
    return RunPicture(
        run=run,
        counts=RunCounts(
            applicants=run.applicants,
            apartments=run.apartments,
            proposals=run.placed,
            not_placed=len(run.unmatched),
            greedy_placed=run.greedy_placed,
        ),
        reads_applicants=applicant_policy.can(tenancy, VIEW),
        proposals=proposals,
        unmatched=unmatched,
        allocations=allocations,
    )


def apartment_allocations(tenancy, apartment: Apartment) -> list[Allocation]:
    """An apartment's allocations that the user is a party to (the apartment page lists them)."""
    return list(allocation_policy.visible(tenancy).filter(apartment=apartment).order_by("-created_at", "-id"))
