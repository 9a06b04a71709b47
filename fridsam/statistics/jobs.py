"""Background work of the statistics (ADR 0029): a large import, and, after every import, the
county's suppression pattern computed again so that the first page after it is as fast as the
second (the pattern is cached under a hash of its input, in the cache every server shares)."""

from __future__ import annotations

from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from fridsam.organisations.models import Municipality
from fridsam.statistics import selectors, services
from fridsam.tasks import services as task_services
from fridsam.tasks.registry import Outcome, TaskFailed, register

IMPORT = "statistics.import"
REFRESH = "statistics.refresh"


def summary_of(result: services.ImportResult) -> dict:
    """An import's outcome as the page shows it (stored with the task, shown on the import page)."""
    return {
        "ok": result.ok,
        "created": result.created,
        "updated": result.updated,
        "unchanged": result.unchanged,
        "skipped": result.skipped,
        "municipalities": result.municipalities,
        "errors": [[line, str(message)] for line, message in result.errors],
        "total": getattr(result.errors, "total", len(result.errors)),
        "more": getattr(result.errors, "more", 0),
    }


def refresh_after(*, municipality_ids, years) -> None:
    """Queue the suppression of the counties of these municipalities, for these years."""
    counties = sorted(
        set(Municipality.objects.filter(pk__in=sorted(municipality_ids)).values_list("county_id", flat=True))
    )
    years = sorted(set(years))
    if not counties or not years:
        return
    for county_id in counties:
        task_services.submit(
            kind=REFRESH,
            label=f"Sekretessmönster län {county_id}, {years[0]}–{years[-1]}",
            params={"county_id": county_id, "years": years},
            key=f"{REFRESH}:{county_id}:{','.join(map(str, years))}",
        )


@register(REFRESH)
def refresh(task, tenancy) -> Outcome:
    municipalities = list(Municipality.objects.filter(county_id=task.params["county_id"]))
    figures = selectors.load_figures(municipalities, task.params["years"])
    hidden = sum(1 for cell in figures.cells.values() if cell.hidden)
    return Outcome(summary={"municipalities": len(municipalities), "hidden": hidden})


def import_and_refresh(*, filename: str, data: bytes, tenancy) -> services.ImportResult:
    """Import a file (all or nothing; raises services.ImportFailed) and queue the refresh."""
    result = services.import_file(filename=filename, data=data, tenancy=tenancy)
    refresh_after(municipality_ids=result.municipality_ids, years=result.years)
    return result


@register(IMPORT, template="statistics/_import_result.html")
def import_file(task, tenancy) -> Outcome:
    if tenancy is None or not services.writable_municipalities(tenancy):
        raise TaskFailed(_("You may no longer import figures."))
    with task.input_file.open("rb") as stored:
        data = stored.read()
    try:
        result = import_and_refresh(filename=task.input_name, data=data, tenancy=tenancy)
    except services.ImportFailed as failure:
        summary = summary_of(failure.result)
        raise TaskFailed(
            ngettext(
                "Nothing was imported: %(n)s problem to correct.",
                "Nothing was imported: %(n)s problems to correct.",
                summary["total"],
            )
            % {"n": summary["total"]},
            summary,
        ) from None
    return Outcome(summary=summary_of(result))
