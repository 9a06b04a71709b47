"""The staff's yearly knowledge self-assessment (on the survey engine) and its results per unit."""

from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _

from fridsam.competence import selectors
from fridsam.competence.models import Topic
from fridsam.competence.policies import OVERSEE, competence_policy, self_assessment_policy
from fridsam.evaluation.selectors import round_years
from fridsam.evaluation.survey_page import survey_page, year_from_query
from fridsam.organisations.policies import municipality_for


def self_assessment(request):
    """This year's knowledge self-assessment for a staff member, on the survey engine."""
    return survey_page(
        request,
        self_assessment_policy,
        success_message=_("Thank you: your self-assessment for %(year)s is saved."),
        success_url="competence:mine",
    )


def self_assessment_results(request, municipality_code):
    """The self-assessment per unit: means per topic, shown for units where at least three answered."""
    municipality = municipality_for(request.tenancy, municipality_code, competence_policy, OVERSEE)
    today = timezone.localdate()
    years = round_years(key=selectors.SELF_ASSESSMENT_KEY, this_year=today.year)
    year = year_from_query(request, years)
    topics, rows = selectors.self_assessment(municipality, year, today)
    labels = dict(Topic.choices)
    return render(
        request,
        "competence/self_assessment_results.html",
        {
            "municipality": municipality,
            "year": year,
            "years": years,
            "topics": [(t, labels.get(t, t)) for t in topics],
            "rows": rows,
            "minimum": selectors.SELF_ASSESSMENT_MIN_RESPONSES,
        },
    )
