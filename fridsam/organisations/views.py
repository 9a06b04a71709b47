from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from fridsam.core.forms import render_form_page, save_form
from fridsam.core.kept import kept_page
from fridsam.core.policies import ADD, CHANGE, VIEW
from fridsam.core.roles import Role
from fridsam.organisations import panels, selectors, services
from fridsam.organisations.forms import PartnerEntryForm, UnitForm
from fridsam.organisations.policies import municipality_policy, partner_policy, unit_policy


@kept_page
def municipality_list(request):
    municipality_policy.check(request.tenancy, VIEW)
    # The coordinator function's overview of the municipalities (fridsam.coordination.hooks).
    return render(request, "organisations/municipality_list.html", panels.municipality_list_context(request.tenancy))


@kept_page
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
            "populations": selectors.municipality_populations(municipality=municipality)[:10],
            "can_add_unit": unit_policy.can(tenancy, ADD, municipality),
            # the staff, the coordinator function, the health check, the questionnaire, the links to
            # the statistics and the public page: each app's hooks.py
            **panels.municipality_context(tenancy, municipality, units),
        },
    )


@require_http_methods(["GET", "POST"])
def unit_create(request, municipality_code):
    tenancy = request.tenancy
    municipality = municipality_policy.get_or_404(tenancy, VIEW, code=municipality_code)
    unit_policy.check(tenancy, ADD, municipality)
    form = UnitForm(data=request.POST or None)

    def save(_data):
        unit = services.unit_create(municipality=municipality, **form.cleaned_data_for_create())
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
        services.unit_update(unit=unit, **data)
        messages.success(request, _("The unit %(name)s was saved.") % {"name": unit.name})

    if save_form(request, form, save):
        return redirect("organisations:municipality_detail", municipality_code=municipality.code)
    return render(request, "organisations/unit_form.html", {"form": form, "municipality": municipality, "unit": unit})


@kept_page
def partner_list(request):
    partner_policy.check(request.tenancy, VIEW)
    return render(
        request,
        "organisations/partner_list.html",
        {
            "partners": panels.with_partner_contacts(selectors.partner_organisations(tenancy=request.tenancy)),
        },
    )


def _partner(request, pk, action):
    partner = get_object_or_404(selectors.partner_organisations(tenancy=request.tenancy), pk=pk)
    partner_policy.check(request.tenancy, action, partner)
    return panels.with_partner_contacts([partner])[0]


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
