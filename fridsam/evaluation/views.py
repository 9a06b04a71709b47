from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from fridsam.core.kept import kept_page
from fridsam.core.policies import VIEW
from fridsam.evaluation import selectors
from fridsam.evaluation.policies import coordinator_survey_policy, partner_survey_policy
from fridsam.evaluation.selectors import PARTNER_KEY
from fridsam.evaluation.survey_page import survey_page, year_from_query
from fridsam.organisations.policies import municipality_policy


@require_http_methods(["GET", "POST"])
@kept_page
def coordinator_questionnaire(request):
    """This year's questionnaire for the coordinator who is logged in (the evaluation's Bilaga 2)."""
    return survey_page(
        request,
        coordinator_survey_policy,
        success_message=_("Thank you: your answers for %(year)s are saved."),
        success_url="core:start",
    )


@require_http_methods(["GET", "POST"])
@kept_page
def partner_survey(request):
    """This year's survey for a partner contact: the contact with each municipality of the county."""
    return survey_page(
        request,
        partner_survey_policy,
        success_message=_("Thank you: your answers for %(year)s are saved."),
        success_url="core:start",
    )


def partner_results(request):
    """The partner survey per municipality: the staff of the municipality, the county analysts."""
    tenancy = request.tenancy
    partner_survey_policy.check(tenancy, VIEW)
    years = selectors.round_years(key=PARTNER_KEY, this_year=timezone.localdate().year)
    year = year_from_query(request, years)
    return render(
        request,
        "evaluation/partner_results.html",
        {
            "results": selectors.partner_results(municipality_policy.visible(tenancy), year=year),
            "year": year,
            "years": years,
            "minimum": selectors.PARTNER_MIN_RESPONSES,
        },
    )
