"""Writes of case follow-up: records and their state machine, interventions, assessments,
instrument versions and consultations. Each service validates, runs in one transaction, writes
the access log in it and updates the computed statistics of the years it touched."""

from __future__ import annotations

import datetime
import json
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from fridsam.accounts.models import Membership
from fridsam.core import references
from fridsam.core.audit import log_access
from fridsam.core.models import AccessAction
from fridsam.core.roles import Role
from fridsam.followup import instruments as instrument_defs
from fridsam.followup import tallies
from fridsam.followup.models import (
    CHILD_AGE_BANDS,
    CHILD_CATEGORIES,
    QUANTITY_REQUIRED,
    QUANTITY_UNITS,
    Assessment,
    Category,
    Consultation,
    ConsultationReply,
    ConsultationStatus,
    EventKind,
    FollowUpRecord,
    Instrument,
    InstrumentKind,
    InstrumentVersion,
    Intervention,
    InterventionKind,
    RecordEvent,
    RiskLevel,
    Status,
    ViolenceForm,
)

# The record's state machine: action → (from, to).
TRANSITIONS = {
    "close": (Status.OPEN, Status.CLOSED),
    "reopen": (Status.CLOSED, Status.OPEN),
}

# The fields of a record its owner fills in: what record_create and record_update accept, and
# what the record form (forms.RecordForm) shows.
RECORD_FIELDS = (
    "opened_on",
    "route_in",
    "category",
    "sex",
    "age_band",
    "relation",
    "violence_forms",
    "protected_identity",
    "children_in_household",
    "police_report",
    "screening_on",
    "screening_instrument",
    "risk_assessed_on",
    "risk_instrument",
    "risk_level",
    "note",
)


def _log(action, obj, *, municipality, user=None, purpose="", detail=""):
    log_access(
        action=action,
        object_type=obj,
        user=user,
        municipality=municipality,
        purpose=purpose,
        detail=detail,
    )


def _transition(record: FollowUpRecord, action: str) -> None:
    source, target = TRANSITIONS[action]
    if record.status != source:
        raise ValidationError(
            {
                "close": _("The record is already closed."),
                "reopen": _("Only a closed record can be reopened."),
            }[action]
        )
    record.status = target


def _today() -> datetime.date:
    return timezone.localdate()


def check_record(record: FollowUpRecord, *, constraints: bool = True) -> None:
    """Validate a record's categories and dates as the record form does (raises ValidationError).

    ``constraints=False`` leaves the table's check constraints to the database (a bulk write checks
    the dates they guard itself, without a query per record)."""
    errors: dict[str, list[str]] = {}

    def err(field, message):
        errors.setdefault(field, []).append(message)

    today = _today()
    if record.opened_on and record.opened_on > today:
        err("opened_on", _("The date cannot be in the future."))
    if record.category in CHILD_CATEGORIES and record.age_band and record.age_band not in CHILD_AGE_BANDS:
        err("age_band", _("A child is 0–17 years old: choose a child's age."))
    if record.category == Category.ADULT_VICTIM and record.age_band in CHILD_AGE_BANDS:
        err("age_band", _("An adult is 18 or older: choose an adult's age, or the category for a child."))
    unknown = set(record.violence_forms or []) - set(ViolenceForm.values)
    if unknown or not isinstance(record.violence_forms, list):
        err("violence_forms", _("Unknown form of violence."))
    for day_field in ("screening_on", "risk_assessed_on"):
        day = getattr(record, day_field)
        if day and day > today:
            err(day_field, _("The date cannot be in the future."))
        elif day and record.opened_on and day < record.opened_on:
            err(day_field, _("The date cannot be before the record was opened."))
    if record.screening_instrument and record.screening_instrument.kind != InstrumentKind.SCREENING:
        err("screening_instrument", _("Choose a screening instrument."))
    if record.risk_instrument and record.risk_instrument.kind != InstrumentKind.RISK:
        err("risk_instrument", _("Choose a risk assessment instrument."))
    if record.screening_instrument and not record.screening_on:
        err("screening_on", _("Give the date of the screening."))
    if (record.risk_level or record.risk_instrument) and not record.risk_assessed_on:
        err("risk_assessed_on", _("Give the date of the risk assessment."))
    if record.risk_assessed_on and not record.risk_level:
        err("risk_level", _("Give the level the risk assessment came to."))
    if record.unit_id and record.unit.municipality_id != record.municipality_id:
        err("unit", _("The unit belongs to another municipality."))
    if errors:
        raise ValidationError(errors)
    record.opened_year = record.opened_on.year
    record.full_clean(
        exclude=["municipality", "unit", "owner", "reference_hash"],
        validate_unique=False,
        validate_constraints=constraints,
    )


def record_create(*, owner, municipality, unit, reference: str, fields: dict) -> FollowUpRecord:
    try:
        reference_hash = references.reference_hash(municipality, reference)
    except ValidationError as error:
        raise ValidationError({"reference": error.messages}) from error
    record = FollowUpRecord(municipality=municipality, unit=unit, owner=owner, reference_hash=reference_hash)
    for name, value in fields.items():
        if name not in RECORD_FIELDS:
            raise ValueError(f"not a record field: {name}")
        setattr(record, name, value)
    check_record(record)
    with transaction.atomic():
        if FollowUpRecord.objects.filter(municipality=municipality, reference_hash=reference_hash).exists():
            raise ValidationError(
                {"reference": _("The municipality already follows up a case with this reference: search for it.")}
            )
        try:
            with transaction.atomic():
                record.save()
        except IntegrityError as exc:  # two workers registering the same reference at once
            raise ValidationError(
                {"reference": _("The municipality already follows up a case with this reference: search for it.")}
            ) from exc
        RecordEvent.objects.create(record=record, kind=EventKind.OPENED, on=record.opened_on, by=owner)
        _log(AccessAction.CREATE, record, municipality=municipality, user=owner)
        tallies.refresh(municipality.pk, {record.opened_on.year})
    return record


def _locked(record: FollowUpRecord) -> FollowUpRecord:
    return FollowUpRecord.objects.select_for_update().select_related("unit", "municipality").get(pk=record.pk)


def record_update(*, record: FollowUpRecord, fields: dict, user) -> list[str]:
    """Change an open record's categories and dates. Returns the names of the changed fields."""
    with transaction.atomic():
        current = _locked(record)
        if current.status != Status.OPEN:
            raise ValidationError(_("A closed record cannot be changed: reopen it first."))
        before = tallies.years_touched(current)
        changed = []
        for name, value in fields.items():
            if name not in RECORD_FIELDS:
                raise ValueError(f"not a record field: {name}")
            if getattr(current, name) != value:
                setattr(current, name, value)
                changed.append(name)
        if not changed:
            return []
        if "opened_on" in changed:
            first = current.interventions.order_by("started_on").values_list("started_on", flat=True).first()
            if first and first < current.opened_on:
                raise ValidationError({"opened_on": _("An intervention starts before this date.")})
        check_record(current)
        current.updated_at = timezone.now()
        current.save()
        _log(
            AccessAction.CHANGE,
            current,
            municipality=current.municipality,
            user=user,
            detail=", ".join(changed),
        )
        tallies.refresh(current.municipality_id, before | tallies.years_touched(current))
    for name in changed:
        setattr(record, name, getattr(current, name))
    return changed


def closure_errors(*, opened_on, closed_on, reason, outcome) -> dict[str, str]:
    """What is wrong with closing a record opened on *opened_on* (the closing form's rules)."""
    errors = {}
    if closed_on > _today():
        errors["closed_on"] = _("The date cannot be in the future.")
    elif closed_on < opened_on:
        errors["closed_on"] = _("A record cannot be closed before it was opened.")
    if not reason:
        errors["closure_reason"] = _("Give the reason for closing.")
    if not outcome:
        errors["outcome"] = _("Give the outcome as far as it is known.")
    return errors


def record_close(*, record, closed_on, reason, outcome, client_view, user) -> FollowUpRecord:
    with transaction.atomic():
        current = _locked(record)
        _transition(current, "close")
        errors = closure_errors(opened_on=current.opened_on, closed_on=closed_on, reason=reason, outcome=outcome)
        if errors:
            raise ValidationError(errors)
        current.closed_on, current.closure_reason, current.outcome = closed_on, reason, outcome
        current.client_view = client_view or ""
        current.updated_at = timezone.now()
        current.save()
        RecordEvent.objects.create(record=current, kind=EventKind.CLOSED, on=closed_on, outcome=outcome, by=user)
        _log(AccessAction.CHANGE, current, municipality=current.municipality, user=user, detail="closed")
        tallies.refresh(current.municipality_id, {closed_on.year})
    return current


def record_reopen(*, record, reason: str, user, on: datetime.date | None = None) -> FollowUpRecord:
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": _("Give the reason for reopening.")})
    with transaction.atomic():
        current = _locked(record)
        _transition(current, "reopen")
        closed_year = current.closed_on.year
        event = RecordEvent(record=current, kind=EventKind.REOPENED, on=on or _today(), reason=reason, by=user)
        event.full_clean(exclude=["record", "by"])
        event.save()
        # The earlier closing stays in the history; the statistics count only a record's last closing.
        current.closed_on = None
        current.closure_reason = current.outcome = current.client_view = ""
        current.reopen_count += 1
        current.updated_at = timezone.now()
        current.save()
        _log(AccessAction.CHANGE, current, municipality=current.municipality, user=user, detail="reopened")
        tallies.refresh(current.municipality_id, {closed_year})
    return current


def record_reassign(*, record, owner, user) -> FollowUpRecord:
    """A manager gives a record to another social worker of the municipality (someone leaves)."""
    with transaction.atomic():
        current = _locked(record)
        if (
            not Membership.objects.active()
            .filter(user=owner, role=Role.SOCIAL_WORKER, municipality_id=current.municipality_id)
            .exists()
        ):
            raise ValidationError({"owner": _("Choose a social worker of the municipality.")})
        if owner.pk == current.owner_id:
            return current
        current.owner = owner
        current.updated_at = timezone.now()
        current.save(update_fields=["owner", "updated_at"])
        RecordEvent.objects.create(record=current, kind=EventKind.REASSIGNED, on=_today(), by=user)
        _log(AccessAction.CHANGE, current, municipality=current.municipality, user=user, detail="owner")
    return current


def intervention_errors(
    *,
    opened_on,
    kind,
    started_on,
    ended_on,
    quantity,
    children_placed=None,
    children_with_own_decision=None,
    schooling="",
) -> dict[str, str]:
    """What is wrong with an intervention of a record opened on *opened_on* (the form's rules; a
    placement in protected housing also with its children and their schooling)."""
    errors = {}
    if started_on > _today():
        errors["started_on"] = _("The date cannot be in the future.")
    elif started_on < opened_on:
        errors["started_on"] = _("An intervention cannot start before the record was opened.")
    if ended_on and ended_on < started_on:
        errors["ended_on"] = _("The end cannot be before the start.")
    if kind in QUANTITY_REQUIRED and quantity is None:
        errors["quantity"] = _("Give the number of %(unit)s.") % {"unit": QUANTITY_UNITS[kind]}
    if QUANTITY_UNITS.get(kind) is None and quantity is not None:
        errors["quantity"] = _("This intervention has no quantity: leave it empty.")
    errors.update(_placement_errors(kind, children_placed, children_with_own_decision, schooling))
    return errors


def intervention_add(
    *,
    record,
    kind,
    started_on,
    ended_on=None,
    quantity=None,
    children_placed=None,
    children_with_own_decision=None,
    schooling="",
    user,
) -> Intervention:
    """Add an intervention. A placement in protected housing also says how many children were placed
    with the parent, how many of them have a decision of their own, and how their schooling is
    secured (the 2024 rules); other interventions carry none of that."""
    errors = intervention_errors(
        opened_on=record.opened_on,
        kind=kind,
        started_on=started_on,
        ended_on=ended_on,
        quantity=quantity,
        children_placed=children_placed,
        children_with_own_decision=children_with_own_decision,
        schooling=schooling,
    )
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        current = _locked(record)
        if current.status != Status.OPEN:
            raise ValidationError(_("A closed record cannot be changed: reopen it first."))
        intervention = Intervention(
            record=current,
            municipality_id=current.municipality_id,
            kind=kind,
            started_on=started_on,
            ended_on=ended_on,
            quantity=quantity,
            children_placed=children_placed,
            children_with_own_decision=children_with_own_decision,
            schooling=schooling or "",
        )
        intervention.full_clean(exclude=["record", "municipality", "started_year"])
        intervention.save()
        _log(
            AccessAction.CHANGE,
            current,
            municipality=current.municipality,
            user=user,
            detail=f"intervention {kind}",
        )
        # The opened and closed years count records with an intervention (SKR's key figures).
        tallies.refresh(current.municipality_id, tallies.years_touched(current) | {started_on.year})
    return intervention


def _placement_errors(kind, children, own_decision, schooling) -> dict:
    if kind != InterventionKind.PROTECTED_HOUSING:
        if children is not None or own_decision is not None or schooling:
            return {"children_placed": _("Children and schooling are recorded for protected housing only.")}
        return {}
    errors = {}
    if children is None:
        if own_decision is not None or schooling:
            errors["children_placed"] = _("Give the number of children placed with the parent (0 if none).")
    elif own_decision is not None and own_decision > children:
        errors["children_with_own_decision"] = _("More children with a decision than children placed.")
    elif children and own_decision is None:
        errors["children_with_own_decision"] = _("Give how many of the children have their own decision.")
    if children and not schooling:
        errors["schooling"] = _("Say how the children's schooling is secured (or that it is not yet).")
    return errors


def intervention_remove(*, intervention: Intervention, user) -> None:
    """Remove an intervention registered by mistake (open records only)."""
    with transaction.atomic():
        current = _locked(intervention.record)
        if current.status != Status.OPEN:
            raise ValidationError(_("A closed record cannot be changed: reopen it first."))
        year = intervention.started_on.year
        intervention.delete()
        _log(AccessAction.DELETE, current, municipality=current.municipality, user=user, detail="intervention")
        tallies.refresh(current.municipality_id, tallies.years_touched(current) | {year})


# --- Instruments and assessments ---------------------------------------------------------------


def instrument_load(data, *, user=None) -> tuple[InstrumentVersion, bool]:
    """Load an instrument definition (dict or JSON text). Returns the version and whether it is
    new. The same version with the same content is a no-op; with other content it is refused."""
    try:
        definition = instrument_defs.parse(data)
    except instrument_defs.InstrumentError as error:
        raise ValidationError(error.problems) from error
    raw = json.loads(data) if isinstance(data, bytes | str) else data
    with transaction.atomic():
        instrument, _created = Instrument.objects.get_or_create(
            key=definition.key,
            defaults={"name": definition.name, "kind": definition.kind, "is_demo": definition.demo},
        )
        if instrument.kind != definition.kind:
            raise ValidationError(
                _("The instrument “%(key)s” is a %(kind)s instrument: a new version cannot change its kind.")
                % {"key": definition.key, "kind": instrument.get_kind_display()}
            )
        existing = instrument.versions.filter(version=definition.version).first()
        if existing is not None:
            if existing.definition == raw:
                return existing, False
            raise ValidationError(
                _(
                    "Version %(version)s of “%(key)s” is already loaded with other content: "
                    "give the new content a new version."
                )
                % {"version": definition.version, "key": definition.key}
            )
        instrument.name, instrument.is_demo = definition.name, definition.demo
        instrument.save()
        version = InstrumentVersion.objects.create(
            instrument=instrument, version=definition.version, definition=raw, loaded_by=user
        )
    return version, True


def current_version(instrument: Instrument) -> InstrumentVersion:
    return instrument.versions.order_by("-loaded_at", "-pk").first()


@dataclass
class AssessmentInput:
    assessed_on: datetime.date
    answers: dict
    override_level: str = ""
    motivation: str = ""


def assessment_save(*, record, version: InstrumentVersion, data: AssessmentInput, user) -> Assessment:
    definition = instrument_defs.parse(version.definition)
    result = instrument_defs.score(definition, data.answers)
    errors = {}
    if data.assessed_on > _today():
        errors["assessed_on"] = _("The date cannot be in the future.")
    elif data.assessed_on < record.opened_on:
        errors["assessed_on"] = _("The date cannot be before the record was opened.")
    level = result.level
    motivation = (data.motivation or "").strip()
    if data.override_level:
        if not definition.has_level:
            errors["override_level"] = _("This instrument gives no level.")
        elif data.override_level not in RiskLevel.values:
            errors["override_level"] = _("Unknown level.")
        elif data.override_level != result.level:
            if not motivation:
                errors["motivation"] = _("A professional judgement that changes the level needs a motivation.")
            level = data.override_level
    if errors:
        raise ValidationError(errors)
    assessment = Assessment(
        record=record,
        instrument_version=version,
        assessed_on=data.assessed_on,
        assessor=user,
        answers=data.answers,
        scores=result.scores,
        computed_level=result.level,
        level=level,
        override_motivation=motivation if level != result.level else "",
    )
    assessment.full_clean(exclude=["record", "instrument_version", "assessor"])
    kind = version.instrument.kind
    with transaction.atomic():
        current = _locked(record)
        if current.status != Status.OPEN:
            raise ValidationError(_("A closed record cannot be changed: reopen it first."))
        assessment.record = current
        assessment.save()
        fields = {}
        if kind == InstrumentKind.SCREENING:
            fields = {"screening_on": data.assessed_on, "screening_instrument": version.instrument}
        elif kind == InstrumentKind.RISK:
            fields = {"risk_assessed_on": data.assessed_on, "risk_instrument": version.instrument, "risk_level": level}
        for name, value in fields.items():
            setattr(current, name, value)
        if fields:
            current.updated_at = timezone.now()
            current.save()
            tallies.refresh(current.municipality_id, {current.opened_on.year})
        _log(
            AccessAction.CREATE,
            assessment,
            municipality=current.municipality,
            user=user,
            detail=f"{version.instrument.key} {version.version} record {current.pk}",
        )
    return assessment


# --- Consultations -----------------------------------------------------------------------------


def consultation_ask(
    *, asked_by, municipality, unit, question, topic, urgency, record=None, assignee=None
) -> Consultation:
    if record is not None and (record.municipality_id != municipality.pk or record.owner_id != asked_by.pk):
        raise ValidationError({"record": _("Link one of your own records, or none.")})
    consultation = Consultation(
        municipality=municipality,
        unit=unit,
        asked_by=asked_by,
        question=(question or "").strip(),
        topic=topic,
        urgency=urgency,
        record=record,
        assignee=assignee,
    )
    consultation.full_clean(exclude=["municipality", "unit", "asked_by", "record", "assignee"])
    with transaction.atomic():
        consultation.save()
        _log(AccessAction.CREATE, consultation, municipality=municipality, user=asked_by)
    return consultation


def consultation_reply(*, consultation, author, text) -> ConsultationReply:
    reply = ConsultationReply(consultation=consultation, author=author, text=(text or "").strip())
    reply.full_clean(exclude=["consultation", "author"])
    with transaction.atomic():
        current = Consultation.objects.select_for_update().get(pk=consultation.pk)
        if current.status == ConsultationStatus.CLOSED:
            raise ValidationError(_("The consultation is closed."))
        reply.consultation = current
        reply.save()
        if author.pk == current.asked_by_id:
            current.status = ConsultationStatus.OPEN  # a follow-up question waits for an answer again
        else:
            current.status = ConsultationStatus.ANSWERED
            if current.first_answered_at is None:
                current.first_answered_at = reply.at
                current.answer_minutes = max(0, int((reply.at - current.asked_at).total_seconds() // 60))
            if current.assignee_id is None:
                current.assignee = author
        current.save()
        _log(AccessAction.CHANGE, current, municipality=current.municipality, user=author, detail="reply")
    consultation.refresh_from_db()
    return reply


def consultation_close(*, consultation, user) -> Consultation:
    with transaction.atomic():
        current = Consultation.objects.select_for_update().get(pk=consultation.pk)
        if current.status == ConsultationStatus.CLOSED:
            raise ValidationError(_("The consultation is already closed."))
        current.status = ConsultationStatus.CLOSED
        current.closed_at = timezone.now()
        current.save()
        _log(AccessAction.CHANGE, current, municipality=current.municipality, user=user, detail="closed")
    return current
