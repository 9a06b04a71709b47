"""The pages a refused federated login ends on, each saying why in plain Swedish, and the access
log's line for it."""

from __future__ import annotations

from django.shortcuts import render
from django.utils.translation import gettext as _

from fridsam.core.actor import client_ip
from fridsam.core.audit import log_access
from fridsam.core.models import AccessAction


def _refused(request, *, reason: str, message: str, provider_name: str = "", status: int = 403):
    log_access(
        action=AccessAction.LOGIN_FAILED,
        object_type="accounts.user",
        user=None,
        ip_address=client_ip(request),
        detail=reason,
    )
    return render(
        request,
        "accounts/federation/refused.html",
        {"message": message, "provider_name": provider_name},
        status=status,
    )


def assurance_too_low(request, *, provider, level: str | None):
    return _refused(
        request,
        reason=f"federated login below the required assurance level: provider={provider.slug}; level={level or '-'}",
        provider_name=provider.name,
        message=_(
            "Your login was not strong enough. %(organisation)s requires a login at assurance level "
            "%(required)s, for instance with SITHS eID or Freja eID+. Log in again with such an "
            "e-identification."
        )
        % {"organisation": provider.name, "required": provider.get_required_assurance_display()},
    )


def replayed(request, *, provider_slug: str):
    return _refused(
        request,
        reason=f"federated login refused: assertion already used: provider={provider_slug}",
        message=_("This login answer has already been used. Start the login again from the login page."),
    )


def local_password_forbidden(request, *, provider):
    return _refused(
        request,
        reason=f"password login refused: the organisation uses its identity provider: provider={provider.slug}",
        provider_name=provider.name,
        message=_(
            "%(organisation)s logs its people in through its own identity provider. Use the button "
            "“Log in through %(organisation)s” on the login page instead of a Fridsam password."
        )
        % {"organisation": provider.name},
    )


def not_a_login(request, *, provider_slug: str):
    return _refused(
        request,
        reason=f"federated identity not linked by hand: provider={provider_slug}",
        message=_(
            "An identity is linked to a Fridsam account at login only. Log out and log in through your organisation."
        ),
    )
