from django.contrib import admin

from fridsam.core.admin_site import AdministratorModelAdmin, site
from fridsam.organisations.models import (
    County,
    Municipality,
    MunicipalityPopulation,
    NationalOrganisation,
    PartnerOrganisation,
    Unit,
)


@admin.register(County, site=site)
class CountyAdmin(AdministratorModelAdmin):
    list_display = ["code", "name", "is_demo"]
    search_fields = ["code", "name"]


class PopulationInline(admin.TabularInline):
    model = MunicipalityPopulation
    extra = 0


@admin.register(Municipality, site=site)
class MunicipalityAdmin(AdministratorModelAdmin):
    list_display = ["code", "name", "county", "is_demo"]
    list_filter = ["county", "is_demo"]
    search_fields = ["code", "name"]
    list_select_related = ["county"]
    inlines = [PopulationInline]


@admin.register(Unit, site=site)
class UnitAdmin(AdministratorModelAdmin):
    list_display = ["name", "municipality", "unit_type", "is_active"]
    list_filter = ["unit_type", "is_active", "municipality__county"]
    search_fields = ["name", "municipality__name"]
    list_select_related = ["municipality"]
    autocomplete_fields = ["municipality"]


@admin.register(PartnerOrganisation, site=site)
class PartnerOrganisationAdmin(AdministratorModelAdmin):
    list_display = ["name", "partner_type", "county"]
    list_filter = ["partner_type", "county"]
    search_fields = ["name"]
    filter_horizontal = ["municipalities"]


@admin.register(NationalOrganisation, site=site)
class NationalOrganisationAdmin(AdministratorModelAdmin):
    list_display = ["name", "kind", "is_demo"]
    list_filter = ["kind"]
    search_fields = ["name"]
