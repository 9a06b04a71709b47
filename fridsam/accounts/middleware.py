"""Two-factor authentication is mandatory for every account, and every request runs in the
acting user's tenancy.

allauth asks for the second factor at login for accounts that have one. An authenticated
account without an authenticator app (a new account) may do nothing but set one up.
"""

from allauth.account.authentication import get_authentication_records
from allauth.mfa.models import Authenticator
from django.http import Http404
from django.shortcuts import redirect
from django.urls import reverse

from fridsam.accounts.federation.session import federated_second_factor
from fridsam.accounts.selectors import tenancy_for_user
from fridsam.core.actor import Actor, acting, client_ip
from fridsam.core.tenancy import tenant_scope

# URL names an account without two-factor authentication may still reach.
ALLOWED_WITHOUT_MFA = {
    "mfa_activate_totp",
    "mfa_index",
    "account_reauthenticate",  # allauth asks for the password again before activation
    "account_logout",
    "set_language",
    "core:healthz",
    "accounts:no_access",
    "core:ready",
}


class TwoFactorRequiredMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        user = request.user
        if not user.is_authenticated:
            return None
        match = request.resolver_match
        name = match.view_name if match else ""
        if request.path.startswith("/static/"):
            return None
        if federated_second_factor(request):
            return None  # the identity provider's level-3 login was the second factor (ADR 0035)
        if any(r.get("method") == "mfa" for r in get_authentication_records(request, request.user)):
            return None  # this session's login gave the second factor: the account has one
        if not Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).exists():
            request.needs_two_factor_setup = True  # the layout hides the menu until it is done
            if name in ALLOWED_WITHOUT_MFA:
                return None
            return redirect(reverse("mfa_activate_totp"))
        return None


class TenancyMiddleware:
    """Resolves the acting user's tenancy once and runs the request inside its scope
    (:mod:`fridsam.core.tenancy`) and as its actor (:mod:`fridsam.core.actor`: who and from where,
    for the access log); a URL naming a municipality outside it is a 404."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        tenancy = tenancy_for_user(user=request.user)
        request.tenancy = tenancy
        actor = Actor(
            user=request.user if request.user.is_authenticated else None,
            ip_address=client_ip(request),
            memberships=tuple(tenancy.memberships),
        )
        with tenant_scope(tenancy.scope), acting(actor):
            return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        code = view_kwargs.get("municipality_code")
        if code is not None and not request.tenancy.can_see_municipality_code(code):
            raise Http404
        return None
