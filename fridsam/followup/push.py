"""Follow-up data pushed by a journal system: records, interventions and closings in bulk, by the
journal's case reference (ADR 0033).

One call takes up to :data:`MAX_ITEMS` items, each ``{"type": "record" | "intervention" |
"closure", "reference": …, …}`` with the fields of the record form, the intervention form or the
closing form. Every item is validated as those forms and services validate what a person types
(the same form fields, :func:`services.check_record`, :func:`services.intervention_errors`,
:func:`services.closure_errors`; a personal identity number is refused as a reference and in the
note), in order, against the case as the items before it left it, so one call may open a case,
add its interventions and close it. If any item is wrong nothing is written and every wrong item
is named by its index with its reasons; otherwise everything is written in one transaction, each
record that changed gets its row in the access log, and the computed statistics of the years
touched are refreshed once, as the services do.

The push is idempotent: a record item states the whole record (a field left out is empty), an
intervention is identified within its case by its kind and start date, and a closing that is
already there is no change. The same payload twice changes nothing and writes no log row.

Records arriving this way have no owner until a manager gives them to a social worker; ``via``
names the integration or the file they came from. Services and forms are reused, never copied;
writes are batched so that a thousand items are a handful of statements.
"""

from __future__ import annotations

import contextlib
import datetime
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from fridsam.core import generations, references
from fridsam.core.audit import log_access_many
from fridsam.core.models import AccessAction
from fridsam.followup import services, tallies
from fridsam.followup.forms import CloseForm, InterventionForm, RecordForm
from fridsam.followup.models import (
    EventKind,
    FollowUpRecord,
    Instrument,
    Intervention,
    RecordEvent,
    Status,
)

MAX_ITEMS = 1000

RECORD, INTERVENTION, CLOSURE = "record", "intervention", "closure"
TYPES = (RECORD, INTERVENTION, CLOSURE)

# The fields of each type of item, as the forms name them (the record's are services.RECORD_FIELDS).
FIELDS = {
    RECORD: ("reference", *services.RECORD_FIELDS),
    INTERVENTION: ("reference", "kind", "started_on", "ended_on", "quantity"),
    CLOSURE: ("reference", "closed_on", "closure_reason", "outcome", "client_view"),
}
INSTRUMENT_FIELDS = ("screening_instrument", "risk_instrument")
CLOSING_FIELDS = ("closed_on", "closure_reason", "outcome", "client_view")

_TRUE = {"true", "1", "ja", "yes", "on", "x"}
_FALSE = {"false", "0", "nej", "no", "off", ""}


@dataclass(frozen=True)
class ItemError:
    index: int  # the item's place in the call (0-based), or the file's line
    field: str  # the field the reason is about; "" for the item as a whole
    message: str


class PushRefused(Exception):
    """Nothing was written: the errors of every wrong item."""

    def __init__(self, errors: list[ItemError]):
        super().__init__(f"{len(errors)} errors")
        self.errors = errors


@dataclass
class PushResult:
    created: int = 0
    updated: int = 0
    interventions_added: int = 0
    interventions_changed: int = 0
    closed: int = 0
    unchanged: int = 0

    @property
    def changed(self) -> bool:
        return bool(
            self.created or self.updated or self.interventions_added or self.interventions_changed or self.closed
        )


@dataclass
class _Case:
    """One case as the items so far leave it."""

    record: FollowUpRecord
    is_new: bool
    before_years: set[int]
    interventions: dict[tuple[str, datetime.date], Intervention]
    changed_fields: set[str] = field(default_factory=set)
    added: list[Intervention] = field(default_factory=list)
    changed_interventions: dict[int, Intervention] = field(default_factory=dict)
    closing: tuple | None = None  # (closed_on, reason, outcome, client_view) set by this call
    opened_by: int = 0  # the index of the item that gave the record its dates


def _text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value).strip()


def _boolean(value, errors: list, index: int, name: str) -> bool:
    text = _text(value).lower()
    if text in _TRUE:
        return True
    if text not in _FALSE:
        errors.append(ItemError(index, name, _("Give yes or no (true or false).")))
    return False


def _choices(value) -> list[str]:
    if isinstance(value, list | tuple):
        return [_text(v) for v in value if _text(v)]
    return [v for v in re.split(r"[\s,;|]+", _text(value)) if v]


def _form_errors(form, index: int) -> list[ItemError]:
    return [
        ItemError(index, "" if name == "__all__" else name, str(message))
        for name, messages in form.errors.items()
        for message in messages
    ]


def _validation_errors(error: ValidationError, index: int) -> list[ItemError]:
    if hasattr(error, "error_dict"):
        return [
            ItemError(index, "" if name == "__all__" else name, str(message))
            for name, messages in error.message_dict.items()
            for message in messages
        ]
    return [ItemError(index, "", str(message)) for message in error.messages]


class _Push:
    def __init__(self, *, municipality, unit, via: str, instruments: Sequence[Instrument]):
        self.municipality = municipality
        self.unit = unit
        self.via = via
        self.instrument_pks = {i.key: i.pk for i in instruments}
        self.instruments = Instrument.objects.filter(is_active=True)
        self.cases: dict[str, _Case] = {}
        self.errors: list[ItemError] = []
        self.result = PushResult()
        self.unchanged = 0  # items that found the case as they describe it
        self.forms: dict = {}

    # --- reading the cases the items name --------------------------------------------------

    def load(self, hashes: Iterable[str]) -> None:
        hashes = sorted(set(hashes))
        existing = {
            r.reference_hash: r
            for r in FollowUpRecord.objects.filter(municipality=self.municipality, reference_hash__in=hashes)
            .select_related("unit", "municipality", "screening_instrument", "risk_instrument")
            .select_for_update(of=("self",))
            .order_by()
        }
        by_record: dict[int, dict] = {r.pk: {} for r in existing.values()}
        for intervention in Intervention.objects.filter(record_id__in=list(by_record)).order_by("pk"):
            by_record[intervention.record_id][(intervention.kind, intervention.started_on)] = intervention
        for reference_hash, record in existing.items():
            interventions = by_record[record.pk]
            years = {record.opened_year, record.closed_year} | {i.started_on.year for i in interventions.values()}
            self.cases[reference_hash] = _Case(
                record=record, is_new=False, before_years={y for y in years if y}, interventions=interventions
            )

    # --- one item --------------------------------------------------------------------------

    def item(self, index: int, item: Mapping) -> None:
        if not isinstance(item, Mapping):
            self.errors.append(ItemError(index, "", _("The item is not an object with fields.")))
            return
        kind = _text(item.get("type")).lower()
        if kind not in TYPES:
            self.errors.append(
                ItemError(index, "type", _("Give the type of the item: record, intervention or closure."))
            )
            return
        unknown = sorted(set(item) - {"type", *FIELDS[kind]})
        if unknown:
            self.errors.append(
                ItemError(
                    index,
                    "",
                    _("Fields that an item of this type does not have: %(fields)s.") % {"fields": ", ".join(unknown)},
                )
            )
            return
        reference_hash = self._reference_hash(index, item.get("reference"))
        case = self.cases.get(reference_hash) if reference_hash else None
        if kind == RECORD:
            self._record(index, item, reference_hash, case)
        elif reference_hash is None:
            # The rest of the item is checked all the same, so that every reason is named at once.
            form = self._form(
                InterventionForm if kind == INTERVENTION else CloseForm,
                {name: _text(item.get(name)) for name in FIELDS[kind][1:]},
            )
            form.is_valid()
            self.errors.extend(_form_errors(form, index))
        elif case is None:
            self.errors.append(
                ItemError(
                    index,
                    "reference",
                    _("No record has this reference: send the record before its interventions and closing."),
                )
            )
        elif kind == INTERVENTION:
            self._intervention(index, item, case)
        else:
            self._closure(index, item, case)

    def _reference_hash(self, index: int, reference) -> str | None:
        try:
            return references.reference_hash(self.municipality, _text(reference))
        except ValidationError as error:
            self.errors.extend(ItemError(index, "reference", str(m)) for m in error.messages)
            return None

    def _record(self, index: int, item: Mapping, reference_hash: str | None, case: _Case | None) -> None:
        errors: list[ItemError] = []
        data = {}
        for name in services.RECORD_FIELDS:
            value = item.get(name)
            if name == "violence_forms":
                data[name] = _choices(value)
            elif name == "protected_identity":
                if _boolean(value, errors, index, name):
                    data[name] = "on"
            elif name in INSTRUMENT_FIELDS and _text(value):
                pk = self.instrument_pks.get(_text(value))
                if pk is None:
                    errors.append(ItemError(index, name, _("No instrument in use has this identifier.")))
                else:
                    data[name] = str(pk)
            else:
                data[name] = _text(value)
        form = self._form(RecordForm, data)
        if not form.is_valid() or errors:
            self.errors.extend([*errors, *_form_errors(form, index)])
            return
        fields = form.record_fields()
        if reference_hash is None:
            record = FollowUpRecord(municipality=self.municipality, unit=self.unit)
            for name, value in fields.items():
                setattr(record, name, value)
            self._valid(index, record)
            return
        if case is None:
            record = FollowUpRecord(
                municipality=self.municipality, unit=self.unit, owner=None, reference_hash=reference_hash, via=self.via
            )
            record.municipality, record.unit = self.municipality, self.unit
            for name, value in fields.items():
                setattr(record, name, value)
            if not self._valid(index, record):
                return
            self.cases[reference_hash] = _Case(
                record=record, is_new=True, before_years=set(), interventions={}, opened_by=index
            )
            return
        record = case.record
        changed = [name for name, value in fields.items() if getattr(record, name) != value]
        if not changed:
            self.unchanged += 1
            return
        if record.status != Status.OPEN:
            self.errors.append(ItemError(index, "", _("A closed record cannot be changed: reopen it first.")))
            return
        previous = {name: getattr(record, name) for name in changed}
        for name in changed:
            setattr(record, name, fields[name])
        if "opened_on" in changed:
            first = min((i.started_on for i in case.interventions.values()), default=None)
            if first and first < record.opened_on:
                self.errors.append(ItemError(index, "opened_on", _("An intervention starts before this date.")))
        if not self._valid(index, record):
            for name, value in previous.items():  # the next items see the record as it was
                setattr(record, name, value)
            return
        case.changed_fields.update(changed)
        case.opened_by = index

    def _form(self, form_class, data):
        """The form, bound to *data*: one instance per form class is bound again for each item (a
        thousand forms built field by field would be most of a call's time); validation is the
        form's own, from its fields."""
        form = self.forms.get(form_class)
        if form is None:
            form = form_class(data, instruments=self.instruments) if form_class is RecordForm else form_class(data)
            self.forms[form_class] = form
            return form
        form.data = data
        form._errors = None
        form.cleaned_data = {}
        return form

    def _valid(self, index: int, record: FollowUpRecord) -> bool:
        try:
            services.check_record(record, constraints=False)
        except ValidationError as error:
            self.errors.extend(_validation_errors(error, index))
            return False
        return True

    def _intervention(self, index: int, item: Mapping, case: _Case) -> None:
        form = self._form(InterventionForm, {name: _text(item.get(name)) for name in FIELDS[INTERVENTION][1:]})
        if not form.is_valid():
            self.errors.extend(_form_errors(form, index))
            return
        data = form.cleaned_data
        record = case.record
        errors = services.intervention_errors(
            opened_on=record.opened_on,
            kind=data["kind"],
            started_on=data["started_on"],
            ended_on=data["ended_on"],
            quantity=data["quantity"],
        )
        if errors:
            self.errors.extend(ItemError(index, name, str(message)) for name, message in errors.items())
            return
        key = (data["kind"], data["started_on"])
        existing = case.interventions.get(key)
        if existing is not None and (existing.ended_on, existing.quantity) == (data["ended_on"], data["quantity"]):
            self.unchanged += 1
            return  # already there
        if record.status != Status.OPEN:
            self.errors.append(ItemError(index, "", _("A closed record cannot be changed: reopen it first.")))
            return
        intervention = existing or Intervention(
            record=record if not case.is_new else None,
            municipality_id=self.municipality.pk,
            kind=data["kind"],
            started_on=data["started_on"],
        )
        intervention.ended_on, intervention.quantity = data["ended_on"], data["quantity"]
        try:
            intervention.full_clean(exclude=["record", "municipality", "started_year"], validate_constraints=False)
        except ValidationError as error:
            self.errors.extend(_validation_errors(error, index))
            return
        case.interventions[key] = intervention
        if existing is None:
            case.added.append(intervention)
        elif intervention.pk:
            case.changed_interventions[intervention.pk] = intervention

    def _closure(self, index: int, item: Mapping, case: _Case) -> None:
        form = self._form(CloseForm, {name: _text(item.get(name)) for name in CLOSING_FIELDS})
        if not form.is_valid():
            self.errors.extend(_form_errors(form, index))
            return
        data = form.cleaned_data
        record = case.record
        closing = (data["closed_on"], data["closure_reason"], data["outcome"], data["client_view"] or "")
        if record.status == Status.CLOSED:
            if (record.closed_on, record.closure_reason, record.outcome, record.client_view) == closing:
                self.unchanged += 1
                return  # already closed so
            self.errors.append(
                ItemError(index, "", _("The record is already closed, otherwise: reopen it in Fridsam first."))
            )
            return
        errors = services.closure_errors(
            opened_on=record.opened_on, closed_on=closing[0], reason=closing[1], outcome=closing[2]
        )
        later = [i for i in case.interventions.values() if i.started_on > closing[0]]
        if later and "closed_on" not in errors:
            errors["closed_on"] = _("An intervention starts after this date.")
        if errors:
            self.errors.extend(ItemError(index, name, str(message)) for name, message in errors.items())
            return
        record.status = Status.CLOSED
        record.closed_on, record.closure_reason, record.outcome, record.client_view = closing
        case.closing = closing

    # --- writing ---------------------------------------------------------------------------

    def write(self) -> None:
        now = timezone.now()
        new = [c for c in self.cases.values() if c.is_new]
        old = [c for c in self.cases.values() if not c.is_new]
        for case in new:
            record = case.record
            record.opened_year = record.opened_on.year
            record.closed_year = record.closed_on.year if record.closed_on else None
            record.created_at = record.updated_at = now
        try:
            with transaction.atomic():
                FollowUpRecord.objects.bulk_create([c.record for c in new], batch_size=500)
        except IntegrityError as exc:  # another call registered one of these references meanwhile
            raise PushRefused(
                [
                    ItemError(
                        c.opened_by,
                        "reference",
                        _("The municipality already follows up a case with this reference: search for it."),
                    )
                    for c in new
                ]
            ) from exc
        events = []
        changed_records, closed_records = [], []
        for case in new:
            events.append(RecordEvent(record=case.record, kind=EventKind.OPENED, on=case.record.opened_on, at=now))
        for case in old:
            record = case.record
            if case.changed_fields or case.closing:
                record.updated_at = now
                if case.closing:
                    record.closed_year = record.closed_on.year
                record.save()
                if case.changed_fields:
                    changed_records.append(record.pk)
        for case in self.cases.values():
            if case.closing:
                events.append(
                    RecordEvent(
                        record=case.record, kind=EventKind.CLOSED, on=case.closing[0], outcome=case.closing[2], at=now
                    )
                )
                closed_records.append(case.record.pk)
        RecordEvent.objects.bulk_create(events, batch_size=500)
        added = []
        for case in self.cases.values():
            for intervention in case.added:
                intervention.record = case.record
                intervention.started_year = intervention.started_on.year
                intervention.created_at = now
                added.append(intervention)
            for intervention in case.changed_interventions.values():
                intervention.save(update_fields=["ended_on", "quantity"])
        Intervention.objects.bulk_create(added, batch_size=500)
        generations.changed(self.municipality.pk)  # the bulk inserts pass no signals (ADR 0045)

        log = {
            AccessAction.CREATE: ([c.record.pk for c in new], ""),
            AccessAction.CHANGE: (changed_records, "changed"),
        }
        for action, (ids, detail) in log.items():
            log_access_many(
                action=action, object_type=FollowUpRecord, object_ids=ids, municipality=self.municipality, detail=detail
            )
        for detail, ids in (
            ("closed", closed_records),
            ("interventions", sorted({c.record.pk for c in self.cases.values() if c.added or c.changed_interventions})),
        ):
            log_access_many(
                action=AccessAction.CHANGE,
                object_type=FollowUpRecord,
                object_ids=ids,
                municipality=self.municipality,
                detail=detail,
            )

        years: set[int] = set()
        for case in self.cases.values():
            if case.is_new or case.changed_fields or case.closing or case.added or case.changed_interventions:
                record = case.record
                years |= case.before_years | {
                    record.opened_on.year,
                    record.closed_on.year if record.closed_on else None,
                }
                years |= {i.started_on.year for i in case.interventions.values()}
        tallies.refresh(self.municipality.pk, {y for y in years if y})

        result = self.result
        result.created = len(new)
        result.updated = len(changed_records)
        result.closed = len(closed_records)
        result.interventions_added = len(added)
        result.interventions_changed = sum(len(c.changed_interventions) for c in self.cases.values())


def push(
    *,
    municipality,
    unit,
    items: Sequence[Mapping],
    via: str,
    indexes: Sequence[int] | None = None,
    max_items: int = MAX_ITEMS,
    dry_run: bool = False,
) -> PushResult | None:
    """Validate every item, then write all of them or none (raises :class:`PushRefused`).

    *indexes* names the items in the errors (a file's lines); by default their place in the call.
    Runs as the current actor (an integration credential, or the person importing a file) inside
    the tenant scope, which must hold *municipality* at case level. ``dry_run`` validates only.
    """
    if len(items) > max_items:
        raise PushRefused(
            [ItemError(0, "", _("At most %(max)s items at a time.") % {"max": f"{max_items:,}".replace(",", " ")})]
        )
    if unit.municipality_id != municipality.pk:
        raise ValueError("the unit belongs to another municipality")
    indexes = list(indexes) if indexes is not None else list(range(len(items)))
    state = _Push(
        municipality=municipality, unit=unit, via=via, instruments=list(Instrument.objects.filter(is_active=True))
    )
    hashes = []
    for item in items:
        if isinstance(item, Mapping):
            with contextlib.suppress(ValidationError):
                hashes.append(references.reference_hash(municipality, _text(item.get("reference"))))
    with transaction.atomic():
        state.load(hashes)
        for index, item in zip(indexes, items, strict=True):
            state.item(index, item)
        if state.errors:
            raise PushRefused(state.errors)
        if dry_run:
            return None
        state.write()
    result = state.result
    result.unchanged = state.unchanged
    return result
