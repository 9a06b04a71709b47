from django import forms
from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.utils.translation import gettext_lazy as _

from fridsam.accounts.models import Membership, User
from fridsam.accounts.services import membership_county
from fridsam.core.admin_site import AdministratorModelAdmin, site


class MembershipAdminForm(forms.ModelForm):
    """The same rules as membership_grant(): the organisation must suit the role, and the county
    is derived from it. No Meta here: the admin builds the form for Membership per request, inside
    its unscoped context (a ModelForm declared at import would query scoped models outside any
    scope, which the tenancy mechanism refuses)."""

    def clean(self):
        data = super().clean()
        if self.errors:
            return data
        data["county"] = membership_county(
            role=data.get("role"),
            municipality=data.get("municipality"),
            unit=data.get("unit"),
            county=data.get("county"),
            partner_organisation=data.get("partner_organisation"),
        )
        self.instance.county = data["county"]
        return data


class MembershipInline(admin.TabularInline):
    model = Membership
    form = MembershipAdminForm
    extra = 0
    fields = [
        "role",
        "county",
        "municipality",
        "unit",
        "partner_organisation",
        "title",
        "valid_from",
        "valid_until",
    ]
    autocomplete_fields = ["county", "municipality", "unit", "partner_organisation"]


@admin.register(User, site=site)
class UserAdmin(AdministratorModelAdmin, BaseUserAdmin):
    list_display = ["username", "first_name", "last_name", "email", "is_active"]
    list_filter = ["is_active"]
    inlines = [MembershipInline]
    fieldsets = (
        (None, {"fields": ("username", "password")}),
        (_("Personal info"), {"fields": ("first_name", "last_name", "email", "phone")}),
        (_("Status"), {"fields": ("is_active", "last_login", "date_joined")}),
    )
    readonly_fields = ["last_login", "date_joined"]


@admin.register(Membership, site=site)
class MembershipAdmin(AdministratorModelAdmin):
    form = MembershipAdminForm
    list_display = ["user", "role", "organisation_label", "valid_from", "valid_until"]
    list_filter = ["role", "county"]
    search_fields = ["user__username", "user__last_name", "municipality__name"]
    list_select_related = ["user", "county", "municipality", "unit", "partner_organisation"]
    autocomplete_fields = ["user", "county", "municipality", "unit", "partner_organisation"]
