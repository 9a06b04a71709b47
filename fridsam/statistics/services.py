"""Writes of the statistics: the yearly entry form, file imports and observations.

Every write validates first and then saves in one transaction with its access-log rows, so a bad
row or a crash leaves nothing behind. An import is all or nothing: every bad row is reported with
its line and a reason in Swedish, and importing the same file again changes nothing.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from fridsam.core import generations, uploads
from fridsam.core.audit import log_access
from fridsam.core.models import AccessAction
from fridsam.core.roles import Role
from fridsam.core.validators import validate_no_personal_identity_number
from fridsam.organisations.models import Municipality, MunicipalityPopulation
from fridsam.statistics import importers
from fridsam.statistics.models import FIRST_YEAR, LAST_YEAR, Indicator, IndicatorValue, Observation, Unit, ValueSource

MAX_COUNT = 10_000_000


def writable_municipalities(tenancy) -> dict[str, Municipality]:
    """Municipalities whose figures the user may enter or import: a coordinator's or manager's
    own municipalities, whose figures they see exactly. Never the county's: the entry form and
    the import's checks compare with stored figures and name them (ADR 0017)."""
    result: dict[str, Municipality] = {}
    for m in tenancy.memberships:
        if m.role in (Role.COORDINATOR, Role.MANAGER) and m.municipality_id:
            result[m.municipality.code] = m.municipality
    return result


@dataclass(frozen=True)
class Figure:
    count: int | None = None
    denominator: int | None = None
    value: Decimal | None = None

    @property
    def empty(self) -> bool:
        return self.count is None and self.denominator is None and self.value is None


def figure_errors(indicator: Indicator, figure: Figure) -> list[str]:
    """What is wrong with a figure for this indicator, in Swedish; empty when it is right."""
    errors = []
    if figure.count is not None and not 0 <= figure.count <= MAX_COUNT:
        errors.append(_("The number must be between 0 and %(max)s.") % {"max": f"{MAX_COUNT:,}".replace(",", " ")})
    if figure.denominator is not None and not 0 < figure.denominator <= MAX_COUNT:
        errors.append(_("“Out of” must be a whole number above 0."))
    if indicator.unit == Unit.PERCENT:
        if figure.count is not None and figure.denominator is None:
            errors.append(_("A share needs both the number and what it is out of."))
        if figure.denominator is not None and figure.count is None:
            errors.append(_("A share needs both the number and what it is out of."))
        if figure.count is not None and figure.denominator is not None and figure.count > figure.denominator:
            errors.append(_("The number cannot be larger than what it is out of."))
        if figure.value is not None and not 0 <= figure.value <= 100:
            errors.append(_("A share in per cent must be between 0 and 100."))
    else:
        if figure.denominator is not None:
            errors.append(_("“Out of” is only used for shares."))
        if figure.value is not None and indicator.unit == Unit.COUNT:
            errors.append(_("Give a number for this indicator, not a computed value."))
        if figure.value is not None and figure.value < 0:
            errors.append(_("The value cannot be negative."))
    if figure.value is not None and figure.count is not None:
        errors.append(_("Give either a number or a value, not both."))
    return errors


def _sum_errors(indicators_by_key: dict[str, Indicator], state: dict[tuple[int, str, int], Figure]) -> dict:
    """(municipality id, indicator key, year) of a sum → error, where the parts do not add up.

    The message names the sum and what the parts add up to, stored figures included: it is only
    ever shown to the municipality's own coordinators and managers (``writable_municipalities``),
    who see those figures exactly. To anyone else it would reveal a hidden cell (ADR 0017)."""
    errors = {}
    for (mid, key, year), figure in state.items():
        indicator = indicators_by_key.get(key)
        if indicator is None or not indicator.sum_of or figure.count is None:
            continue
        parts = [state.get((mid, part, year)) for part in indicator.sum_of]
        if all(p is not None and p.count is not None for p in parts):
            total = sum(p.count for p in parts)
            if total != figure.count:
                errors[(mid, key, year)] = _(
                    "%(name)s is %(total)s but its parts add up to %(sum)s: correct the sum or the parts."
                ) % {"name": indicator.name, "total": figure.count, "sum": total}
    return errors


def _log(action: str, municipality: Municipality, detail: str, *, user) -> None:
    log_access(
        action=action,
        user=user,
        object_type=IndicatorValue,
        object_id=municipality.code,
        municipality=municipality,
        detail=detail[:300],
    )


def year_save(*, municipality: Municipality, year: int, figures: dict[str, Figure], user) -> int:
    """Save the entry form: one municipality, one year, a figure (or nothing) per indicator.
    An emptied indicator is removed. Returns the number of indicators changed."""
    if not FIRST_YEAR <= year <= LAST_YEAR:
        raise ValidationError(_("The year must be between %(a)s and %(b)s.") % {"a": FIRST_YEAR, "b": LAST_YEAR})
    by_key = {i.key: i for i in Indicator.objects.filter(is_active=True)}
    errors: dict[str, list[str]] = {}
    for key, figure in figures.items():
        if key not in by_key:
            raise ValidationError(_("Unknown indicator."))
        problems = figure_errors(by_key[key], figure)
        if problems:
            errors[key] = problems
    existing = {
        v.indicator.key: v
        for v in IndicatorValue.objects.filter(municipality=municipality, year=year).select_related("indicator")
    }
    state = {(municipality.pk, k, year): Figure(v.count, v.denominator, v.value) for k, v in existing.items()}
    for key, figure in figures.items():
        if figure.empty:
            state.pop((municipality.pk, key, year), None)
        else:
            state[(municipality.pk, key, year)] = figure
    for (_mid, key, _year), message in _sum_errors(by_key, state).items():
        errors.setdefault(key, []).append(message)
    if errors:
        raise ValidationError(errors)
    changed = []
    with transaction.atomic():
        for key, figure in figures.items():
            current = existing.get(key)
            if figure.empty:
                if current is not None:
                    current.delete()
                    changed.append(key)
                continue
            if current is not None and Figure(current.count, current.denominator, current.value) == figure:
                continue
            IndicatorValue.objects.update_or_create(
                municipality=municipality,
                indicator=by_key[key],
                year=year,
                defaults={
                    "count": figure.count,
                    "denominator": figure.denominator,
                    "value": figure.value,
                    "source": ValueSource.ENTERED,
                    "updated_at": timezone.now(),
                    "updated_by": user,
                },
            )
            changed.append(key)
        if changed:
            _log(AccessAction.CHANGE, municipality, f"Statistik {year}: {', '.join(sorted(changed))}", user=user)
    return len(changed)


@dataclass
class ImportResult:
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    skipped: int = 0
    # The first MAX_ERRORS problems; errors.more counts the others.
    errors: list[tuple[int | None, str]] = field(default_factory=uploads.ErrorList)
    municipalities: int = 0
    # What the import touched (its figures' municipalities and years), for what follows it.
    municipality_ids: list[int] = field(default_factory=list)
    years: list[int] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.errors


class ImportFailed(Exception):
    def __init__(self, result: ImportResult):
        super().__init__(f"{getattr(result.errors, 'total', len(result.errors))} errors")
        self.result = result


def _quoting(value, name: str, quoted: str, plain: str, **params) -> str:
    """A row's problem quoting its cell (as ``%(name)s`` in *quoted*), or saying it without the
    cell when the cell may hold a client's name or number (``uploads.quotable``): the problems are
    kept with the task and shown on its page."""
    shown = uploads.quotable(value)
    if shown is None:
        return plain % params if params else plain
    return quoted % {**params, name: shown}


def import_file(*, filename: str, data: bytes, tenancy) -> ImportResult:
    """Validate every row of the file, then save all of it, or nothing (raises ImportFailed). The
    file is read as a stream within the caps of :mod:`fridsam.core.uploads`; a cap passed refuses
    the file with that one error."""
    result = ImportResult()
    try:
        parsed = importers.parse(filename, data, errors=result.errors)
    except importers.FileError as error:
        result.errors.append((None, str(error)))
        raise ImportFailed(result) from None
    allowed = writable_municipalities(tenancy)
    indicators = {i.key: i for i in Indicator.objects.filter(is_active=True)}
    by_kpi = {i.kolada_kpi.upper(): i for i in indicators.values() if i.kolada_kpi}
    source = ValueSource.KOLADA if parsed.kind == "kolada" else ValueSource.IMPORTED

    wanted: dict[tuple[int, str, int], tuple[int, Figure]] = {}
    population_wanted: dict[tuple[int, str, int], tuple[int, int]] = {}
    for row in parsed.rows:
        problems = []
        population_field = None
        code = row.municipality.strip()
        if code.isdigit() and len(code) < 4:
            code = code.zfill(4)  # Excel drops the leading zero of 0180
        municipality = allowed.get(code)
        if municipality is None:
            problems.append(
                _quoting(
                    row.municipality or "–",
                    "code",
                    _("Municipality code %(code)s is not one you may report for."),
                    _("The municipality code is not one you may report for."),
                )
            )
        if parsed.kind == "kolada":
            indicator = by_kpi.get(row.kolada_kpi.upper())
            if indicator is None:
                problems.append(
                    _quoting(
                        row.kolada_kpi,
                        "kpi",
                        _("Kolada key figure %(kpi)s is not linked to an indicator (an administrator links it)."),
                        _("The Kolada key figure is not linked to an indicator (an administrator links it)."),
                    )
                )
        elif row.indicator.strip().lower() in POPULATION_KEYS:
            indicator = None
            population_field = POPULATION_KEYS[row.indicator.strip().lower()]
        else:
            indicator = indicators.get(row.indicator.strip().lower())
            if indicator is None:
                problems.append(
                    _quoting(row.indicator, "key", _("Unknown indicator “%(key)s”."), _("Unknown indicator."))
                )
        year = importers.to_int(row.year) if row.year else None
        if year is None or not FIRST_YEAR <= year <= LAST_YEAR:
            problems.append(
                _quoting(
                    row.year,
                    "year",
                    _("The year “%(year)s” is not a year between %(a)s and %(b)s."),
                    _("The year is not a year between %(a)s and %(b)s."),
                    a=FIRST_YEAR,
                    b=LAST_YEAR,
                )
            )
        count = denominator = value = None
        if row.count:
            count = importers.to_int(row.count)
            if count is None:
                problems.append(
                    _quoting(
                        row.count,
                        "v",
                        _("The number “%(v)s” is not a whole number."),
                        _("The number is not a whole number."),
                    )
                )
        if row.denominator:
            denominator = importers.to_int(row.denominator)
            if denominator is None:
                problems.append(
                    _quoting(
                        row.denominator,
                        "v",
                        _("“Out of” “%(v)s” is not a whole number."),
                        _("“Out of” is not a whole number."),
                    )
                )
        if row.value:
            value = importers.to_decimal(row.value)
            if value is None:
                problems.append(
                    _quoting(row.value, "v", _("The value “%(v)s” is not a number."), _("The value is not a number."))
                )
            else:
                value = value.quantize(Decimal("0.01"))
        figure = Figure(count, denominator, value)
        if indicator is not None and not problems:
            problems.extend(figure_errors(indicator, figure))
        if population_field and not problems and (count is None or denominator is not None or value is not None):
            problems.append(_("A population is a whole number of inhabitants in “antal”."))
        if problems:
            result.errors.extend((row.line, p) for p in problems)
            continue
        if population_field:
            key = (municipality.pk, population_field, year)
            if key in population_wanted:
                result.errors.append(
                    (
                        row.line,
                        _("The same municipality, indicator and year as on line %(line)s.")
                        % {"line": population_wanted[key][0]},
                    )
                )
            else:
                population_wanted[key] = (row.line, count)
            continue
        key = (municipality.pk, indicator.key, year)
        if key in wanted:
            result.errors.append(
                (
                    row.line,
                    _("The same municipality, indicator and year as on line %(line)s.") % {"line": wanted[key][0]},
                )
            )
            continue
        wanted[key] = (row.line, figure)
    if parsed.error is not None:
        result.errors = uploads.ErrorList([(None, str(parsed.error))])
        raise ImportFailed(result)
    result.skipped = parsed.skipped

    if not wanted and not population_wanted and not result.errors:
        result.errors.append((None, _("The file holds no figures to import.")))
    populations = _population_changes(population_wanted, result)
    municipality_ids = sorted({k[0] for k in wanted})
    years = sorted({k[2] for k in wanted})
    existing = {
        (mid, key, year): (pk, Figure(count, denominator, value))
        for pk, mid, key, year, count, denominator, value in IndicatorValue.objects.filter(
            municipality_id__in=municipality_ids, year__in=years
        )
        .order_by()
        .values_list("pk", "municipality_id", "indicator__key", "year", "count", "denominator", "value")
    }
    state = {k: f for k, (_pk, f) in existing.items()}
    state.update({k: f for k, (_line, f) in wanted.items()})
    for key, message in _sum_errors(indicators, state).items():
        line = wanted.get(key, (None,))[0]
        if line is None:  # the sum is stored; the file changed a part of it
            parts = [wanted[(key[0], p, key[2])][0] for p in indicators[key[1]].sum_of if (key[0], p, key[2]) in wanted]
            line = min(parts) if parts else None
        result.errors.append((line, message))
    if result.errors:
        result.errors.sort(key=lambda e: (e[0] is not None, e[0] or 0))
        raise ImportFailed(result)

    now = timezone.now()
    user = tenancy.user if tenancy.is_authenticated else None
    to_create, to_update = [], []
    touched: dict[int, list[int]] = defaultdict(lambda: [0, 0])
    for key, (_line, figure) in wanted.items():
        current = existing.get(key)
        if current is not None and current[1] == figure:
            result.unchanged += 1
            continue
        values = (figure.count, figure.denominator, figure.value, source, now, user.pk if user else None)
        if current is None:
            to_create.append((key[0], indicators[key[1]].pk, key[2], *values))
            touched[key[0]][0] += 1
        else:
            to_update.append((*values, current[0]))
            touched[key[0]][1] += 1
    result.created, result.updated = len(to_create), len(to_update)
    population_ids = {mid for mid, _year in populations}
    for mid in population_ids:
        touched.setdefault(mid, [0, 0])  # a municipality whose population changed is touched too
    result.municipalities = len(touched)
    result.municipality_ids = sorted(touched)
    result.years = sorted({k[2] for k in wanted} | {year for _mid, year in populations})
    municipalities = {m.pk: m for m in allowed.values()}
    with transaction.atomic():
        _write_rows(to_create, to_update)
        _write_populations(populations)
        for mid, (created, updated) in sorted(touched.items()):
            _log(
                AccessAction.IMPORT,
                municipalities[mid],
                f"Import av {uploads.shown_name(filename)}: {created} nya, {updated} ändrade"
                + (", befolkning" if mid in population_ids else ""),
                user=user,
            )
    return result


POPULATION_KEYS = {"befolkning": "total", "befolkning_vuxna": "adults"}


def _population_changes(wanted: dict, result: ImportResult) -> dict[tuple[int, int], dict]:
    """Population rows of an import (inhabitants, adults) merged with what is stored; errors
    for adults above the total or a new year without its total."""
    if not wanted:
        return {}
    ids = sorted({k[0] for k in wanted})
    years = sorted({k[2] for k in wanted})
    stored = {
        (mid, year): {"total": total, "adults": adults, "pk": pk}
        for pk, mid, year, total, adults in MunicipalityPopulation.objects.filter(
            municipality_id__in=ids, year__in=years
        ).values_list("pk", "municipality_id", "year", "total", "adults")
    }
    changes: dict[tuple[int, int], dict] = {}
    lines: dict[tuple[int, int], int] = {}
    for (mid, field_name, year), (line, count) in wanted.items():
        row = changes.setdefault((mid, year), dict(stored.get((mid, year), {"total": None, "adults": None})))
        row[field_name] = count
        lines[(mid, year)] = min(line, lines.get((mid, year), line))
    for key, row in changes.items():
        if row["total"] is None:
            result.errors.append((lines[key], _("The number of inhabitants (befolkning) is missing for this year.")))
        elif row["adults"] is not None and row["adults"] > row["total"]:
            result.errors.append((lines[key], _("There cannot be more adults than inhabitants.")))
    return {k: v for k, v in changes.items() if stored.get(k) != v}


def _write_populations(changes: dict[tuple[int, int], dict]) -> None:
    new = [
        MunicipalityPopulation(municipality_id=mid, year=year, total=row["total"], adults=row["adults"])
        for (mid, year), row in changes.items()
        if not row.get("pk")
    ]
    changed = [
        MunicipalityPopulation(pk=row["pk"], municipality_id=mid, year=year, total=row["total"], adults=row["adults"])
        for (mid, year), row in changes.items()
        if row.get("pk")
    ]
    MunicipalityPopulation.objects.bulk_create(new, batch_size=500)
    MunicipalityPopulation.objects.bulk_update(changed, ["total", "adults"], batch_size=500)


def _write_rows(to_create: list[tuple], to_update: list[tuple]) -> None:
    """Insert and update many values with one prepared statement each (executemany): a 290 ×
    10-year file is 35 000 rows, and building model instances for them costs seconds. Runs in the
    caller's transaction; the database constraints still check every row."""
    meta = IndicatorValue._meta
    quote = connection.ops.quote_name
    table = quote(meta.db_table)
    figures = [
        quote(meta.get_field(f).column) for f in ("count", "denominator", "value", "source", "updated_at", "updated_by")
    ]
    keys = [quote(meta.get_field(f).column) for f in ("municipality", "indicator", "year")]
    prepared_times: dict = {}

    def prepared(row, offset):
        # Every row of an import carries the same timestamp: prepare it once. Decimals go as
        # they are (both backends adapt them).
        row = list(row)
        stamp = row[offset + 4]
        if stamp not in prepared_times:
            prepared_times[stamp] = meta.get_field("updated_at").get_db_prep_save(stamp, connection)
        row[offset + 4] = prepared_times[stamp]
        return row

    with connection.cursor() as cursor:
        if to_create and connection.vendor == "postgresql":
            # COPY is several times faster than one INSERT per row on PostgreSQL.
            columns = ", ".join([*keys, *figures])
            with cursor.cursor.copy(f"COPY {table} ({columns}) FROM STDIN") as copy:
                for row in to_create:
                    copy.write_row(prepared(row, 3))
            generations.table_written(meta.db_table)  # psycopg's COPY passes Django's execute wrappers by
        elif to_create:
            columns = ", ".join([*keys, *figures])
            placeholders = ", ".join(["%s"] * (len(keys) + len(figures)))
            cursor.executemany(
                f"INSERT INTO {table} ({columns}) VALUES ({placeholders})",  # noqa: S608 - names from _meta
                [prepared(r, 3) for r in to_create],
            )
        if to_update:
            assignments = ", ".join(f"{c} = %s" for c in figures)
            cursor.executemany(
                f"UPDATE {table} SET {assignments} WHERE {quote(meta.pk.column)} = %s",  # noqa: S608 - names from _meta
                [prepared(r, 0) for r in to_update],
            )


def observation_add(
    *, municipality: Municipality, area: str, source_type: str, observed_on, text: str, user
) -> Observation:
    validate_no_personal_identity_number(text)
    observation = Observation(
        municipality=municipality,
        area=area,
        source_type=source_type,
        observed_on=observed_on,
        text=text.strip(),
        created_by=user,
    )
    observation.full_clean()
    with transaction.atomic():
        observation.save()
        log_access(
            action=AccessAction.CREATE,
            object_type=observation,
            municipality=municipality,
            detail="Iakttagelse",
        )
    return observation
