"""Follow-up records from a file, for journal systems without an API: the push's items as the
rows of a CSV or XLSX file (one column per field, ``type`` first), read through the bounded
reader (ADR 0016) and pushed all or nothing, every wrong row listed by its line."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.utils.translation import gettext as _

from fridsam.core import uploads
from fridsam.followup import push

HEADER = list(
    dict.fromkeys(["type", *push.FIELDS[push.RECORD], *push.FIELDS[push.INTERVENTION], *push.FIELDS[push.CLOSURE]])
)
COLUMNS = {uploads.normalise(h): h for h in HEADER}
MAX_ROWS = 20_000  # a large municipality's ten years of records in one file


@dataclass
class FileResult:
    result: push.PushResult | None = None
    errors: uploads.ErrorList = field(default_factory=uploads.ErrorList)
    rows: int = 0

    @property
    def ok(self) -> bool:
        return self.result is not None


def template_rows() -> list[list[str]]:
    """An example case: opened, an intervention, closed."""
    example = {
        "type": "record", "reference": "IFO-2026-0001", "opened_on": "2026-01-12", "route_in": "police",
        "category": "adult_victim", "sex": "female", "age_band": "25-44", "relation": "partner",
        "violence_forms": "physical,psychological", "protected_identity": "nej",
    }  # fmt: skip
    intervention = {
        "type": "intervention", "reference": "IFO-2026-0001", "kind": "support_talks", "started_on": "2026-01-15",
        "quantity": "6",
    }  # fmt: skip
    closure = {
        "type": "closure", "reference": "IFO-2026-0001", "closed_on": "2026-03-30", "closure_reason": "goals_met",
        "outcome": "ended", "client_view": "better",
    }  # fmt: skip
    return [[row.get(h, "") for h in HEADER] for row in (example, intervention, closure)]


def import_file(*, filename: str, data: bytes, municipality, unit, via: str) -> FileResult:
    outcome = FileResult()
    try:
        table = uploads.read_table(filename, data, COLUMNS, template=HEADER, required=("type", "reference"))
        rows = list(table.rows)
        if table.rows.error:
            raise table.rows.error
    except uploads.FileError as error:
        outcome.errors.append((None, str(error)))
        return outcome
    if not rows:
        outcome.errors.append((None, _("The file has no rows below its header.")))
        return outcome
    if len(rows) > MAX_ROWS:
        outcome.errors.append((None, _("At most %(max)s rows in one file.") % {"max": uploads.number(MAX_ROWS)}))
        return outcome
    outcome.rows = len(rows)
    items = [{k: v for k, v in row.items() if k != "line" and v != ""} for row in rows]
    try:
        outcome.result = push.push(
            municipality=municipality,
            unit=unit,
            items=items,
            via=via,
            indexes=[row["line"] for row in rows],
            max_items=MAX_ROWS,
        )
    except push.PushRefused as refused:
        for error in refused.errors:
            outcome.errors.append((error.index, f"{error.field}: {error.message}" if error.field else error.message))
    return outcome
