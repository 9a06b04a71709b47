"""Who may do what in the protected housing register and the housing exchange.

The ``county`` scope already limits every query to the user's county. Within it:

* Register: the municipalities' coordinators, managers and social workers and the county analysts
  read it; a partner contact reads only the providers of their own organisation. Coordinators
  register, change and assess providers. The exact address is revealed only to the roles that
  place people (coordinators, managers, social workers of the county's municipalities), each
  reveal in the access log. Free places are reported by the provider's partner contact or a
  coordinator; feedback after a placement comes from the placing municipality's staff.
* Exchange: coordinators (and, reading, managers) of the county's municipalities. An applicant's
  own page is for the responsible municipality only. An apartment's address is revealed to the
  receiving municipality's coordinator once it is allocated (and to the offering municipality,
  which entered it).
* Matching runs (ADR 0012, 2026-12-01): every coordinator and manager of the county reads a run's
  counts. Its proposals and the reasons an applicant was not placed are the applicant's
  municipality's alone (``ProposalPolicy``, ``unmatched_visible``); that municipality's
  coordinator takes a proposal up. The offering municipality learns of a proposal only then, as an
  allocation (``AllocationPolicy``): the applicant's number, the responsible municipality, the
  household and its needs. Nobody else sees anything of another municipality's applicant.
"""

from __future__ import annotations

from django.db.models import Q

from fridsam.core.policies import ADD, CHANGE, VIEW, PermissionPolicy
from fridsam.core.roles import MUNICIPAL_ROLES, Role
from fridsam.housing.models import (
    Allocation,
    AllocationStatus,
    Apartment,
    Applicant,
    MatchRun,
    Proposal,
    Provider,
)

REVEAL = "reveal"
ASSESS = "assess"
REPORT = "report"
FEEDBACK = "feedback"
ACCEPT = "accept"
ALLOCATE = "allocate"
MOVE_IN = "move_in"
WITHDRAW = "withdraw"
MATCH = "match"


def _county_ids(tenancy, *roles) -> set[int]:
    return {m.county_id for m in tenancy.memberships if m.role in roles}


def _municipality_ids(tenancy, *roles) -> set[int]:
    return {m.municipality_id for m in tenancy.memberships if m.role in roles and m.municipality_id}


class ProviderPolicy(PermissionPolicy):
    model = Provider
    actions = (VIEW, ADD, CHANGE, ASSESS, REVEAL, REPORT, FEEDBACK)

    def base_queryset(self):
        return Provider.objects.select_related("located_in", "partner_organisation")

    def can(self, tenancy, action, obj=None):
        readers = _county_ids(tenancy, Role.COUNTY_ANALYST, *MUNICIPAL_ROLES)
        partners = {m.partner_organisation_id for m in tenancy.memberships if m.role == Role.PARTNER}
        if action == VIEW:
            if obj is None:
                return bool(readers or partners)
            return obj.county_id in readers or obj.partner_organisation_id in partners
        if action == ADD:
            county = obj
            ids = _county_ids(tenancy, Role.COORDINATOR)
            return bool(ids) if county is None else getattr(county, "pk", county) in ids
        if action in (CHANGE, ASSESS):
            return obj is not None and obj.county_id in _county_ids(tenancy, Role.COORDINATOR)
        if action in (REVEAL, FEEDBACK):
            return obj is not None and obj.county_id in _county_ids(tenancy, *MUNICIPAL_ROLES)
        if action == REPORT:
            return obj is not None and (
                obj.county_id in _county_ids(tenancy, Role.COORDINATOR)
                or bool(obj.partner_organisation_id and obj.partner_organisation_id in partners)
            )
        return False

    def visible(self, tenancy, action=VIEW):
        qs = self.base_queryset()
        readers = _county_ids(tenancy, Role.COUNTY_ANALYST, *MUNICIPAL_ROLES)
        partners = {m.partner_organisation_id for m in tenancy.memberships if m.role == Role.PARTNER}
        return qs.filter(Q(county_id__in=sorted(readers)) | Q(partner_organisation_id__in=sorted(partners)))

    @staticmethod
    def reads_own_providers_only(tenancy) -> bool:
        """Is the user a partner contact only, who sees the providers of their own organisation
        (and no municipality's staff, who see the county's register)?"""
        return tenancy.has_role(Role.PARTNER) and not tenancy.has_role(*MUNICIPAL_ROLES)

    @staticmethod
    def assessing_municipality(tenancy):
        """The municipality an assessment is recorded for: the user's first as coordinator, or None."""
        municipalities = tenancy.municipalities_with_role(Role.COORDINATOR)
        return municipalities[0] if municipalities else None

    @staticmethod
    def feedback_municipalities(tenancy) -> list:
        """The municipalities on whose behalf the user gives feedback after a placement: where they are staff."""
        return tenancy.municipalities_with_role(*MUNICIPAL_ROLES)


class ExchangePolicy(PermissionPolicy):
    """The housing exchange as a whole: apartments, commitments, matching, the ledger."""

    model = Apartment
    actions = (VIEW, ADD, CHANGE, REVEAL, MATCH)

    def base_queryset(self):
        return Apartment.objects.select_related("municipality")

    def can(self, tenancy, action, obj=None):
        if action == VIEW:
            if obj is None:
                return bool(_county_ids(tenancy, Role.COORDINATOR, Role.MANAGER, Role.COUNTY_ANALYST))
            return obj.municipality.county_id in _county_ids(tenancy, Role.COORDINATOR, Role.MANAGER)
        if action == ADD:  # offer an apartment, register an applicant, set a commitment (obj: municipality)
            ids = _municipality_ids(tenancy, Role.COORDINATOR)
            return bool(ids) if obj is None else getattr(obj, "pk", obj) in ids
        if action == CHANGE:
            return obj is not None and obj.municipality_id in _municipality_ids(tenancy, Role.COORDINATOR)
        if action == MATCH:
            return bool(_county_ids(tenancy, Role.COORDINATOR))
        if action == REVEAL:
            if obj is None:
                return False
            coordinator_of = _municipality_ids(tenancy, Role.COORDINATOR)
            if obj.municipality_id in coordinator_of:
                return True
            return any(
                a.status in (AllocationStatus.ALLOCATED, AllocationStatus.MOVED_IN)
                and a.applicant.municipality_id in coordinator_of
                for a in obj.allocations.select_related("applicant")
            )
        return False

    def visible(self, tenancy, action=VIEW):
        if not self.can(tenancy, VIEW):
            return self.base_queryset().none()
        counties = _county_ids(tenancy, Role.COORDINATOR, Role.MANAGER)
        return self.base_queryset().filter(municipality__county_id__in=sorted(counties))

    @staticmethod
    def adding_municipalities(tenancy) -> list:
        """The municipalities for which the user offers apartments, registers applicants and sets
        the commitment (``ADD``): where they are coordinator."""
        return tenancy.municipalities_with_role(Role.COORDINATOR)

    @staticmethod
    def own_municipality_ids(tenancy) -> set[int]:
        """The municipalities whose part of the exchange the user works with (their apartments and
        their row of the ledger): where they are coordinator or manager."""
        return _municipality_ids(tenancy, Role.COORDINATOR, Role.MANAGER)

    @staticmethod
    def reads_ledger(tenancy, county) -> bool:
        return county.pk in _county_ids(tenancy, Role.COORDINATOR, Role.MANAGER, Role.COUNTY_ANALYST)


class ApplicantPolicy(PermissionPolicy):
    model = Applicant
    actions = (VIEW, ADD, CHANGE)

    def base_queryset(self):
        return Applicant.objects.select_related("municipality").prefetch_related(
            "excluded_municipalities", "preferred_municipalities"
        )

    def can(self, tenancy, action, obj=None):
        if action == VIEW:
            ids = _municipality_ids(tenancy, Role.COORDINATOR, Role.MANAGER)
            return bool(ids) if obj is None else obj.municipality_id in ids
        if action in (ADD, CHANGE):
            ids = _municipality_ids(tenancy, Role.COORDINATOR)
            if obj is None:
                return bool(ids)
            return (obj.municipality_id if isinstance(obj, Applicant) else getattr(obj, "pk", obj)) in ids
        return False

    def visible(self, tenancy, action=VIEW):
        ids = _municipality_ids(tenancy, Role.COORDINATOR, Role.MANAGER)
        return self.base_queryset().filter(municipality_id__in=sorted(ids))


class AllocationPolicy(PermissionPolicy):
    model = Allocation
    actions = (VIEW, ACCEPT, ALLOCATE, MOVE_IN, WITHDRAW)

    def base_queryset(self):
        return Allocation.objects.select_related("apartment__municipality", "applicant__municipality")

    @staticmethod
    def sides(tenancy, allocation) -> tuple[bool, bool]:
        """(coordinator of the offering municipality, coordinator of the receiving municipality)"""
        ids = _municipality_ids(tenancy, Role.COORDINATOR)
        return allocation.apartment.municipality_id in ids, allocation.applicant.municipality_id in ids

    def can(self, tenancy, action, obj=None):
        if obj is None:
            return action == VIEW and bool(_municipality_ids(tenancy, Role.COORDINATOR, Role.MANAGER))
        offering, receiving = self.sides(tenancy, obj)
        if action == VIEW:
            ids = _municipality_ids(tenancy, Role.COORDINATOR, Role.MANAGER)
            return obj.apartment.municipality_id in ids or obj.applicant.municipality_id in ids
        if action == ACCEPT:
            return (offering and obj.offering_accepted_at is None) or (receiving and obj.receiving_accepted_at is None)
        if action == ALLOCATE:
            return offering
        if action == MOVE_IN:
            return receiving
        if action == WITHDRAW:
            return offering or receiving
        return False

    def visible(self, tenancy, action=VIEW):
        ids = sorted(_municipality_ids(tenancy, Role.COORDINATOR, Role.MANAGER))
        return self.base_queryset().filter(
            Q(apartment__municipality_id__in=ids) | Q(applicant__municipality_id__in=ids)
        )


class MatchRunPolicy(PermissionPolicy):
    """A matching run's counts: read by the county's coordinators and managers."""

    model = MatchRun
    actions = (VIEW,)

    def base_queryset(self):
        return MatchRun.objects.select_related("county", "run_by")

    def can(self, tenancy, action, obj=None):
        if action != VIEW:
            return False
        counties = _county_ids(tenancy, Role.COORDINATOR, Role.MANAGER)
        return bool(counties) if obj is None else obj.county_id in counties

    def visible(self, tenancy, action=VIEW):
        if action != VIEW:
            return self.base_queryset().none()
        return self.base_queryset().filter(county_id__in=sorted(_county_ids(tenancy, Role.COORDINATOR, Role.MANAGER)))


class ProposalPolicy(PermissionPolicy):
    """A proposal is the applicant's municipality's: its coordinators and managers read it (the
    apartment, where it lies, the fit and its reasons), its coordinators take it up. The offering
    municipality does not see it: it sees the allocation once the proposal has been taken up."""

    model = Proposal
    actions = (VIEW, ACCEPT)

    def base_queryset(self):
        return Proposal.objects.select_related("run", "applicant__municipality", "apartment__municipality")

    @staticmethod
    def _readers(tenancy, action) -> set[int]:
        if action == VIEW:
            return _municipality_ids(tenancy, Role.COORDINATOR, Role.MANAGER)
        if action == ACCEPT:
            return _municipality_ids(tenancy, Role.COORDINATOR)
        return set()

    def can(self, tenancy, action, obj=None):
        ids = self._readers(tenancy, action)
        return bool(ids) if obj is None else obj.applicant.municipality_id in ids

    def visible(self, tenancy, action=VIEW):
        return self.base_queryset().filter(applicant__municipality_id__in=sorted(self._readers(tenancy, action)))


def unmatched_visible(tenancy, run) -> list[dict]:
    """The run's entries of applicants not placed that the user may read: those of the
    municipalities whose applicants the user reads (the reasons tell which municipalities an
    applicant excluded, so nobody else gets them)."""
    ids = {u["applicant"] for u in run.unmatched}
    own = set(applicant_policy.visible(tenancy).filter(pk__in=sorted(ids)).values_list("pk", flat=True))
    return [u for u in run.unmatched if u["applicant"] in own]


provider_policy = ProviderPolicy()
exchange_policy = ExchangePolicy()
applicant_policy = ApplicantPolicy()
allocation_policy = AllocationPolicy()
match_run_policy = MatchRunPolicy()
proposal_policy = ProposalPolicy()
