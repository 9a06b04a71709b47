"""The pages of federated login: the login page (its form may lead to the IdPs), the page of a person
without any role, and the logout's offer of the IdP's own logout."""

from __future__ import annotations

from urllib.parse import urlencode

from allauth.account.views import LoginView as AllauthLoginView
from allauth.socialaccount.providers.saml.utils import build_auth
from django.conf import settings
from django.contrib.auth.decorators import login_not_required
from django.http import HttpResponseRedirect
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from fridsam.accounts.federation import socialapps
from fridsam.accounts.federation.assurance import SESSION_KEY
from fridsam.accounts.federation.session import LOGOUT_KEY
from fridsam.accounts.models import IdentityProvider, memberships_unscoped
from fridsam.core.roles import Role


def _with_form_action(response, providers):
    """The page's CSP, its forms allowed to lead to the identity providers (a form's redirect is
    checked against form-action too)."""
    origins = socialapps.provider_origins(providers)
    if origins:
        response.headers["Content-Security-Policy"] = settings.CONTENT_SECURITY_POLICY.replace(
            "form-action 'self'", "form-action 'self' " + " ".join(origins)
        )
    return response


class LoginView(AllauthLoginView):
    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["identity_providers"] = [(p, socialapps.login_url(p)) for p in socialapps.active_providers()]
        return context

    def dispatch(self, request, *args, **kwargs):
        return _with_form_action(super().dispatch(request, *args, **kwargs), socialapps.active_providers())


login = login_not_required(LoginView.as_view())


def no_access(request):
    """Logged in, known to the identity provider, but no role in Fridsam yet: whom to ask."""
    data = request.session.get(SESSION_KEY) or {}
    provider = socialapps.provider_by_slug(data.get("provider") or "")
    if memberships_unscoped().active().filter(user=request.user).exists():
        return redirect("core:start")
    grantors = []
    if provider is not None and provider.municipality_id:
        grantors = list(
            memberships_unscoped()
            .active()
            .filter(municipality_id=provider.municipality_id, role__in=[Role.MANAGER, Role.COORDINATOR])
            .select_related("user")
            .order_by("user__last_name", "user__first_name")
        )
    return render(
        request,
        "accounts/federation/no_access.html",
        {"provider": provider, "grantors": [m.user for m in grantors]},
    )


@login_not_required
def logged_out(request):
    data = request.session.get(LOGOUT_KEY) or {}
    provider = socialapps.provider_by_slug(data.get("provider") or "")
    response = render(request, "accounts/federation/logged_out.html", {"provider": provider})
    return _with_form_action(response, [provider] if provider else [])


@login_not_required
@require_POST
def idp_logout(request):
    """Leave for the identity provider's logout: RP-initiated logout (OIDC) or a SAML LogoutRequest."""
    data = request.session.pop(LOGOUT_KEY, None) or {}
    provider = socialapps.provider_by_slug(data.get("provider") or "")
    if provider is None:
        return redirect("account_login")
    app = socialapps.social_app(provider)
    after = request.build_absolute_uri(reverse("account_login"))
    if provider.protocol == IdentityProvider.Protocol.OIDC:
        oauth2 = app.get_provider(request).get_oauth2_adapter(request)
        endpoint = oauth2.openid_config.get("end_session_endpoint")
        if not endpoint:
            return redirect("account_login")
        params = {"client_id": app.client_id, "post_logout_redirect_uri": after}
        if data.get("id_token"):
            params["id_token_hint"] = data["id_token"]
        return HttpResponseRedirect(f"{endpoint}?{urlencode(params)}")
    if not provider.idp_settings.get("slo_url"):
        return redirect("account_login")
    auth = build_auth(request, app.get_provider(request))
    return HttpResponseRedirect(
        auth.logout(
            return_to=after,
            name_id=data.get("name_id"),
            session_index=data.get("session_index"),
            name_id_format=data.get("name_id_format"),
        )
    )
