"""What the session remembers of a federated login: the provider, the level, and what its logout needs."""

from __future__ import annotations

from allauth.account.signals import user_logged_in
from django.dispatch import receiver

from fridsam.accounts.federation import assurance

LOGOUT_KEY = "fridsam_federation_logout"  # kept across the logout, for the offer of the IdP's logout


@receiver(user_logged_in)
def _remember_federated_login(sender, request, user, sociallogin=None, **kwargs):
    if sociallogin is None:
        request.session.pop(assurance.SESSION_KEY, None)
        return
    level = assurance.asserted_level(sociallogin)
    saml = (sociallogin.account.extra_data or {}).get("_fridsam") or {}
    request.session[assurance.SESSION_KEY] = {
        "provider": sociallogin.account.provider,
        "level": level,
        "second_factor": assurance.counts_as_second_factor(level),
        "user": user.pk,
        "id_token": getattr(request, "fridsam_id_token", None),
        "name_id": saml.get("name_id"),
        "name_id_format": saml.get("name_id_format"),
        "session_index": saml.get("session_index"),
    }


def federated_second_factor(request) -> bool:
    """Did this session's login through an identity provider count as the second factor?"""
    data = request.session.get(assurance.SESSION_KEY) or {}
    return bool(data.get("second_factor")) and data.get("user") == request.user.pk
