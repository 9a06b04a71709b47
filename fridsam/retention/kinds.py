"""The kinds of information a retention rule speaks of: which rows each is, what starts its clock,
which unit it belongs to, what goes with it into the archive and what its culling does to the
stored statistics.

This module is the one place that knows the domains' models for culling (the app sits above them
in the layers, beside the health check, which reads them all too): the domains stay ignorant of
retention, and the order in which related rows must go (allocations before applicants, a record's
consultations keep their own rule) is decided here, once.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable
from dataclasses import dataclass, field

from django.db.models import Exists, Model, OuterRef, Q, QuerySet
from django.utils import timezone

from fridsam.accounts.models import User
from fridsam.collaboration.models import Referral
from fridsam.evaluation.models import Answer, Response
from fridsam.evaluation.selectors import COORDINATOR_KEY
from fridsam.followup.models import (
    Assessment,
    Consultation,
    ConsultationReply,
    ConsultationStatus,
    FollowUpRecord,
    Intervention,
    RecordEvent,
    Status,
)
from fridsam.healthcheck.services import points_freeze
from fridsam.housing.models import Allocation, Applicant, ApplicantStatus, Proposal
from fridsam.housing.selectors import DONE
from fridsam.housing.services import ledger_freeze
from fridsam.retention.models import Action, Clock, Kind
from fridsam.retention.pseudonyms import accounts_left, remove_accounts
from fridsam.statistics.models import Observation


def midnight(day: datetime.date) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time.min))


@dataclass(frozen=True)
class KindSpec:
    kind: str
    model: type[Model]
    # clock → the rows of a municipality due at a cut-off date under that clock
    clocks: dict[str, Callable[[int, datetime.date], QuerySet]]
    unit_field: str | None = None
    # (model, field pointing at the item): rows that go with an item into the archive and out of
    # the database, deleted in this order before the items
    dependants: tuple[tuple[type[Model], str], ...] = ()
    # (model, field pointing at the item) of rows that stay, the link set to null
    nullify: tuple[tuple[type[Model], str], ...] = ()
    # No other rows depend on the item (no many-to-many, nothing else pointing at it): it is
    # deleted with one DELETE per batch, without Django collecting it first. The database's
    # foreign keys refuse the batch if a relation was forgotten here.
    plain_delete: bool = False
    # the (municipality id, year) pairs of stored statistics the items count in
    statistics_years: Callable[[QuerySet], set[tuple[int, int]]] | None = None
    # other figures to keep as they are before the items go, called with each chunk of them (the
    # housing exchange's ledger)
    freeze: Callable[[QuerySet], object] | None = None
    installation_only: bool = False  # one rule for every municipality (the access log: one chain)
    # Also in the installation's run: the items of no municipality (``clocks`` get ``None``)
    installation_too: bool = False
    # Culled otherwise than by deletion: ``(ids=, run=) → (culled, problems)`` (staff accounts)
    cull_items: Callable[..., tuple[int, list[str]]] | None = None
    actions: tuple[str, ...] = (Action.CULL, Action.ARCHIVE)  # what a rule may say happens
    # Kinds whose hold on everything in the municipality holds this kind too
    held_with: tuple[str, ...] = ()
    extra: dict = field(default_factory=dict)


def _record_years(qs: QuerySet) -> set[tuple[int, int]]:
    years = set()
    for m, opened, closed in qs.values_list("municipality_id", "opened_year", "closed_year"):
        years.add((m, opened))
        if closed:
            years.add((m, closed))
    years.update(
        Intervention.system_objects.filter(record__in=qs.values("pk"))
        .values_list("record__municipality_id", "started_year")
        .distinct()
    )
    return {(m, y) for m, y in years if y}


def _freeze_ledger(qs: QuerySet) -> None:
    """The ledger years the applicants' allocations count in, frozen for their whole county."""
    ledger_freeze(
        Allocation.system_objects.filter(applicant__in=qs.values("pk"), status__in=DONE, allocated_on__isnull=False)
        .values_list("apartment__municipality__county_id", "allocated_on__year")
        .distinct()
    )


def _freeze_history(qs: QuerySet) -> None:
    """The health check's history points that read these coordinator questionnaires, kept as they
    are (ADR 0031): a point reads the newest answers as of its day, however old."""
    years: dict[int, set[int]] = {}
    for m, year in (
        Response.municipalities.through.objects.filter(
            response__in=qs.values("pk"), response__round__question_set__key=COORDINATOR_KEY
        )
        .values_list("municipality_id", "response__round__year")
        .distinct()
    ):
        years.setdefault(m, set()).add(year)
    points_freeze(years)


def _referral_years(qs: QuerySet) -> set[tuple[int, int]]:
    return {(m, d.year) for m, d in qs.values_list("municipality_id", "referred_on")}


def _records_closed(m: int, cutoff: datetime.date) -> QuerySet:
    return FollowUpRecord.system_objects.filter(municipality_id=m, status=Status.CLOSED, closed_on__lt=cutoff)


def _records_unchanged(m: int, cutoff: datetime.date) -> QuerySet:
    return FollowUpRecord.system_objects.filter(municipality_id=m, updated_at__lt=midnight(cutoff))


def _consultations_closed(m: int, cutoff: datetime.date) -> QuerySet:
    return Consultation.system_objects.filter(
        municipality_id=m, status=ConsultationStatus.CLOSED, closed_at__lt=midnight(cutoff)
    )


def _referrals_unchanged(m: int, cutoff: datetime.date) -> QuerySet:
    return Referral.system_objects.filter(municipality_id=m, referred_on__lt=cutoff).filter(
        Q(received_on__isnull=True) | Q(received_on__lt=cutoff)
    )


def _applicants_allocated(m: int, cutoff: datetime.date) -> QuerySet:
    recent = Allocation.system_objects.filter(applicant=OuterRef("pk")).filter(
        Q(allocated_on__gte=cutoff)
        | Q(withdrawn_on__gte=cutoff)
        | Q(allocated_on__isnull=True, withdrawn_on__isnull=True)
    )
    return (
        Applicant.system_objects.filter(municipality_id=m, registered_on__lt=cutoff)
        .exclude(status=ApplicantStatus.WAITING)
        .exclude(Exists(recent))
    )


def _responses_submitted(m: int, cutoff: datetime.date) -> QuerySet:
    # A response about several municipalities waits until the rule of each has it due; until
    # then it stays (shared answers are rare: a regional questionnaire).
    shared = Response.municipalities.through.objects.filter(response_id=OuterRef("pk")).exclude(municipality_id=m)
    return (
        Response.system_objects.filter(municipalities=m, submitted_at__lt=midnight(cutoff))
        .exclude(Exists(shared))
        .distinct()
    )


def _observations(m: int, cutoff: datetime.date) -> QuerySet:
    return Observation.system_objects.filter(municipality_id=m, observed_on__lt=cutoff)


KINDS: dict[str, KindSpec] = {
    spec.kind: spec
    for spec in (
        KindSpec(
            Kind.FOLLOWUP_RECORD,
            FollowUpRecord,
            {Clock.CLOSED: _records_closed, Clock.LAST_CHANGE: _records_unchanged},
            unit_field="unit",
            dependants=((RecordEvent, "record"), (Intervention, "record"), (Assessment, "record")),
            nullify=((Consultation, "record"), (Referral, "record")),
            plain_delete=True,
            statistics_years=_record_years,
        ),
        KindSpec(
            Kind.CONSULTATION,
            Consultation,
            {Clock.CLOSED: _consultations_closed},
            unit_field="unit",
            dependants=((ConsultationReply, "consultation"),),
            plain_delete=True,
        ),
        KindSpec(
            Kind.REFERRAL,
            Referral,
            {Clock.LAST_CHANGE: _referrals_unchanged},
            unit_field="unit",
            plain_delete=True,
            statistics_years=_referral_years,
        ),
        KindSpec(
            Kind.HOUSING_APPLICANT,
            Applicant,
            {Clock.ALLOCATED: _applicants_allocated},
            dependants=((Allocation, "applicant"), (Proposal, "applicant")),
            freeze=_freeze_ledger,
        ),
        KindSpec(
            Kind.SURVEY_RESPONSE,
            Response,
            {Clock.LAST_CHANGE: _responses_submitted},
            dependants=((Answer, "response"),),
            freeze=_freeze_history,
        ),
        KindSpec(Kind.OBSERVATION, Observation, {Clock.LAST_CHANGE: _observations}, plain_delete=True),
        # The access log is culled by core.log_culling at one cut for the whole chain.
        KindSpec(Kind.ACCESS_LOG, Model, {Clock.LAST_CHANGE: None}, installation_only=True),
        # An account is not deleted: the name goes, a pseudonymous tombstone stays (ADR 0040). A hold
        # on the municipality's whole access log holds its leavers too: the reads stay attributable.
        KindSpec(
            Kind.STAFF_ACCOUNT,
            User,
            {Clock.MEMBERSHIP_ENDED: accounts_left},
            installation_too=True,
            cull_items=remove_accounts,
            actions=(Action.CULL,),
            held_with=(Kind.ACCESS_LOG,),
        ),
    )
}

MUNICIPALITY_KINDS = [k for k, spec in KINDS.items() if not spec.installation_only]
INSTALLATION_KINDS = [k for k, spec in KINDS.items() if spec.installation_only or spec.installation_too]
