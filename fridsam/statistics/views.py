from django.conf import settings
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from fridsam.core import uploads
from fridsam.core.audit import log_access
from fridsam.core.kept import kept_page
from fridsam.core.models import AccessAction
from fridsam.core.policies import ADD, CHANGE, VIEW
from fridsam.organisations.models import Municipality
from fridsam.organisations.policies import municipality_policy
from fridsam.statistics import effect_reading, exports, jobs, selectors, services, skr
from fridsam.statistics import years as year_rules
from fridsam.statistics.effects import NATIONAL
from fridsam.statistics.forms import ImportForm, KeyFigureReportingForm, ObservationForm, YearForm
from fridsam.statistics.models import Unit
from fridsam.statistics.policies import (
    VIEW_COUNTY,
    VIEW_DEFINITIONS,
    VIEW_NATIONAL,
    county_or_404,
    statistics_policy,
)
from fridsam.statistics.presentation import (
    county_table,
    indicator_sections,
    municipality_rows,
    ranking,
    unit_label,
)
from fridsam.tasks import services as task_services


def default_years(municipality_ids, present=None) -> list[int]:
    present = selectors.years_with_data(municipality_ids) if present is None else present
    this_year = timezone.localdate().year
    last = max([*present, this_year - 1])
    first = min([*present, last - 4]) if present else last - 4
    return list(range(max(first, last - 14), last + 1))


def figures_for(request, municipality: Municipality, years=None) -> selectors.Figures:
    """Own staff: their own figures, exact. Anyone else (the county): the county's figures
    through the suppression, so the hidden cells are the same as on every county page."""
    exact = selectors.exact_municipality_ids(request.tenancy)
    if municipality.pk in exact:
        municipalities = [municipality]
    else:
        municipalities = list(Municipality.objects.filter(county_id=municipality.county_id))
    years = years or default_years([m.pk for m in municipalities])
    return selectors.load_figures(municipalities, years, exact_ids=exact)


@kept_page
def index(request):
    tenancy = request.tenancy
    statistics_policy.check(tenancy, VIEW)
    municipalities = [m for m in municipality_policy.visible(tenancy) if statistics_policy.can(tenancy, VIEW, m)]
    counties = [
        m.county for m in tenancy.memberships if m.county_id and statistics_policy.can(tenancy, VIEW_COUNTY, m.county)
    ]
    exact = selectors.exact_municipality_ids(tenancy)
    return render(
        request,
        "statistics/index.html",
        {
            "own": [m for m in municipalities if m.pk in exact],
            "counties": list({c.pk: c for c in counties}.values()),
            "can_view_national": statistics_policy.can(tenancy, VIEW_NATIONAL),
            "can_import": bool(services.writable_municipalities(tenancy)),
        },
    )


def municipality(request, municipality_code):
    tenancy = request.tenancy
    municipality = municipality_policy.get_or_404(tenancy, VIEW, code=municipality_code)
    statistics_policy.check(tenancy, VIEW, municipality)
    figures = figures_for(request, municipality)
    if _wants_export(request):
        header, rows = municipality_rows(figures, municipality)
        return _export(
            request,
            f"statistik-{municipality.code}",
            header,
            rows,
            municipality=municipality,
            detail="Statistik per år",
        )
    sections = indicator_sections(figures, municipality)
    exact = municipality.pk in figures.exact_ids
    return render(
        request,
        "statistics/municipality.html",
        {
            "municipality": municipality,
            "figures": figures,
            "sections": sections,
            "exact": exact,
            "can_enter": statistics_policy.can(tenancy, CHANGE, municipality),
            "entry_year": timezone.localdate().year - 1,
            "periods": figures.periods.get(municipality.pk, []),
        },
    )


def enter_year(request, municipality_code, year):
    tenancy = request.tenancy
    municipality = municipality_policy.get_or_404(tenancy, VIEW, code=municipality_code)
    statistics_policy.check(tenancy, CHANGE, municipality)
    if not 2000 <= year <= timezone.localdate().year:
        raise Http404
    indicators = [i for i in selectors.indicators() if i.obtained != "computed"]
    earlier_years = [y for y in range(year - 3, year)]
    stored = selectors.value_rows_for(municipality, [*earlier_years, year])
    current = {key: value for (key, y), value in stored.items() if y == year}
    form = YearForm(request.POST or None, indicators=indicators, initial_values=current)
    if request.method == "POST" and form.is_valid():
        try:
            changed = services.year_save(
                municipality=municipality, year=year, figures=form.figures(), user=request.user
            )
        except ValidationError as error:
            if hasattr(error, "error_dict"):
                form.add_indicator_errors({k: [m for e in v for m in e.messages] for k, v in error.error_dict.items()})
            else:
                form.add_error(None, error)
        else:
            messages.success(
                request,
                ngettext(
                    "The figures for %(year)s are saved (%(n)s changed).",
                    "The figures for %(year)s are saved (%(n)s changed).",
                    changed,
                )
                % {"year": year, "n": changed}
                if changed
                else _("Nothing was changed."),
            )
            return redirect("statistics:municipality", municipality_code=municipality.code)
    rows = []
    for indicator, count_field, denominator_field in form.rows():
        earlier = []
        for y in earlier_years:
            value = stored.get((indicator.key, y))
            if value is None:
                earlier.append("–")
            elif indicator.unit == Unit.PERCENT and value.count is not None:
                earlier.append(f"{value.count} / {value.denominator}")
            elif value.count is not None:
                earlier.append(str(value.count))
            else:
                earlier.append(str(value.value).replace(".", ","))
        rows.append((indicator, count_field, denominator_field, earlier, selectors.definition_for(indicator, year)))
    return render(
        request,
        "statistics/enter_year.html",
        {
            "municipality": municipality,
            "year": year,
            "form": form,
            "rows": rows,
            "earlier_years": earlier_years,
            "years": list(range(timezone.localdate().year - 1, timezone.localdate().year - 11, -1)),
        },
    )


def import_file(request):
    """A file is imported while the page waits; a large one (over FRIDSAM_IMPORT_INLINE_BYTES) by a
    worker, followed on its task's page (ADR 0029). Either way the county's suppression is then
    computed again in the background."""
    tenancy = request.tenancy
    allowed = services.writable_municipalities(tenancy)
    if not allowed:
        raise Http404
    form = ImportForm(request.POST or None, request.FILES or None)
    summary = None
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        if upload.size > settings.FRIDSAM_IMPORT_INLINE_BYTES:
            task = task_services.submit(
                kind=jobs.IMPORT,
                label=_("Import of %(name)s") % {"name": uploads.shown_name(upload.name)},
                user=request.user,
                upload=upload,
            )
            return redirect("tasks:detail", pk=task.pk)
        try:
            result = jobs.import_and_refresh(filename=upload.name, data=upload.read(), tenancy=tenancy)
        except services.ImportFailed as failure:
            summary = jobs.summary_of(failure.result)
        else:
            summary = jobs.summary_of(result)
            messages.success(
                request,
                _("Imported – new: %(created)s, changed: %(updated)s, unchanged: %(unchanged)s.")
                % {"created": result.created, "updated": result.updated, "unchanged": result.unchanged},
            )
    return render(
        request,
        "statistics/import.html",
        {
            "form": form,
            "result": summary,
            "allowed": sorted(allowed.values(), key=lambda m: m.name),
            "indicators": selectors.indicators(),
        },
        status=400 if summary is not None and not summary["ok"] else 200,
    )


def import_template(request, kind):
    if kind not in ("csv", "xlsx"):
        raise Http404
    tenancy = request.tenancy
    allowed = sorted(services.writable_municipalities(tenancy).values(), key=lambda m: m.name)
    if not allowed:
        raise Http404
    year = timezone.localdate().year - 1
    header = ["kommunkod", "kommun", "indikator", "år", "antal", "nämnare"]
    indicators = [i for i in selectors.indicators() if i.obtained == "entered"]
    rows = []
    for m in allowed:
        rows += [[m.code, m.name, key, year, "", ""] for key in services.POPULATION_KEYS]
        rows += [[m.code, m.name, i.key, year, "", ""] for i in indicators]
    return exports.download(f"fridsam-statistik-mall-{year}", header, rows, kind=kind)


def _export(request, filename: str, header, rows, *, detail: str, county=None, municipality=None):
    """A table as the CSV or Excel file asked for (``?format=``), with its access-log row."""
    log_access(
        action=AccessAction.EXPORT,
        object_type="statistics.indicatorvalue",
        object_id=(municipality or county).code,
        county=county,
        municipality=municipality,
        detail=detail,
    )
    return exports.download(filename, header, rows, kind=request.GET["format"])


def _wants_export(request) -> bool:
    return request.GET.get("format") in ("csv", "xlsx")


def _county_figures(request, county):
    """The county's figures for the one year shown (suppression runs per year), and the years
    to choose from. Without a year asked for, the latest complete year with figures: a year not
    over is there to choose, marked, but not what the comparison opens on."""
    municipalities = list(Municipality.objects.filter(county=county))
    ids = [m.pk for m in municipalities]
    present = selectors.years_with_data(ids)
    years = default_years(ids, present)
    try:
        year = int(request.GET.get("ar", ""))
    except ValueError:
        year = None
    if year not in years:
        year = year_rules.latest_complete(present) or (present[-1] if present else years[-1])
    return selectors.load_figures(municipalities, [year], exact_ids=frozenset()), year, years


def _year_choices(years) -> list[tuple[int, str]]:
    """(year, label) for the year menus: a year not over is written as such."""
    return [(y, year_rules.label(y, partial=year_rules.is_partial(y))) for y in years]


def _export_name(name: str, year: int) -> str:
    return f"{name}-{year}-hittills" if year_rules.is_partial(year) else f"{name}-{year}"


def county(request, county_code):
    county = county_or_404(request.tenancy, county_code)
    figures, year, years = _county_figures(request, county)
    table = county_table(figures, year)
    if _wants_export(request):
        return _export(
            request,
            _export_name(f"lansjamforelse-{county.code}", year),
            table.header,
            table.export_rows,
            county=county,
            detail=f"Länsjämförelse {year}",
        )
    return render(
        request,
        "statistics/county.html",
        {
            "county": county,
            "figures": figures,
            "year": year,
            "years": years,
            "year_choices": _year_choices(years),
            "table": table,
        },
    )


def county_ranking(request, county_code):
    county = county_or_404(request.tenancy, county_code)
    figures, year, years = _county_figures(request, county)
    indicators = {i.key: i for i in figures.indicators}
    indicator = indicators.get(request.GET.get("indikator", "")) or figures.indicators[0]
    result = ranking(figures, indicator, year)
    if _wants_export(request):
        return _export(
            request,
            _export_name(f"rangordning-{indicator.key}", year),
            result.header,
            result.export_rows,
            county=county,
            detail=f"Rangordning {indicator.key} {year}",
        )
    return render(
        request,
        "statistics/ranking.html",
        {
            "county": county,
            "figures": figures,
            "year": year,
            "years": years,
            "year_choices": _year_choices(years),
            "indicator": indicator,
            "ranking": result,
            "unit": unit_label(indicator, comparable=True),
        },
    )


def definitions(request):
    statistics_policy.check(request.tenancy, VIEW_DEFINITIONS)
    return render(request, "statistics/definitions.html", {"indicators": selectors.indicators()})


def observations(request, municipality_code):
    tenancy = request.tenancy
    municipality = municipality_policy.get_or_404(tenancy, VIEW, code=municipality_code)
    statistics_policy.check(tenancy, VIEW, municipality)
    can_add = statistics_policy.can(tenancy, ADD, municipality)
    form = ObservationForm(request.POST or None, initial={"observed_on": timezone.localdate()})
    if request.method == "POST":
        if not can_add:
            raise Http404
        if form.is_valid():
            try:
                services.observation_add(municipality=municipality, **form.cleaned_data, user=request.user)
            except ValidationError as error:
                form.add_error("text" if not hasattr(error, "error_dict") else None, error)
            else:
                messages.success(request, _("The observation is saved."))
                return redirect("statistics:observations", municipality_code=municipality.code)
    return render(
        request,
        "statistics/observations.html",
        {
            "municipality": municipality,
            "observations": selectors.observations_for([municipality.pk]),
            "form": form if can_add else None,
        },
    )


def _effects(request, scope: str, county=None):
    """The stored effect estimate for one indicator (ADR 0028): read, never computed here."""
    indicators = selectors.indicators()
    by_key = {i.key: i for i in indicators}
    indicator = by_key.get(request.GET.get("indikator", "")) or by_key.get("vinr_all") or indicators[0]
    stored = effect_reading.stored_for(scope, indicator)
    return render(
        request,
        "statistics/effects.html",
        {
            "county": county,
            "indicators": indicators,
            "indicator": indicator,
            "reading": effect_reading.read(stored) if stored else None,
            "national": county is None,
            "can_view_index": statistics_policy.can(request.tenancy, VIEW),
        },
    )


def county_effects(request, county_code):
    county = county_or_404(request.tenancy, county_code)
    return _effects(request, county.code, county)


def national_effects(request):
    if not statistics_policy.can(request.tenancy, VIEW_NATIONAL):
        raise Http404
    return _effects(request, NATIONAL)


def _skr_download(request, name: str, figures, reported, *, municipality=None, county=None):
    kind = request.GET.get("format")
    log_access(
        action=AccessAction.EXPORT,
        object_type="statistics.indicatorvalue",
        object_id=(municipality or county).code,
        county=county,
        municipality=municipality,
        detail=f"SKR-nyckeltal ({kind})",
    )
    if kind == "json":
        response = HttpResponse(skr.kolada_json(figures, reported), content_type="application/json; charset=utf-8")
        response["Content-Disposition"] = f'attachment; filename="{name}.json"'
        return response
    return exports.download(name, skr.COLLECTION_HEADER, skr.collection_rows(figures, reported), kind=kind)


def _skr_years() -> list[int]:
    last = timezone.localdate().year
    return list(range(last - 4, last + 1))


def skr_municipality(request, municipality_code):
    """SKR's key figures of one municipality: computed from its records, beside the imported ones."""
    tenancy = request.tenancy
    municipality = municipality_policy.get_or_404(tenancy, VIEW, code=municipality_code)
    statistics_policy.check(tenancy, VIEW, municipality)
    can_change = statistics_policy.can(tenancy, CHANGE, municipality)
    figures = figures_for(request, municipality, years=_skr_years())
    reported = skr.reported_keys([m.pk for m in figures.municipalities])
    form = KeyFigureReportingForm(
        request.POST or None, initial={"key_figures": sorted(reported[municipality.pk])}, figures=figures
    )
    if request.method == "POST":
        if not can_change:
            raise Http404
        if form.is_valid():
            skr.reporting_save(
                municipality=municipality, indicator_keys=form.cleaned_data["key_figures"], user=request.user
            )
            messages.success(request, _("Saved: the key figures the municipality reports."))
            return redirect("statistics:skr_municipality", municipality_code=municipality.code)
    if request.GET.get("format") in ("csv", "xlsx", "json"):
        return _skr_download(
            request, f"skr-nyckeltal-{municipality.code}", figures, reported, municipality=municipality
        )
    rows = skr.rows_for(figures, municipality, reported[municipality.pk])
    return render(
        request,
        "statistics/skr.html",
        {
            "municipality": municipality,
            "figures": figures,
            "groups": _skr_groups(rows),
            "missing_ids": skr.missing_ids(figures),
            "partial_note": " ".join(year_rules.note(y) for y in figures.years if figures.is_partial(y)),
            "form": form if can_change else None,
            "exact": municipality.pk in figures.exact_ids,
        },
    )


def _skr_groups(rows):
    groups: dict[str, dict] = {}
    for row in rows:
        groups.setdefault(row.indicator.key, {"indicator": row.indicator, "counterpart": row.counterpart, "rows": []})[
            "rows"
        ].append(row)
    for group in groups.values():
        group["from_kolada"] = any(r.national_from_kolada for r in group["rows"])
    return list(groups.values())


def skr_county(request, county_code):
    """The county's municipalities in the collection format, small numbers hidden ("..")."""
    county = county_or_404(request.tenancy, county_code)
    municipalities = list(Municipality.objects.filter(county=county))
    years = _skr_years()
    try:
        year = int(request.GET.get("ar", ""))
    except ValueError:
        year = None
    if year not in years:
        year = years[-2]
    figures = selectors.load_figures(municipalities, [year], exact_ids=frozenset())
    reported = skr.reported_keys([m.pk for m in municipalities])
    if request.GET.get("format") in ("csv", "xlsx", "json"):
        return _skr_download(
            request, _export_name(f"skr-nyckeltal-{county.code}", year), figures, reported, county=county
        )
    table = []
    indicators = skr.key_figure_indicators(figures)
    for m in figures.municipalities:
        by_key = {r.indicator.key: r for r in skr.rows_for(figures, m, reported[m.pk])}
        table.append((m, [by_key[i.key].computed for i in indicators]))
    return render(
        request,
        "statistics/skr_county.html",
        {
            "county": county,
            "year": year,
            "year_choices": _year_choices(years),
            "indicators": indicators,
            "table": table,
            "missing_ids": skr.missing_ids(figures),
        },
    )
