"""The gap report of a municipality: coverage per unit, role and requirement, coverage over time,
and a unit's people with what they are behind on."""

from django.shortcuts import get_object_or_404, render
from django.utils import timezone

from fridsam.competence import selectors
from fridsam.competence.policies import OVERSEE, RECORD, competence_policy
from fridsam.core.kept import kept_page
from fridsam.core.roles import Role
from fridsam.organisations.models import Unit
from fridsam.organisations.policies import municipality_for


@kept_page
def coverage(request, municipality_code):
    """The gap report: coverage per unit, role and requirement; topics and groups with low
    coverage; coverage over time; new staff behind on their introduction."""
    municipality = municipality_for(request.tenancy, municipality_code, competence_policy, OVERSEE)
    today = timezone.localdate()
    plan = selectors.current_plan(municipality, today)
    result = selectors.coverage(municipality, today, plan=plan) if plan else selectors.Coverage(plan=None, on=today)
    unit_rows = selectors.unit_rows(municipality, result)
    role_labels = dict(Role.choices)
    return render(
        request,
        "competence/coverage.html",
        {
            "municipality": municipality,
            "coverage": result,
            "requirements": result.requirements,
            "by_requirement": result.by_requirement(),
            "unit_rows": unit_rows,
            "role_rows": [(role_labels.get(r, r), cells) for r, cells in sorted(result.by_role().items())],
            "low_units": selectors.low_units(unit_rows),
            "low_percent": selectors.LOW_COVERAGE_PERCENT,
            "onboarding": list(selectors.onboarding_overview(municipality.pk, today)[:50]),
            "can_import": competence_policy.can(request.tenancy, RECORD, municipality),
            "today": today,
        },
    )


def coverage_history(request, municipality_code):
    """Coverage over time (the year-ends before, measured against the plan in force today) and the
    topics the municipality has not invested in."""
    municipality = municipality_for(request.tenancy, municipality_code, competence_policy, OVERSEE)
    today = timezone.localdate()
    plan = selectors.current_plan(municipality, today)
    history, topics = selectors.coverage_history_and_topics(municipality, plan, today)
    return render(
        request,
        "competence/coverage_history.html",
        {"municipality": municipality, "plan": plan, "history": history, "topics": topics},
    )


def unit_people(request, municipality_code, unit_pk):
    """People of a unit with their requirements: who is behind on what."""
    municipality = municipality_for(request.tenancy, municipality_code, competence_policy, OVERSEE)
    unit = get_object_or_404(Unit.objects.filter(municipality=municipality), pk=unit_pk) if unit_pk else None
    today = timezone.localdate()
    plan = selectors.current_plan(municipality, today)
    members = selectors.staff([municipality.pk], today).filter(unit=unit).select_related("user", "unit")
    people = sorted(
        selectors.people(members, plan, today), key=lambda p: (-len(p.overdue), p.membership.user.last_name)
    )
    return render(
        request,
        "competence/unit.html",
        {
            "municipality": municipality,
            "unit": unit,
            "people": people,
            "plan": plan,
            "can_record": competence_policy.can(request.tenancy, RECORD, municipality),
            "today": today,
        },
    )
