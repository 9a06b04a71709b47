from django.shortcuts import render

from fridsam.coordination.selectors import municipalities_overview
from fridsam.core.kept import kept_page
from fridsam.core.quality import QUALITY_AREAS, SUCCESS_FACTORS, Area
from fridsam.healthcheck import selectors
from fridsam.healthcheck.policies import healthcheck_policy
from fridsam.healthcheck.rules import RULES, Status
from fridsam.organisations.policies import municipality_for


def rules(request):
    """Every rule, what it checks and the passage of the evaluation it rests on: for every logged-in user."""
    groups = [(Area(a).label, [r for r in RULES if r.area == a]) for a in [*QUALITY_AREAS, *SUCCESS_FACTORS]]
    return render(request, "healthcheck/rules.html", {"groups": [g for g in groups if g[1]], "statuses": Status})


@kept_page
def county_matrix(request, county_code):
    tenancy = request.tenancy
    county = healthcheck_policy.county_or_404(tenancy, county_code)
    sort = request.GET.get("sortera", "namn")
    checks = selectors.county_matrix(municipalities_overview(tenancy=tenancy, county_id=county.pk), sort=sort)
    return render(
        request,
        "healthcheck/county_matrix.html",
        {
            "county": county,
            "checks": checks,
            "rules": RULES,
            "picture": selectors.county_picture(checks),
            "sort": sort if sort in selectors.SORTS else "namn",
        },
    )


def municipality_history(request, municipality_code):
    municipality = municipality_for(request.tenancy, municipality_code, healthcheck_policy)
    history = selectors.history(municipality)
    return render(
        request,
        "healthcheck/history.html",
        {
            "municipality": municipality,
            "history": history,
            "rules": RULES,
            "rows": [(rule, [check.verdict(rule.id) for _day, check in history]) for rule in RULES],
        },
    )
