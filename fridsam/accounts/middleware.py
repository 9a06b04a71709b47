"""Two-factor authentication is mandatory for every account.

allauth asks for the second factor at login for accounts that have one. An authenticated
account without an authenticator app (a new account) may do nothing but set one up.
"""

from allauth.mfa.models import Authenticator
from django.shortcuts import redirect
from django.urls import reverse

# URL names an account without two-factor authentication may still reach.
ALLOWED_WITHOUT_MFA = {
    "mfa_activate_totp",
    "mfa_index",
    "account_reauthenticate",  # allauth asks for the password again before activation
    "account_logout",
    "set_language",
    "core:healthz",
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
        if not Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).exists():
            request.needs_two_factor_setup = True  # the layout hides the menu until it is done
            if name in ALLOWED_WITHOUT_MFA:
                return None
            return redirect(reverse("mfa_activate_totp"))
        return None
