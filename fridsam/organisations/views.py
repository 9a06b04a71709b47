from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from fridsam.accounts.models import Role
from fridsam.coordination import selectors as coordination_selectors
from fridsam.coordination.policies import CHANGE_OWN, coordination_policy
from fridsam.core.forms import render_form_page, save_form
from fridsam.core.policies import ADD, CHANGE, VIEW
from fridsam.evaluation.selectors import coordinator_responses_for
from fridsam.healthcheck.selectors import check_for
from fridsam.organisations import selectors, services
from fridsam.organisations.forms import PartnerEntryForm, UnitForm
from fridsam.organisations.policies import municipality_policy, partner_policy, unit_policy
from fridsam.public.policies import public_page_policy
from fridsam.statistics.policies import statistics_policy


def municipality_list(request):
    municipality_policy.check(request.tenancy, VIEW)
    municipalities = selectors.with_contacts(selectors.municipalities_overview(tenancy=request.tenancy))
    return render(
        request,
        "organisations/municipality_list.html",
        {
            "municipalities": municipalities,
            "summary": selectors.county_summary(municipalities),
        },
    )


def municipality_detail(request, municipality_code):
    tenancy = request.tenancy
    municipality = municipality_policy.get_or_404(tenancy, VIEW, code=municipality_code)
    units = list(selectors.municipality_units(tenancy=tenancy, municipality=municipality))
    return render(
        request,
        "organisations/municipality_detail.html",
        {
            "municipality": municipality,
            "units": units,
            "staff": selectors.municipality_staff(municipality=municipality),
            "populations": selectors.municipality_populations(municipality=municipality)[:10],
            "can_add_unit": unit_policy.can(tenancy, ADD, municipality),
            **coordination_context(tenancy, municipality, units),
            "check": check_for(municipality),
            "responses": coordinator_responses_for(municipality=municipality),
            "can_view_statistics": statistics_policy.can(tenancy, VIEW, municipality),
            "can_manage_public_page": public_page_policy.can(tenancy, VIEW, municipality),
        },
    )


def coordination_context(tenancy, municipality, units) -> dict:
    """The coordinator function at a glance: posts (current first), the team, what the user may do."""
    from django.utils import timezone

    today = timezone.localdate()
    posts = []
    for post in coordination_selectors.posts_for_municipality(municipality=municipality):
        descriptions = list(post.role_descriptions.all())
        posts.append(
            {
                "post": post,
                "current": post.is_current(today),
                "assignment": next(a for a in post.assignments.all() if a.municipality_id == municipality.pk),
                "role_description": descriptions[0] if descriptions else None,
                "absence": next((a for a in post.absences.all() if a.start_date <= today <= a.end_date), None),
                "can_change": coordination_policy.can(tenancy, CHANGE, post),
                "can_change_own": coordination_policy.can(tenancy, CHANGE_OWN, post),
            }
        )
    posts.sort(key=lambda item: (not item["current"], -item["post"].start_date.toordinal()))
    teams = list(coordination_selectors.teams_for_municipality(municipality=municipality))
    current_team = next((t for t in teams if t.end_date is None or t.end_date >= today), None)
    member_units = {m.unit_id for m in current_team.members.all()} if current_team else set()
    return {
        "posts": posts,
        "current_team": current_team,
        "units_without_member": [u for u in units if u.is_active and u.pk not in member_units],
        "can_change_setup": coordination_policy.can(tenancy, CHANGE, municipality),
    }


@require_http_methods(["GET", "POST"])
def unit_create(request, municipality_code):
    tenancy = request.tenancy
    municipality = municipality_policy.get_or_404(tenancy, VIEW, code=municipality_code)
    unit_policy.check(tenancy, ADD, municipality)
    form = UnitForm(data=request.POST or None)

    def save(_data):
        unit = services.unit_create(municipality=municipality, request=request, **form.cleaned_data_for_create())
        messages.success(request, _("The unit %(name)s was added.") % {"name": unit.name})

    if save_form(request, form, save):
        return redirect("organisations:municipality_detail", municipality_code=municipality.code)
    return render(request, "organisations/unit_form.html", {"form": form, "municipality": municipality, "unit": None})


@require_http_methods(["GET", "POST"])
def unit_update(request, municipality_code, pk):
    tenancy = request.tenancy
    municipality = municipality_policy.get_or_404(tenancy, VIEW, code=municipality_code)
    unit = unit_policy.get_or_404(tenancy, CHANGE, municipality=municipality, pk=pk)
    form = UnitForm.for_unit(unit, data=request.POST or None)

    def save(data):
        services.unit_update(unit=unit, request=request, **data)
        messages.success(request, _("The unit %(name)s was saved.") % {"name": unit.name})

    if save_form(request, form, save):
        return redirect("organisations:municipality_detail", municipality_code=municipality.code)
    return render(request, "organisations/unit_form.html", {"form": form, "municipality": municipality, "unit": unit})


def partner_list(request):
    partner_policy.check(request.tenancy, VIEW)
    return render(
        request,
        "organisations/partner_list.html",
        {
            "partners": selectors.partner_organisations(tenancy=request.tenancy),
        },
    )


def _partner(request, pk, action):
    partner = get_object_or_404(selectors.partner_organisations(tenancy=request.tenancy), pk=pk)
    partner_policy.check(request.tenancy, action, partner)
    return partner


def partner_detail(request, pk):
    partner = _partner(request, pk, VIEW)
    return render(
        request,
        "organisations/partner_detail.html",
        {"partner": partner, "can_change": partner_policy.can(request.tenancy, CHANGE, partner)},
    )


@require_http_methods(["GET", "POST"])
def partner_update(request, pk):
    partner = _partner(request, pk, CHANGE)
    membership = next(
        (m for m in request.tenancy.memberships if m.role == Role.PARTNER and m.partner_organisation_id == partner.pk),
        None,
    )
    form = PartnerEntryForm(request.POST or None, instance=partner, membership=membership)

    def save(data):
        services.partner_entry_update(
            partner=partner,
            data=data,
            municipalities=list(data["municipalities"]),
            acting_user=request.user,
            membership=membership,
            request=request,
        )

    if save_form(request, form, save, success_message=_("Thank you: the entry is up to date.")):
        return redirect("organisations:partner_detail", pk=partner.pk)
    return render_form_page(
        request,
        form,
        title=_("Our entry: %(name)s") % {"name": partner.name},
        intro=_(
            "The municipalities of the county read this when they look for you. Keep it current: who you "
            "are for, how to reach you, and which municipalities you serve."
        ),
        cancel_url=reverse("organisations:partner_detail", args=[partner.pk]),
    )
