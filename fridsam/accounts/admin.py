from django import forms
from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from fridsam.accounts.federation import metadata
from fridsam.accounts.models import IdentityProvider, Membership, User
from fridsam.accounts.services import membership_county
from fridsam.core.admin_site import AdministratorModelAdmin, site
from fridsam.core.crypto import encrypt_text


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
            national_organisation=data.get("national_organisation"),
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
        "national_organisation",
        "title",
        "valid_from",
        "valid_until",
    ]
    autocomplete_fields = ["county", "municipality", "unit", "partner_organisation", "national_organisation"]


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
    list_select_related = ["user", "county", "municipality", "unit", "partner_organisation", "national_organisation"]
    autocomplete_fields = ["user", "county", "municipality", "unit", "partner_organisation", "national_organisation"]


class IdentityProviderAdminForm(forms.ModelForm):
    """The secrets are written, never shown; a SAML IdP's metadata is fetched and its signature
    checked when the provider is saved (federation.metadata)."""

    client_secret = forms.CharField(
        label=_("client secret"),
        required=False,
        widget=forms.PasswordInput(render_value=False),
        help_text=_("Leave empty to keep the stored one."),
    )
    sp_private_key = forms.CharField(
        label=_("our private key"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("SAML: the private key (PEM) of our certificate. Leave empty to keep the stored one."),
    )

    def clean(self):
        data = super().clean()
        if self.errors:
            return data
        if data.get("protocol") == IdentityProvider.Protocol.OIDC:
            if not data.get("issuer") or not data.get("client_id"):
                raise forms.ValidationError(_("OpenID Connect needs the issuer and the client id."))
        elif data.get("protocol") == IdentityProvider.Protocol.SAML:
            xml = data.get("metadata_xml") or ""
            if data.get("metadata_url"):
                xml = metadata.fetch(data["metadata_url"])
            if not xml:
                raise forms.ValidationError(_("SAML needs the metadata: its address or the file's content."))
            self.instance.idp_settings = metadata.verified_idp_settings(
                xml=xml, certificate=data.get("metadata_certificate") or "", entity_id=data.get("idp_entity_id") or ""
            )
            self.instance.metadata_checked_at = timezone.now()
        if data.get("client_secret"):
            self.instance.client_secret_encrypted = encrypt_text(data["client_secret"])
        if data.get("sp_private_key"):
            self.instance.sp_private_key_encrypted = encrypt_text(data["sp_private_key"])
        return data


@admin.register(IdentityProvider, site=site)
class IdentityProviderAdmin(AdministratorModelAdmin):
    form = IdentityProviderAdminForm
    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}
    list_display = ["name", "slug", "protocol", "required_assurance", "forbid_local_password", "is_active"]
    list_filter = ["protocol", "is_active"]
    readonly_fields = ["idp_settings", "metadata_checked_at"]
    autocomplete_fields = ["municipality", "county", "partner_organisation"]
    fieldsets = (
        (None, {"fields": ("name", "slug", "protocol", "is_active", "municipality", "county", "partner_organisation")}),
        ("OpenID Connect", {"fields": ("issuer", "client_id", "client_secret")}),
        (
            "SAML 2.0",
            {
                "fields": (
                    "metadata_url",
                    "metadata_xml",
                    "metadata_certificate",
                    "idp_entity_id",
                    "sp_certificate",
                    "sp_private_key",
                    "idp_settings",
                    "metadata_checked_at",
                )
            },
        ),
        (
            _("Who may log in, and how"),
            {
                "fields": (
                    "required_assurance",
                    "forbid_local_password",
                    "attribute_mapping",
                    "group_claim",
                    "group_roles",
                    "access_contact",
                )
            },
        ),
    )
