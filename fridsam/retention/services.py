"""Retention rules, holds, the monthly preview, sign-off and culling (ADR 0031, ADR 0032).

Nothing is culled without a sign-off: :func:`preview` counts what is due (a :class:`CullingRun`
with a line per kind and unit, the rule and cut-off applied), :func:`sign_off` records who
approved it, and only :func:`cull` deletes — the items that were due at the signed cut-offs and
are not under a hold when the culling runs. Culling is done in batches, each its own short
transaction, so that no lock is held long enough for a page to wait. Before the rows go, the
archive package is written where the rule says so, and the stored statistics of the years they
counted in are frozen (``statistics.computed.freeze``): every page shows the same figures after.
"""

from __future__ import annotations

import datetime
from collections import defaultdict
from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.db.models import Count, F
from django.db.models.expressions import RawSQL
from django.utils import timezone
from django.utils.translation import gettext as _

from fridsam.accounts.models import Membership
from fridsam.core import generations
from fridsam.core.audit import log_access
from fridsam.core.dates import add_months
from fridsam.core.log_culling import ChainNotIntact, delete_up_to, planned_cut, write_checkpoint
from fridsam.core.models import AccessAction, AccessLogCheckpoint, incoming_relations
from fridsam.core.tenancy import unscoped
from fridsam.organisations.models import Municipality
from fridsam.retention import archive
from fridsam.retention.defaults import DEFAULTS
from fridsam.retention.kinds import INSTALLATION_KINDS, KINDS, MUNICIPALITY_KINDS, midnight
from fridsam.retention.models import Action, CullingRun, Hold, Kind, RetentionRule, RunLine, RunStatus
from fridsam.statistics.computed import freeze


@dataclass(frozen=True)
class EffectiveRule:
    kind: str
    clock: str
    months: int
    action: str
    basis: str
    own: bool  # the municipality's own rule (else the installation's default)

    def cutoff(self, month: datetime.date) -> datetime.date:
        return add_months(month, -self.months)


def installation_default(kind: str) -> EffectiveRule:
    stored = RetentionRule.system_objects.filter(municipality__isnull=True, kind=kind).first()
    if stored is not None:
        return EffectiveRule(kind, stored.clock, stored.months, stored.action, stored.basis, own=False)
    clock, months, action, basis = DEFAULTS[kind]
    return EffectiveRule(kind, clock, months, action, basis, own=False)


def effective_rules(municipality: Municipality | None) -> dict[str, EffectiveRule]:
    """Every kind's rule for the municipality (its own where it has one), or the installation's."""
    own = {}
    if municipality is not None:
        own = {r.kind: r for r in RetentionRule.system_objects.filter(municipality=municipality)}
    rules = {}
    for kind in Kind.values:
        r = own.get(kind)
        rules[kind] = (
            EffectiveRule(kind, r.clock, r.months, r.action, r.basis, own=True)
            if r is not None
            else installation_default(kind)
        )
    return rules


def rule_save(*, municipality, kind: str, clock: str, months: int, action: str, basis: str, acting_user):
    spec = KINDS[kind]
    if spec.installation_only:
        raise ValidationError(_("This kind has one rule for the whole installation."))
    if clock not in spec.clocks:
        raise ValidationError({"clock": _("This clock does not apply to this kind of information.")})
    if action not in spec.actions:
        raise ValidationError({"action": _("This kind of information is not delivered to the archive.")})
    with transaction.atomic():
        rule, _created = RetentionRule.system_objects.update_or_create(
            municipality=municipality,
            kind=kind,
            defaults={
                "clock": clock,
                "months": months,
                "action": action,
                "basis": basis,
                "changed_by": acting_user,
                "changed_at": timezone.now(),
            },
        )
        rule.full_clean()
        log_access(
            action=AccessAction.CHANGE,
            object_type=rule,
            user=acting_user,
            municipality=municipality,
            detail=f"kind={kind}; clock={clock}; months={months}; action={action}",
        )
    return rule


def rule_reset(*, municipality, kind: str, acting_user) -> None:
    """Back to the installation's default for this kind."""
    with transaction.atomic():
        deleted, _rows = RetentionRule.system_objects.filter(municipality=municipality, kind=kind).delete()
        if deleted:
            log_access(
                action=AccessAction.DELETE,
                object_type="retention.retentionrule",
                user=acting_user,
                municipality=municipality,
                detail=f"kind={kind}; back to the default",
            )


def hold_place(*, municipality, kind: str, object_id: int | None, reason: str, note: str, acting_user) -> Hold:
    hold = Hold(
        municipality=municipality,
        kind=kind,
        object_id=object_id,
        reason=reason,
        note=note,
        placed_on=timezone.localdate(),
        placed_by=acting_user,
    )
    hold.full_clean()
    with transaction.atomic():
        hold.save()
        log_access(
            action=AccessAction.CREATE,
            object_type=hold,
            user=acting_user,
            municipality=municipality,
            detail=f"hold; kind={kind}; item={object_id or 'all'}; reason={reason}",
        )
    return hold


def hold_lift(*, hold: Hold, acting_user) -> Hold:
    if hold.lifted_on is not None:
        return hold
    with transaction.atomic():
        hold.lifted_on, hold.lifted_by = timezone.localdate(), acting_user
        hold.save(update_fields=["lifted_on", "lifted_by"])
        log_access(
            action=AccessAction.CHANGE,
            object_type=hold,
            user=acting_user,
            municipality=hold.municipality,
            detail=f"hold lifted; kind={hold.kind}; item={hold.object_id or 'all'}",
        )
    return hold


def held_items(municipality_id: int | None, kind: str):
    """(every item is held, the held item ids) for the municipality's active holds on a kind (and
    on everything of the kinds whose holds hold it too). The installation's run has no holds."""
    active = Hold.system_objects.filter(municipality_id=municipality_id, lifted_on__isnull=True)
    holds = list(active.filter(kind=kind).values_list("object_id", flat=True))
    held_with = KINDS[kind].held_with
    everything = None in holds or (
        bool(held_with) and active.filter(kind__in=held_with, object_id__isnull=True).exists()
    )
    return everything, {h for h in holds if h is not None}


def _due(municipality_id: int, kind: str, clock: str, cutoff: datetime.date):
    """The items due and the items held among them (querysets)."""
    due = KINDS[kind].clocks[clock](municipality_id, cutoff)
    everything, ids = held_items(municipality_id, kind)
    if everything:
        return due.none(), due
    return due.exclude(pk__in=ids), due.filter(pk__in=ids)


def first_of_month(day: datetime.date) -> datetime.date:
    return day.replace(day=1)


def _unit_counts(qs, unit_field: str | None) -> dict:
    if unit_field is None:
        return {None: qs.count()}
    rows = qs.order_by().values(line_unit=F(f"{unit_field}_id"), line_unit_name=F(f"{unit_field}__name"))
    return {(r["line_unit"], r["line_unit_name"]): r["n"] for r in rows.annotate(n=Count("pk"))}


def preview(*, municipality: Municipality | None, month: datetime.date) -> CullingRun:
    """Count what is due this month, per kind and unit, without content. A run already signed or
    culled is returned as it is; one awaiting sign-off is counted again (it may have changed)."""
    month = first_of_month(month)
    with transaction.atomic():
        run, _created = CullingRun.system_objects.select_for_update().get_or_create(
            municipality=municipality, month=month
        )
        if run.status != RunStatus.PREVIEWED:
            return run
        run.lines.all().delete()
        rules = effective_rules(municipality)
        lines = []
        kinds = MUNICIPALITY_KINDS if municipality is not None else INSTALLATION_KINDS
        for kind in kinds:
            rule, spec = rules[kind], KINDS[kind]
            cutoff = rule.cutoff(month)
            common = {"run": run, "kind": kind, "clock": rule.clock, "months": rule.months, "action": rule.action}
            if kind == Kind.ACCESS_LOG:
                cut = planned_cut(midnight(cutoff))
                held = Hold.system_objects.filter(kind=Kind.ACCESS_LOG, lifted_on__isnull=True).exists()
                lines.append(
                    RunLine(**common, cutoff=cutoff, due=0 if held else cut.count, held=cut.count if held else 0)
                )
                continue
            due, held = _due(municipality.pk if municipality is not None else None, kind, rule.clock, cutoff)
            due_by_unit, held_by_unit = _unit_counts(due, spec.unit_field), _unit_counts(held, spec.unit_field)
            for key in sorted(set(due_by_unit) | set(held_by_unit), key=lambda k: k[1] if k else ""):
                unit_id, unit_name = key if key else (None, "")
                if not due_by_unit.get(key) and not held_by_unit.get(key):
                    continue
                lines.append(
                    RunLine(
                        **common,
                        unit_id=unit_id,
                        unit_name=unit_name,
                        cutoff=cutoff,
                        due=due_by_unit.get(key, 0),
                        held=held_by_unit.get(key, 0),
                    )
                )
        RunLine.objects.bulk_create(lines)
        run.computed_at = timezone.now()
        run.save(update_fields=["computed_at"])
    return run


def _signer_name(user) -> str:
    return (user.get_full_name() or user.get_username())[:300]


def sign_off(*, run: CullingRun, acting_user) -> CullingRun:
    with transaction.atomic():
        run = CullingRun.system_objects.select_for_update().get(pk=run.pk)
        if run.status != RunStatus.PREVIEWED:
            raise ValidationError(_("This run has already been signed off."))
        run.status = RunStatus.SIGNED
        run.signed_by, run.signed_by_name, run.signed_at = acting_user, _signer_name(acting_user), timezone.now()
        run.save(update_fields=["status", "signed_by", "signed_by_name", "signed_at"])
        log_access(
            action=AccessAction.CHANGE,
            object_type=run,
            user=acting_user,
            municipality=run.municipality,
            detail=f"culling signed off; month={run.month:%Y-%m}; due={sum(line.due for line in run.lines.all())}",
        )
    return run


def _ids(ids: list[int]):
    """A batch of ids for ``__in``: on PostgreSQL one array parameter (``IN (SELECT unnest(…))``), so
    that neither Django nor the driver handles hundreds of placeholders per statement (measured: a
    third of a batch's time went to that); elsewhere the list."""
    if connection.vendor == "postgresql":
        return RawSQL("SELECT unnest(%s::bigint[])", (ids,))
    return ids


def _add_culled(counts: dict[int, int]) -> None:
    """Add to the lines' culled counts (line id → items), in the transaction of the batch that
    deleted them: the protocol says what is gone, no more and no less, even of a run stopped midway."""
    for line_id, n in counts.items():
        if n:
            RunLine.system_objects.filter(pk=line_id).update(culled=F("culled") + n)


def _delete_batches(spec, ids: list[int], batch_size: int, line_of) -> int:
    """Delete the items in batches, each one transaction with its dependants and its lines' counts:
    a batch is culled whole or not at all, and a run stopped between two batches is taken up by
    the next job, which finds the culled batches gone (ADR 0043). ``line_of`` gives an item's
    unit's line."""
    removed = 0
    unit_field = f"{spec.unit_field}_id" if spec.unit_field is not None else None
    for start in range(0, len(ids), batch_size):
        batch = _ids(ids[start : start + batch_size])
        with transaction.atomic():
            # The items that are still there, locked: the protocol counts exactly these.
            items = spec.model.system_objects.filter(pk__in=batch).select_for_update()
            if unit_field:
                present = list(items.values_list("pk", unit_field))
            else:
                present = [(pk, None) for pk in items.values_list("pk", flat=True)]
            if not present:
                continue
            batch = [pk for pk, _unit in present]
            # The rows that go with the items first, each kind in one statement (they have no
            # rows of their own depending on them), so that deleting the items finds nothing
            # left to collect but the links it sets to null.
            for model, fk in spec.dependants:
                rows = model.system_objects.filter(**{f"{fk}__in": batch})
                if incoming_relations(model):
                    rows.delete()
                else:
                    rows._raw_delete(rows.db)  # one DELETE, without Django collecting the rows first
            for model, fk in spec.nullify:
                model.system_objects.filter(**{f"{fk}__in": batch}).update(**{fk: None})
            items = spec.model.system_objects.filter(pk__in=batch)
            if spec.plain_delete:
                items._raw_delete(items.db)  # one DELETE: see KindSpec.plain_delete
            else:
                items.delete()
            counts = defaultdict(int)
            for _pk, unit in present:
                counts[line_of(unit)] += 1
            _add_culled(counts)
            # Past Django's signals: what is cached from these rows is out of date (ADR 0045).
            generations.changed()
            removed += len(present)
    return removed


def _checkpoint_reason(run: CullingRun) -> str:
    return f"culling run {run.pk} ({run.month:%Y-%m})"


def _own_checkpoint(run: CullingRun):
    """The access-log checkpoint an earlier attempt of this run wrote (it may have been stopped
    before every entry up to it was deleted)."""
    return AccessLogCheckpoint.objects.filter(reason=_checkpoint_reason(run)).order_by("-cut_sequence").first()


def cull(*, run: CullingRun, batch_size: int | None = None) -> CullingRun:
    """Cull a signed run: per kind, the items due at the signed cut-off and not held now; the
    archive package first where the rule says so; then the rows, in batches.

    Resumable (ADR 0043): a run stopped midway (its worker killed) is still signed, and the next
    job takes it up. What was culled is gone and counted in its lines, batch by batch; a kind of
    which some was culled keeps the archive files it was culled from, and only the items they hold
    go now (one that fell due since waits for next month's run); the access log is deleted up to
    the checkpoint already written.
    """
    if run.status != RunStatus.SIGNED:
        raise ValidationError(_("Only a signed-off run is culled."))
    batch_size = batch_size or settings.FRIDSAM_CULLING_BATCH_SIZE
    lines_by_kind = defaultdict(list)
    for line in run.lines.all():
        lines_by_kind[line.kind].append(line)
    directory = archive.package_dir(run)
    if not any(line.culled for lines in lines_by_kind.values() for line in lines):
        archive.discard_manifest(directory)  # a package is complete only once this attempt says so
    files, rules, problems = {}, {}, []
    for kind, lines in lines_by_kind.items():
        line = lines[0]
        rules[kind] = {
            "clock": line.clock,
            "months": line.months,
            "action": line.action,
            "cutoff": line.cutoff.isoformat(),
        }
        spec = KINDS[kind]
        if kind == Kind.ACCESS_LOG:
            checkpoint = _own_checkpoint(run)
            if checkpoint is None:
                held = Hold.system_objects.filter(kind=Kind.ACCESS_LOG, lifted_on__isnull=True).exists()
                if not line.due or held:
                    continue
                cut = planned_cut(midnight(line.cutoff))
                if not cut.sequence:
                    continue
                try:
                    checkpoint = write_checkpoint(cut=cut, before=midnight(line.cutoff), reason=_checkpoint_reason(run))
                except ChainNotIntact as error:
                    # Evidence of tampering is never culled: the run stays signed, and every
                    # later job says so again until the log is looked into.
                    raise ValidationError(
                        _("The access log does not verify (%(problem)s): nothing was culled.") % {"problem": error}
                    ) from error
            delete_up_to(checkpoint.cut_sequence, on_batch=lambda n, pk=line.pk: _add_culled({pk: n}))
            continue
        due, _held_qs = _due(run.municipality_id, kind, line.clock, line.cutoff)
        ids = list(due.order_by("pk").values_list("pk", flat=True))
        if line.action == Action.ARCHIVE:
            if any(x.culled for x in lines):
                # An earlier attempt culled some of the kind after writing its files: those files
                # are the package (they hold what is gone), and only what they hold goes now.
                earlier = archive.written(directory, spec)
                if earlier is None:
                    raise ValidationError(
                        _("The archive files of this run are missing (%(directory)s): nothing more was culled.")
                        % {"directory": directory}
                    )
                entries, archived = earlier
                ids = [pk for pk in ids if pk in archived]
            elif ids:  # nothing of the kind culled yet: its files are written (again) from the database
                entries = archive.write_kind(directory, spec, ids)
            else:
                continue
            files.update(entries)
        if not ids:
            continue
        if spec.cull_items is not None:
            # Culled otherwise than deleted (a staff account: its name, ADR 0040); those it could
            # not take are named, and the run stays signed for the next job to try again.
            done, stopped = spec.cull_items(ids=ids, run=run)
            lines[0].culled += done
            lines[0].save(update_fields=["culled"])
            problems += stopped
            continue
        if spec.statistics_years is not None:
            by_municipality = defaultdict(set)
            for start in range(0, len(ids), 5000):
                chunk = spec.model.system_objects.filter(pk__in=_ids(ids[start : start + 5000]))
                for m, y in spec.statistics_years(chunk):
                    by_municipality[m].add(y)
            for m, years in by_municipality.items():
                freeze(m, years)
        if spec.freeze is not None:
            for start in range(0, len(ids), 5000):
                spec.freeze(spec.model.system_objects.filter(pk__in=_ids(ids[start : start + 5000])))
        line_by_unit = {x.unit_id: x.pk for x in lines}
        _delete_batches(spec, ids, batch_size, lambda unit, found=line_by_unit, first=line.pk: found.get(unit, first))
    if files:
        run.package = str(directory)
        run.package_sha256 = archive.write_manifest(directory, run, rules, files)
    if problems:
        run.save(update_fields=["package", "package_sha256"])
        raise ValidationError(problems)
    with transaction.atomic():
        if not CullingRun.system_objects.select_for_update().filter(pk=run.pk, status=RunStatus.SIGNED).exists():
            return CullingRun.system_objects.get(pk=run.pk)  # another job finished it meanwhile
        run.status, run.culled_at = RunStatus.CULLED, timezone.now()
        run.save(update_fields=["status", "culled_at", "package", "package_sha256"])
        culled = defaultdict(int)
        for kind, n in RunLine.system_objects.filter(run=run).values_list("kind", "culled"):
            culled[kind] += n
        log_access(
            action=AccessAction.DELETE,
            object_type=run,
            municipality=run.municipality,
            detail="culled; " + "; ".join(f"{k}={n}" for k, n in sorted(culled.items())),
        )
    return run


def run_monthly(*, today: datetime.date | None = None, problems: list[str] | None = None) -> list[CullingRun]:
    """The monthly job: cull every signed run, then compute this month's preview for every
    municipality and for the installation (the access log). Idempotent: run it daily or monthly.
    A run that cannot be culled is reported in ``problems`` and left signed for the next job."""
    problems = problems if problems is not None else []
    today = today or timezone.localdate()
    runs = []
    for run in CullingRun.system_objects.filter(status=RunStatus.SIGNED).order_by("pk"):
        try:
            runs.append(cull(run=run))
        except ValidationError as error:  # one run that cannot be culled stops no other
            problems.append(f"run {run.pk} ({run}): {' '.join(error.messages)}")
            runs.append(run)
    # The municipalities that use Fridsam: those that have, or had, staff in it.
    using = Membership.system_objects.filter(municipality__isnull=False).values("municipality_id")
    with unscoped():
        municipalities = list(Municipality.objects.filter(pk__in=using).order_by("code"))
    for municipality in municipalities:
        runs.append(preview(municipality=municipality, month=today))
    runs.append(preview(municipality=None, month=today))
    return runs
