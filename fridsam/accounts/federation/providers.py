"""allauth's OpenID Connect and SAML providers, with what Fridsam requires of every login (ADR 0035):
the ID token's signature always checked, the assurance level requested, SAML assertions signed,
the clock skew bounded and an assertion accepted once."""

from __future__ import annotations

import time

from allauth.core.exceptions import ImmediateHttpResponse
from allauth.socialaccount.internal import jwtkit
from allauth.socialaccount.providers.openid_connect.provider import (
    OpenIDConnectProvider as AllauthOpenIDConnectProvider,
)
from allauth.socialaccount.providers.openid_connect.views import OpenIDConnectOAuth2Adapter
from allauth.socialaccount.providers.saml.provider import SAMLProvider as AllauthSAMLProvider
from allauth.socialaccount.providers.saml.utils import build_saml_config, prepare_django_request
from django.conf import settings
from django.core.cache import cache
from django.http import HttpResponseRedirect
from onelogin.saml2.auth import OneLogin_Saml2_Auth
from onelogin.saml2.constants import OneLogin_Saml2_Constants

from fridsam.accounts.federation import refusals


class OIDCAdapter(OpenIDConnectOAuth2Adapter):
    def complete_login(self, request, app, token, **kwargs):
        # The raw ID token is kept for the session only: RP-initiated logout sends it as id_token_hint.
        request.fridsam_id_token = kwargs["response"].get("id_token")
        return super().complete_login(request, app, token, **kwargs)

    def _decode_id_token(self, app, id_token: str) -> dict:
        # Signed tokens only: the signature is checked against the IdP's keys even though the token
        # came straight from the token endpoint (allauth would allow skipping it then).
        return jwtkit.verify_and_decode(
            credential=id_token,
            keys_url=self.openid_config["jwks_uri"],
            issuer=self.openid_config["issuer"],
            audience=app.client_id,
            lookup_kid=jwtkit.lookup_kid_jwk,
            verify_signature=True,
        )


class OpenIDConnectProvider(AllauthOpenIDConnectProvider):
    oauth2_adapter_class = OIDCAdapter
    package = "fridsam.accounts.federation.oidc"


class SAMLProvider(AllauthSAMLProvider):
    package = "allauth.socialaccount.providers.saml"

    def _auth(self, request) -> OneLogin_Saml2_Auth:
        config = build_saml_config(request, self.app.settings, self.app.client_id)
        required = self.app.settings.get("required_assurance")
        if required:
            config["security"]["requestedAuthnContext"] = [required]
            config["security"]["requestedAuthnContextComparison"] = "minimum"
        return OneLogin_Saml2_Auth(prepare_django_request(request), config)

    def redirect(self, request, process, next_url=None, data=None, **kwargs):
        auth = self._auth(request)
        url = auth.login(return_to="")
        self.stash_redirect_state(request, process, next_url, data, state_id=auth.get_last_request_id(), **kwargs)
        return HttpResponseRedirect(url)

    def sociallogin_from_response(self, request, response):
        # An assertion is accepted once, whatever session brings it back (the stashed request id
        # refuses it in this one): its id is remembered until it would have expired anyway.
        assertion_id = response.get_last_assertion_id()
        not_after = response.get_last_assertion_not_on_or_after()
        timeout = max(int((not_after or 0) - _now()), 0) + OneLogin_Saml2_Constants.ALLOWED_CLOCK_DRIFT + 60
        if not assertion_id or not cache.add(f"fridsam.saml.assertion.{self.app.client_id}.{assertion_id}", 1, timeout):
            raise ImmediateHttpResponse(refusals.replayed(request, provider_slug=self.app.client_id))
        return super().sociallogin_from_response(request, response)

    def extract_extra_data(self, data):
        extra = dict(data.get_attributes())
        extra["_fridsam"] = {
            "authn_contexts": data.get_last_authn_contexts(),
            "name_id": data.get_nameid(),
            "name_id_format": data.get_nameid_format(),
            "session_index": data.get_session_index(),
        }
        return extra


def _now() -> float:
    return time.time()


def bound_clock_skew() -> None:
    """SAML's NotBefore/NotOnOrAfter are checked with this much leeway (python3-saml's default is
    five minutes)."""
    OneLogin_Saml2_Constants.ALLOWED_CLOCK_DRIFT = settings.FRIDSAM_FEDERATION_CLOCK_SKEW_SECONDS
