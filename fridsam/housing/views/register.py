"""The protected housing register: providers, their quality assessments, free places, the
municipalities' feedback and the search by a household's needs."""

from django.conf import settings
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import pgettext
from django.views.decorators.http import require_POST

from fridsam.core.forms import render_form_page, save_form
from fridsam.core.kept import kept_page
from fridsam.core.policies import ADD, CHANGE, VIEW
from fridsam.housing import selectors, services
from fridsam.housing.forms import AssessmentForm, AvailabilityForm, FeedbackForm, ProviderForm, SearchForm
from fridsam.housing.models import Criterion
from fridsam.housing.policies import ASSESS, FEEDBACK, REPORT, REVEAL, provider_policy
from fridsam.housing.search import search
from fridsam.housing.views.common import user_county


@kept_page
def provider_list(request):
    tenancy = request.tenancy
    provider_policy.check(tenancy, VIEW)
    providers = provider_policy.visible(tenancy)
    # Any of the search form's fields in the address is a search: one without "who needs
    # protection" shows that error, not the whole register.
    searching = any(name in request.GET for name in SearchForm().fields)
    form = SearchForm(request.GET if searching else None)
    matching = left_out = None
    if searching and form.is_valid():
        matching, left_out = search(selectors.candidates(providers), form.household())
    candidates = None if searching else selectors.candidates(providers)
    return render(
        request,
        "housing/provider_list.html",
        {
            "form": form,
            "searching": searching,
            "matching": matching,
            "left_out": left_out,
            "candidates": candidates,
            "can_add": provider_policy.can(tenancy, ADD),
            "is_partner": provider_policy.reads_own_providers_only(tenancy),
        },
    )


def _provider_form_view(request, provider=None):
    tenancy = request.tenancy
    county = provider.county if provider else user_county(request)
    provider_policy.check(tenancy, CHANGE if provider else ADD, provider or county)
    form = ProviderForm(request.POST or None, instance=provider, county=county)
    saved = {}

    def save(data):
        fields = {k: v for k, v in data.items() if k != "address"}
        saved["provider"] = services.provider_save(
            county=county, fields=fields, address=data["address"], user=request.user, provider=provider
        )

    if save_form(request, form, save, success_message=_("The provider was saved.")):
        return redirect("housing:provider_detail", pk=saved["provider"].pk)
    return render_form_page(
        request,
        form,
        title=_("Change %(provider)s") % {"provider": provider}
        if provider
        else _("Register a protected housing provider"),
        cancel_url=reverse("housing:provider_detail", args=[provider.pk])
        if provider
        else reverse("housing:provider_list"),
        intro=_(
            "The register is shared by the county's municipalities. "
            "Describe the provider, never the people placed there."
        ),
    )


def provider_create(request):
    return _provider_form_view(request)


def provider_update(request, pk):
    provider = provider_policy.get_or_404(request.tenancy, CHANGE, pk=pk)
    return _provider_form_view(request, provider)


def _provider_context(request, provider, **extra):
    tenancy = request.tenancy
    annotated = selectors.with_status(provider_policy.visible(tenancy)).get(pk=provider.pk)
    candidate = selectors.candidate(annotated, timezone.localdate(), timezone.now())
    return {
        "provider": provider,
        "candidate": candidate,
        "assessments": selectors.assessments_of(provider),
        "feedback": selectors.feedback_summary(provider) if provider_policy.can(tenancy, FEEDBACK, provider) else None,
        "criteria": {c.key: c for c in Criterion.objects.all()},
        "can_change": provider_policy.can(tenancy, CHANGE, provider),
        "can_assess": provider_policy.can(tenancy, ASSESS, provider),
        "can_reveal": provider_policy.can(tenancy, REVEAL, provider),
        "can_report": provider_policy.can(tenancy, REPORT, provider),
        "can_feedback": provider_policy.can(tenancy, FEEDBACK, provider),
        "max_age_days": settings.FRIDSAM_HOUSING_ASSESSMENT_MAX_AGE_DAYS,
        **extra,
    }


def provider_detail(request, pk):
    provider = provider_policy.get_or_404(request.tenancy, VIEW, pk=pk)
    return render(request, "housing/provider_detail.html", _provider_context(request, provider))


@require_POST
def provider_reveal(request, pk):
    provider = provider_policy.get_or_404(request.tenancy, REVEAL, pk=pk)
    address = services.provider_address_reveal(provider=provider, user=request.user)
    return render(request, "housing/provider_detail.html", _provider_context(request, provider, address=address))


def assessment_create(request, pk):
    provider = provider_policy.get_or_404(request.tenancy, ASSESS, pk=pk)
    criteria = list(Criterion.objects.filter(active=True))
    form = AssessmentForm(request.POST or None, criteria=criteria)

    def save(data):
        services.assessment_create(
            provider=provider,
            assessed_on=data["assessed_on"],
            results=form.results(),
            summary=data["summary"],
            user=request.user,
            municipality=provider_policy.assessing_municipality(request.tenancy),
        )

    if save_form(request, form, save, success_message=_("The assessment was saved.")):
        return redirect("housing:provider_detail", pk=provider.pk)
    return render(request, "housing/assessment_form.html", {"form": form, "provider": provider})


def assessment_detail(request, pk, assessment_pk):
    provider = provider_policy.get_or_404(request.tenancy, VIEW, pk=pk)
    assessment = get_object_or_404(selectors.assessments_of(provider), pk=assessment_pk)
    return render(request, "housing/assessment_detail.html", {"provider": provider, "assessment": assessment})


def availability_report(request, pk):
    provider = provider_policy.get_or_404(request.tenancy, REPORT, pk=pk)
    form = AvailabilityForm(request.POST or None)

    def save(data):
        services.availability_report(
            provider=provider,
            free_places=data["free_places"],
            free_family_rooms=data["free_family_rooms"] or 0,
            user=request.user,
        )

    if save_form(request, form, save, success_message=_("Thank you: the free places were reported.")):
        return redirect("housing:provider_detail", pk=provider.pk)
    return render_form_page(
        request,
        form,
        title=_("Free places at %(provider)s") % {"provider": provider},
        cancel_url=reverse("housing:provider_detail", args=[provider.pk]),
        intro=_("Report how many places are free right now. A report older than 48 hours is shown as stale."),
        submit=pgettext("verb", "Report"),
    )


def feedback_create(request, pk):
    provider = provider_policy.get_or_404(request.tenancy, FEEDBACK, pk=pk)
    criteria = list(Criterion.objects.filter(active=True))
    municipalities = provider_policy.feedback_municipalities(request.tenancy)
    form = FeedbackForm(request.POST or None, municipalities=municipalities, criteria=criteria)

    def save(data):
        services.feedback_give(
            provider=provider,
            municipality=data["municipality"],
            user=request.user,
            placement_ended_on=data["placement_ended_on"],
            overall=data["overall"],
            ratings=form.ratings(),
            comment=data["comment"],
        )

    if save_form(request, form, save, success_message=_("Thank you for the feedback.")):
        return redirect("housing:provider_detail", pk=provider.pk)
    return render_form_page(
        request,
        form,
        title=_("Feedback after a placement at %(provider)s") % {"provider": provider},
        cancel_url=reverse("housing:provider_detail", args=[provider.pk]),
        intro=_("Your feedback helps other municipalities choose. It names your municipality, never the person."),
        submit=_("Send feedback"),
    )
