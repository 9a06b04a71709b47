"""Writes of the protected housing register and the housing exchange, and the read service of an
applicant's page (logged).

Each service validates, runs in one transaction and writes the access log in it. Addresses are
encrypted before they reach the database and decrypted only by the reveal services, which log
who read them. The allocation state machine takes a row lock on the allocation it moves; the
creation of a live allocation relies on the database's partial unique indexes, so that two
coordinators accepting the same apartment at the same moment leave exactly one allocation.
"""

from __future__ import annotations

import datetime
import time
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from fridsam.accounts.models import Membership
from fridsam.core import crypto, references
from fridsam.core.audit import log_access
from fridsam.core.models import AccessAction
from fridsam.core.roles import Role
from fridsam.core.validators import contains_personal_identity_number
from fridsam.housing import matching, selectors
from fridsam.housing.models import (
    LIVE_STATUSES,
    Allocation,
    AllocationStatus,
    Apartment,
    ApartmentStatus,
    Applicant,
    ApplicantStatus,
    AvailabilityReport,
    Commitment,
    Criterion,
    CriterionResult,
    FrozenLedgerYear,
    MatchRun,
    OperatorType,
    PlacementFeedback,
    Proposal,
    Provider,
    QualityAssessment,
    Rating,
    Result,
    SecurityMeasure,
    TargetGroup,
)
from fridsam.housing.policies import applicant_policy
from fridsam.organisations.models import Municipality

ADDRESS_MAX_LENGTH = 200


def _log(action, obj, user, *, municipality=None, county=None, detail=""):
    log_access(
        action=action,
        object_type=obj,
        user=user,
        municipality=municipality,
        county=county,
        detail=detail,
    )


def _clean_address(address: str, *, required: bool) -> str:
    value = " ".join((address or "").split())
    if not value:
        if required:
            raise ValidationError({"address": _("Enter the address.")})
        return ""
    if len(value) > ADDRESS_MAX_LENGTH:
        raise ValidationError({"address": _("An address has at most %(n)s characters.") % {"n": ADDRESS_MAX_LENGTH}})
    if contains_personal_identity_number(value):
        raise ValidationError({"address": _("Do not write personal identity numbers in Fridsam.")})
    return value


# --- Providers --------------------------------------------------------------------------------

PROVIDER_FIELDS = (
    "name",
    "operator_type",
    "ivo_permit_number",
    "ivo_permit_date",
    "located_in",
    "phone",
    "places",
    "family_rooms",
    "staffing",
    "security_measures",
    "target_groups",
    "children_max_age",
    "partner_organisation",
    "description",
    "active",
)


def provider_save(*, county, fields: dict, address: str, user, provider: Provider | None = None):
    """Register a provider or change one. An empty address on a change keeps the stored one."""
    creating = provider is None
    provider = provider or Provider(county=county)
    for name in PROVIDER_FIELDS:
        if name in fields:
            setattr(provider, name, fields[name])
    errors: dict[str, list] = {}
    if provider.located_in_id and provider.located_in.county_id != county.pk:
        errors.setdefault("located_in", []).append(_("Choose a municipality in the county."))
    if provider.partner_organisation_id and provider.partner_organisation.county_id != county.pk:
        errors.setdefault("partner_organisation", []).append(_("Choose a partner organisation in the county."))
    if provider.operator_type == OperatorType.PRIVATE:
        if not provider.ivo_permit_number:
            errors.setdefault("ivo_permit_number", []).append(
                _("A privately run protected housing needs a permit from IVO: enter its number.")
            )
        if not provider.ivo_permit_date:
            errors.setdefault("ivo_permit_date", []).append(_("Enter the date of the IVO permit."))
    if provider.ivo_permit_date and provider.ivo_permit_date > timezone.localdate():
        errors.setdefault("ivo_permit_date", []).append(_("The permit date cannot be in the future."))
    unknown = set(provider.target_groups or []) - set(TargetGroup.values)
    if unknown:
        errors.setdefault("target_groups", []).append(_("Unknown target group."))
    if set(provider.security_measures or []) - set(SecurityMeasure.values):
        errors.setdefault("security_measures", []).append(_("Unknown security measure."))
    if provider.children_max_age is not None and TargetGroup.CHILDREN not in (provider.target_groups or []):
        errors.setdefault("children_max_age", []).append(
            _("An age limit for children needs children as a target group.")
        )
    if provider.family_rooms and provider.places and provider.family_rooms > provider.places:
        errors.setdefault("family_rooms", []).append(_("There cannot be more family rooms than places."))
    try:
        clean = _clean_address(address, required=creating)
    except ValidationError as exc:
        errors.update(exc.error_dict)
    try:
        provider.full_clean(exclude=["county", "address_encrypted"], validate_constraints=False)
    except ValidationError as exc:
        for key, value in exc.error_dict.items():
            errors.setdefault(key, []).extend(value)
    if errors:
        raise ValidationError(errors)
    provider.target_groups = sorted(set(provider.target_groups or []), key=TargetGroup.values.index)
    provider.security_measures = sorted(set(provider.security_measures or []), key=SecurityMeasure.values.index)
    if clean:
        provider.address_encrypted = crypto.encrypt_text(clean)
    with transaction.atomic():
        try:
            with transaction.atomic():
                provider.save()
        except IntegrityError as exc:
            raise ValidationError({"name": _("The county already has a provider with this name.")}) from exc
        _log(AccessAction.CREATE if creating else AccessAction.CHANGE, provider, user, county=county)
    return provider


def provider_address_reveal(*, provider: Provider, user) -> str:
    """The provider's address in clear, with a row in the access log."""
    address = crypto.decrypt_text(provider.address_encrypted)
    with transaction.atomic():
        _log(AccessAction.READ, provider, user, county=provider.county, detail="address")
    return address


def assessment_create(
    *,
    provider: Provider,
    assessed_on: datetime.date,
    results: dict[str, tuple[str, str]],
    summary: str,
    user,
    municipality=None,
) -> QualityAssessment:
    """A new assessment: every active criterion gets met / partly / not met / not assessed."""
    criteria = list(Criterion.objects.filter(active=True))
    errors: dict[str, list] = {}
    if assessed_on is None:
        errors["assessed_on"] = [_("Enter the date of the assessment.")]
    elif assessed_on > timezone.localdate():
        errors["assessed_on"] = [_("An assessment cannot be dated in the future.")]
    rows = []
    for criterion in criteria:
        result, note = results.get(criterion.key, ("", ""))
        if result not in Result.values:
            errors.setdefault(f"result_{criterion.key}", []).append(_("Choose a result."))
            continue
        row = CriterionResult(criterion=criterion, result=result, note=(note or "").strip())
        try:
            row.full_clean(exclude=["assessment"], validate_unique=False, validate_constraints=False)
        except ValidationError as exc:
            errors.setdefault(f"note_{criterion.key}", []).extend(exc.message_dict.get("note", exc.messages))
        rows.append(row)
    assessment = QualityAssessment(
        provider=provider, assessed_on=assessed_on, assessor=user, assessor_municipality=municipality, summary=summary
    )
    try:
        assessment.full_clean(exclude=["provider", "assessor", "assessor_municipality", "assessed_on"])
    except ValidationError as exc:
        errors.update(exc.error_dict)
    if errors:
        raise ValidationError(errors)
    assessment.quality_assured = all(r.result == Result.MET for r in rows if r.criterion.required)
    with transaction.atomic():
        assessment.save()
        for row in rows:
            row.assessment = assessment
        CriterionResult.objects.bulk_create(rows)
        _log(AccessAction.CREATE, assessment, user, county=provider.county)
    return assessment


def availability_report(*, provider: Provider, free_places: int, free_family_rooms: int, user):
    errors = {}
    if free_places is None or free_places < 0:
        errors["free_places"] = [_("Enter the number of free places.")]
    elif free_places > provider.places:
        errors["free_places"] = [
            ngettext("The provider has %(n)s place.", "The provider has %(n)s places.", provider.places)
            % {"n": provider.places}
        ]
    if free_family_rooms and free_family_rooms > provider.family_rooms:
        errors["free_family_rooms"] = [
            ngettext(
                "The provider has %(n)s family room.", "The provider has %(n)s family rooms.", provider.family_rooms
            )
            % {"n": provider.family_rooms}
        ]
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        report = AvailabilityReport.objects.create(
            provider=provider,
            reported_at=timezone.now(),
            reported_by=user,
            free_places=free_places,
            free_family_rooms=free_family_rooms or 0,
        )
        _log(AccessAction.CREATE, report, user, county=provider.county)
    return report


def feedback_give(*, provider, municipality, user, placement_ended_on, overall: int, ratings: dict, comment: str):
    keys = set(Criterion.objects.filter(active=True).values_list("key", flat=True))
    clean_ratings = {k: v for k, v in (ratings or {}).items() if v}
    if set(clean_ratings) - keys or set(clean_ratings.values()) - set(Rating.values):
        raise ValidationError(_("Unknown criterion or rating."))
    feedback = PlacementFeedback(
        provider=provider,
        municipality=municipality,
        given_by=user,
        placement_ended_on=placement_ended_on,
        overall=overall,
        ratings=clean_ratings,
        comment=(comment or "").strip(),
    )
    feedback.full_clean(exclude=["provider", "municipality", "given_by"])
    if placement_ended_on > timezone.localdate():
        raise ValidationError({"placement_ended_on": _("Feedback is given after the placement has ended.")})
    with transaction.atomic():
        feedback.save()
        _log(AccessAction.CREATE, feedback, user, municipality=municipality)
    return feedback


# --- The housing exchange ---------------------------------------------------------------------


def commitment_set(*, municipality, year: int, apartments: int, user) -> Commitment:
    commitment = Commitment(municipality=municipality, year=year, apartments=apartments, updated_by=user)
    commitment.full_clean(exclude=["municipality", "updated_by"], validate_unique=False, validate_constraints=False)
    with transaction.atomic():
        commitment, _created = Commitment.objects.update_or_create(
            municipality=municipality, year=year, defaults={"apartments": apartments, "updated_by": user}
        )
        _log(AccessAction.CHANGE, commitment, user, municipality=municipality)
    return commitment


APARTMENT_FIELDS = ("housing_company", "rooms", "size_m2", "rent", "floor", "has_lift", "accessible", "available_from")


def ledger_freeze(county_years) -> int:
    """Keep the ledger's figures of these (county id, year) pairs as they are now: their
    allocations are about to be culled (ADR 0031, 0040). Every municipality of the county gets its
    row, as one allocation counts for the one that gave and the one that took. A year frozen before
    stays as it was. Returns how many county-years were frozen now."""
    frozen = 0
    for county_id, year in sorted(set(county_years)):
        if FrozenLedgerYear.system_objects.filter(municipality__county_id=county_id, year=year).exists():
            continue
        given, taken, home = selectors.allocation_counts(Allocation.system_objects.all(), county_id, year)
        municipalities = list(Municipality.objects.filter(county_id=county_id).values_list("pk", flat=True))
        FrozenLedgerYear.system_objects.bulk_create(
            [
                FrozenLedgerYear(
                    municipality_id=m,
                    year=year,
                    given=given.get(m, 0),
                    taken=taken.get(m, 0),
                    placed_at_home=home.get(m, 0),
                )
                for m in municipalities
            ],
            ignore_conflicts=True,
        )
        frozen += 1
    return frozen


def apartment_offer(*, municipality, fields: dict, address: str, user) -> Apartment:
    apartment = Apartment(municipality=municipality, offered_by=user, **{k: fields.get(k) for k in APARTMENT_FIELDS})
    errors: dict[str, list] = {}
    try:
        clean = _clean_address(address, required=True)
    except ValidationError as exc:
        errors.update(exc.error_dict)
    try:
        apartment.full_clean(exclude=["municipality", "offered_by", "address_encrypted"])
    except ValidationError as exc:
        for key, value in exc.error_dict.items():
            errors.setdefault(key, []).extend(value)
    if errors:
        raise ValidationError(errors)
    apartment.address_encrypted = crypto.encrypt_text(clean)
    with transaction.atomic():
        apartment.save()
        _log(AccessAction.CREATE, apartment, user, municipality=municipality)
    return apartment


def apartment_withdraw(*, apartment: Apartment, user) -> Apartment:
    with transaction.atomic():
        apartment = Apartment.objects.select_for_update().get(pk=apartment.pk)
        if apartment.allocations.filter(status__in=LIVE_STATUSES).exists():
            raise ValidationError(_("The apartment is part of an allocation: withdraw the allocation first."))
        apartment.status = ApartmentStatus.WITHDRAWN
        apartment.save(update_fields=["status"])
        _log(AccessAction.CHANGE, apartment, user, municipality=apartment.municipality, detail="withdrawn")
    return apartment


def apartment_address_reveal(*, apartment: Apartment, user) -> str:
    address = crypto.decrypt_text(apartment.address_encrypted)
    with transaction.atomic():
        _log(AccessAction.READ, apartment, user, municipality=apartment.municipality, detail="address")
    return address


@dataclass
class ApplicantInput:
    reference: str
    adults: int = 1
    children_ages: list[int] = field(default_factory=list)
    min_rooms: int = 1
    needs_accessible: bool = False
    needs_ground_or_lift: bool = False
    excluded: list = field(default_factory=list)  # municipalities
    preferred: list = field(default_factory=list)
    months_in_protected_housing: int = 0


def applicant_register(*, municipality, data: ApplicantInput, user) -> Applicant:
    errors: dict[str, list] = {}
    try:
        reference_hash = references.reference_hash(municipality, data.reference)
    except ValidationError as exc:
        errors["reference"] = exc.messages
        reference_hash = ""
    if not data.excluded:
        errors["excluded"] = [
            _("Name at least one municipality excluded for safety (normally where the person using violence lives).")
        ]
    if any(m.county_id != municipality.county_id for m in [*data.excluded, *data.preferred]):
        errors.setdefault("excluded", []).append(_("The exchange covers the municipalities of the county only."))
    both = {m.pk for m in data.excluded} & {m.pk for m in data.preferred}
    if both:
        errors["preferred"] = [_("A municipality cannot be both excluded and preferred.")]
    if any(not 0 <= age <= 17 for age in data.children_ages):
        errors["children_ages"] = [_("A child's age is 0–17 years.")]
    if len(data.children_ages) > 10:
        errors["children_ages"] = [_("At most ten children.")]
    applicant = Applicant(
        municipality=municipality,
        reference_hash=reference_hash,
        adults=data.adults,
        children_ages=sorted(data.children_ages, reverse=True),
        min_rooms=data.min_rooms,
        needs_accessible=data.needs_accessible,
        needs_ground_or_lift=data.needs_ground_or_lift,
        months_in_protected_housing=data.months_in_protected_housing,
        registered_on=timezone.localdate(),
        registered_by=user,
    )
    try:
        applicant.full_clean(exclude=["municipality", "reference_hash", "registered_by"], validate_constraints=False)
    except ValidationError as exc:
        for key, value in exc.error_dict.items():
            errors.setdefault(key, []).extend(value)
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        try:
            with transaction.atomic():
                applicant.save()
        except IntegrityError as exc:
            raise ValidationError(
                {"reference": _("This case is already waiting in the exchange (%(n)s).") % {"n": _waiting(applicant)}}
            ) from exc
        applicant.excluded_municipalities.set(data.excluded)
        applicant.preferred_municipalities.set(data.preferred)
        _log(AccessAction.CREATE, applicant, user, municipality=municipality)
    return applicant


def _waiting(applicant) -> str:
    other = Applicant.objects.filter(
        municipality=applicant.municipality, reference_hash=applicant.reference_hash, status=ApplicantStatus.WAITING
    ).first()
    return str(other) if other else ""


def applicant_withdraw(*, applicant: Applicant, user) -> Applicant:
    with transaction.atomic():
        applicant = Applicant.objects.select_for_update().get(pk=applicant.pk)
        if applicant.allocations.filter(status__in=LIVE_STATUSES).exists():
            raise ValidationError(_("The applicant has an allocation: withdraw the allocation first."))
        applicant.status = ApplicantStatus.WITHDRAWN
        applicant.save(update_fields=["status"])
        _log(AccessAction.CHANGE, applicant, user, municipality=applicant.municipality, detail="withdrawn")
    return applicant


def applicant_read(*, tenancy, pk: int) -> Applicant:
    """An applicant's own page (the responsible municipality's only); the read is logged, since the
    page shows what nobody else sees: the municipalities excluded for safety (ADR 0021)."""
    applicant = applicant_policy.get_or_404(tenancy, pk=pk)
    _log(AccessAction.READ, applicant, tenancy.user, municipality=applicant.municipality)
    return applicant


def pool(county):
    """The waiting applicants and the offered apartments of a county that hold no live allocation."""
    applicants = list(
        Applicant.objects.filter(municipality__county=county, status=ApplicantStatus.WAITING)
        .exclude(allocations__status__in=LIVE_STATUSES)
        .prefetch_related("excluded_municipalities", "preferred_municipalities")
        .order_by("id")
    )
    apartments = list(
        Apartment.objects.filter(municipality__county=county, status=ApartmentStatus.OFFERED)
        .exclude(allocations__status__in=LIVE_STATUSES)
        .order_by("id")
    )
    return applicants, apartments


def need_of(applicant: Applicant) -> matching.Need:
    return matching.Need(
        id=applicant.pk,
        min_rooms=applicant.min_rooms,
        excluded=frozenset(m.pk for m in applicant.excluded_municipalities.all()),
        preferred=frozenset(m.pk for m in applicant.preferred_municipalities.all()),
        needs_accessible=applicant.needs_accessible,
        needs_ground_or_lift=applicant.needs_ground_or_lift,
        months=applicant.months_in_protected_housing,
    )


def offer_of(apartment: Apartment) -> matching.Offer:
    return matching.Offer(
        id=apartment.pk,
        municipality_id=apartment.municipality_id,
        rooms=apartment.rooms,
        accessible=apartment.accessible,
        floor=apartment.floor,
        has_lift=apartment.has_lift,
    )


def match_run(*, county, user) -> MatchRun:
    """Run the matching over the county's pool and keep the proposals and the reasons."""
    applicants, apartments = pool(county)
    needs = [need_of(a) for a in applicants]
    offers = [offer_of(a) for a in apartments]
    started = time.perf_counter()
    result = matching.solve(needs, offers)
    seconds = time.perf_counter() - started
    baseline = matching.greedy(needs, offers)
    with transaction.atomic():
        run = MatchRun.objects.create(
            county=county,
            run_by=user,
            applicants=len(needs),
            apartments=len(offers),
            placed=result.placed,
            total_score=result.total_score,
            greedy_placed=baseline.placed,
            greedy_score=baseline.total_score,
            seconds=seconds,
            unmatched=[{"applicant": u.need_id, "reason": u.reason, "detail": u.detail} for u in result.unmatched],
        )
        Proposal.objects.bulk_create(
            Proposal(run=run, applicant_id=p.need_id, apartment_id=p.offer_id, score=p.score, explanation=p.explanation)
            for p in result.pairs
        )
        _log(AccessAction.CREATE, run, user, county=county, detail=f"{run.placed}/{run.applicants}")
    return run


def _side_of(user, allocation) -> tuple[bool, bool]:
    ids = set(
        Membership.objects.active().filter(user=user, role=Role.COORDINATOR).values_list("municipality_id", flat=True)
    )
    return allocation.apartment.municipality_id in ids, allocation.applicant.municipality_id in ids


def _accept_side(allocation, user, offering: bool, receiving: bool) -> None:
    now = timezone.now()
    if offering and allocation.offering_accepted_at is None:
        allocation.offering_accepted_by, allocation.offering_accepted_at = user, now
    if receiving and allocation.receiving_accepted_at is None:
        allocation.receiving_accepted_by, allocation.receiving_accepted_at = user, now
    if allocation.offering_accepted_at and allocation.receiving_accepted_at:
        allocation.status = AllocationStatus.ACCEPTED


def allocation_propose(*, apartment: Apartment, applicant: Applicant, user, proposal=None) -> Allocation:
    """A coordinator of the applicant's municipality takes the apartment up for the applicant: a
    live allocation is created (proposed, or accepted at once when the user is on both sides). The
    applicant's municipality comes first because it alone knows the case; the offering municipality
    learns of the proposal only now and accepts afterwards (ADR 0012, 2026-12-01). The database
    refuses a second live allocation of the apartment or of the applicant, whoever comes first."""
    if apartment.status != ApartmentStatus.OFFERED:
        raise ValidationError(_("The apartment is no longer offered."))
    if applicant.status != ApplicantStatus.WAITING:
        raise ValidationError(_("The applicant is no longer waiting."))
    if not matching.feasible(need_of(applicant), offer_of(apartment)):
        raise ValidationError(_("The apartment does not fit the applicant's needs."))
    allocation = Allocation(
        apartment=apartment, applicant=applicant, proposal=proposal, status=AllocationStatus.PROPOSED
    )
    offering, receiving = _side_of(user, allocation)
    if not receiving:
        raise ValidationError(
            _(
                "A coordinator of the applicant's municipality accepts a proposal first; "
                "the offering municipality accepts it afterwards."
            )
        )
    _accept_side(allocation, user, offering, receiving)
    try:
        with transaction.atomic():
            allocation.save()
            _log(AccessAction.CREATE, allocation, user, municipality=apartment.municipality)
    except IntegrityError as exc:
        raise ValidationError(
            _("The apartment or the applicant is already part of another allocation. Run the matching again.")
        ) from exc
    return allocation


def proposal_accept(*, proposal: Proposal, user) -> Allocation:
    """Take up a proposal of a matching run."""
    return allocation_propose(
        apartment=Apartment.objects.select_related("municipality").get(pk=proposal.apartment_id),
        applicant=Applicant.objects.select_related("municipality").get(pk=proposal.applicant_id),
        proposal=proposal,
        user=user,
    )


def _transition(allocation, user, *, allowed_from, change, detail):
    with transaction.atomic():
        locked = Allocation.objects.select_for_update().select_related("apartment", "applicant").get(pk=allocation.pk)
        if locked.status not in allowed_from:
            raise ValidationError(
                _("The allocation is %(status)s and cannot be changed that way.")
                % {"status": locked.get_status_display().lower()}
            )
        change(locked)
        locked.save()
        _log(AccessAction.CHANGE, locked, user, municipality=locked.apartment.municipality, detail=detail)
    return locked


def allocation_accept(*, allocation, user) -> Allocation:
    def change(a):
        offering, receiving = _side_of(user, a)
        if not ((offering and a.offering_accepted_at is None) or (receiving and a.receiving_accepted_at is None)):
            raise ValidationError(_("You have already accepted, or are on neither side."))
        _accept_side(a, user, offering, receiving)

    return _transition(allocation, user, allowed_from=(AllocationStatus.PROPOSED,), change=change, detail="accept")


def allocation_allocate(*, allocation, user, on: datetime.date | None = None) -> Allocation:
    def change(a):
        a.status = AllocationStatus.ALLOCATED
        a.allocated_on = on or timezone.localdate()
        Apartment.objects.filter(pk=a.apartment_id).update(status=ApartmentStatus.ALLOCATED)

    return _transition(allocation, user, allowed_from=(AllocationStatus.ACCEPTED,), change=change, detail="allocate")


def allocation_move_in(*, allocation, user, on: datetime.date) -> Allocation:
    def change(a):
        if on is None or on < a.allocated_on:
            raise ValidationError({"moved_in_on": _("The moving-in date cannot be before the allocation.")})
        if on > timezone.localdate():
            raise ValidationError({"moved_in_on": _("Register the move when it has happened.")})
        a.status = AllocationStatus.MOVED_IN
        a.moved_in_on = on
        Applicant.objects.filter(pk=a.applicant_id).update(status=ApplicantStatus.PLACED)

    return _transition(allocation, user, allowed_from=(AllocationStatus.ALLOCATED,), change=change, detail="moved_in")


def allocation_withdraw(*, allocation, user, reason: str) -> Allocation:
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": _("Give the reason for withdrawing.")})
    if contains_personal_identity_number(reason):
        raise ValidationError({"reason": _("Do not write personal identity numbers in Fridsam.")})

    def change(a):
        a.status = AllocationStatus.WITHDRAWN
        a.withdrawn_on = timezone.localdate()
        a.withdrawal_reason = reason[:300]
        Apartment.objects.filter(pk=a.apartment_id, status=ApartmentStatus.ALLOCATED).update(
            status=ApartmentStatus.OFFERED
        )

    return _transition(
        allocation,
        user,
        allowed_from=(AllocationStatus.PROPOSED, AllocationStatus.ACCEPTED, AllocationStatus.ALLOCATED),
        change=change,
        detail="withdraw",
    )
