"""An organisation's IdentityProvider, as the SocialApp allauth's providers run on (never stored:
the configuration lives in IdentityProvider, secrets encrypted)."""

from __future__ import annotations

from urllib.parse import urlparse

from allauth.socialaccount.models import SocialApp
from django.urls import reverse

from fridsam.accounts.models import IdentityProvider
from fridsam.core.crypto import decrypt_text
from fridsam.core.tenancy import unscoped

OIDC_DEFAULT_MAPPING = {"uid": "sub"}
SAML_DEFAULT_MAPPING = {
    "uid": "urn:oasis:names:tc:SAML:attribute:subject-id",
    "email": "urn:oid:0.9.2342.19200300.100.1.3",
    "first_name": "urn:oid:2.5.4.42",
    "last_name": "urn:oid:2.5.4.4",
}


def active_providers() -> list[IdentityProvider]:
    """Every active identity provider: read before anyone is logged in, so outside any scope."""
    with unscoped():
        return list(
            IdentityProvider.objects.filter(is_active=True).select_related(
                "municipality", "county", "partner_organisation"
            )
        )


def provider_by_slug(slug: str) -> IdentityProvider | None:
    return next((p for p in active_providers() if p.slug == slug), None)


def social_app(provider: IdentityProvider) -> SocialApp:
    if provider.protocol == IdentityProvider.Protocol.OIDC:
        mapping = {**OIDC_DEFAULT_MAPPING, **provider.attribute_mapping}
        app_settings = {
            "server_url": provider.issuer,
            "uid_field": mapping["uid"],
            "fetch_userinfo": True,
            "oauth_pkce_enabled": True,
        }
        if provider.required_assurance:
            app_settings["auth_params"] = {"acr_values": provider.required_assurance}
        return SocialApp(
            provider="openid_connect",
            provider_id=provider.slug,
            name=provider.name,
            client_id=provider.client_id,
            secret=decrypt_text(provider.client_secret_encrypted) if provider.client_secret_encrypted else "",
            settings=app_settings,
        )
    mapping = {**SAML_DEFAULT_MAPPING, **provider.attribute_mapping}
    idp = provider.idp_settings
    private_key = decrypt_text(provider.sp_private_key_encrypted) if provider.sp_private_key_encrypted else None
    advanced = {
        "strict": True,
        "want_assertion_signed": True,  # signed assertions only (ADR 0035)
        "reject_idp_initiated_sso": True,  # a response must answer a request of this session
        "reject_deprecated_algorithm": True,
    }
    if private_key and provider.sp_certificate:
        advanced.update(
            x509cert=provider.sp_certificate,
            private_key=private_key,
            authn_request_signed=True,
            logout_request_signed=True,
        )
    return SocialApp(
        provider="saml",
        provider_id=provider.slug,
        name=provider.name,
        client_id=provider.slug,
        settings={
            "idp": {
                "entity_id": idp.get("entity_id", ""),
                "sso_url": idp.get("sso_url", ""),
                "slo_url": idp.get("slo_url", ""),
                "x509cert": idp.get("x509cert", ""),
            },
            "attribute_mapping": {key: [value] for key, value in mapping.items()},
            "advanced": advanced,
            "required_assurance": provider.required_assurance,
        },
    )


def login_url(provider: IdentityProvider) -> str:
    if provider.protocol == IdentityProvider.Protocol.OIDC:
        return reverse("openid_connect_login", kwargs={"provider_id": provider.slug})
    return reverse("saml_login", kwargs={"organization_slug": provider.slug})


def provider_origins(providers) -> list[str]:
    """Where a login or logout form may lead (the pages' CSP form-action): each IdP's origin."""
    origins = set()
    for p in providers:
        for url in (p.issuer, p.idp_settings.get("sso_url"), p.idp_settings.get("slo_url")):
            parts = urlparse(url or "")
            if parts.scheme in {"http", "https"} and parts.netloc:
                origins.add(f"{parts.scheme}://{parts.netloc}")
    return sorted(origins)
