from allauth.mfa.models import Authenticator
from django.shortcuts import render

from fridsam.core.kept import kept_page


@kept_page
def profile(request):
    authenticators = Authenticator.objects.filter(user=request.user)
    return render(
        request,
        "accounts/profile.html",
        {
            "memberships": request.tenancy.memberships,
            "has_totp": any(a.type == Authenticator.Type.TOTP for a in authenticators),
            "has_recovery_codes": any(a.type == Authenticator.Type.RECOVERY_CODES for a in authenticators),
        },
    )
