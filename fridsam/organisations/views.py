from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from fridsam.core.forms import add_service_errors
from fridsam.core.policies import ADD, CHANGE, VIEW
from fridsam.organisations import selectors, services
from fridsam.organisations.forms import UnitForm
from fridsam.organisations.policies import municipality_policy, partner_policy, unit_policy


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
    return render(
        request,
        "organisations/municipality_detail.html",
        {
            "municipality": municipality,
            "units": selectors.municipality_units(tenancy=tenancy, municipality=municipality),
            "staff": selectors.municipality_staff(municipality=municipality),
            "populations": selectors.municipality_populations(municipality=municipality)[:10],
            "can_add_unit": unit_policy.can(tenancy, ADD, municipality),
        },
    )


@require_http_methods(["GET", "POST"])
def unit_create(request, municipality_code):
    tenancy = request.tenancy
    municipality = municipality_policy.get_or_404(tenancy, VIEW, code=municipality_code)
    unit_policy.check(tenancy, ADD, municipality)
    form = UnitForm(data=request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            unit = services.unit_create(municipality=municipality, request=request, **form.cleaned_data_for_create())
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("The unit %(name)s was added.") % {"name": unit.name})
            return redirect("organisations:municipality_detail", municipality_code=municipality.code)
    return render(request, "organisations/unit_form.html", {"form": form, "municipality": municipality, "unit": None})


@require_http_methods(["GET", "POST"])
def unit_update(request, municipality_code, pk):
    tenancy = request.tenancy
    municipality = municipality_policy.get_or_404(tenancy, VIEW, code=municipality_code)
    unit = unit_policy.get_or_404(tenancy, CHANGE, municipality=municipality, pk=pk)
    form = UnitForm.for_unit(unit, data=request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.unit_update(unit=unit, request=request, **form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("The unit %(name)s was saved.") % {"name": unit.name})
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
