"""Assurance levels: what a federated login asserted, and whether it is enough."""

from __future__ import annotations

from fridsam.accounts.models import ASSURANCE_LEVELS, LOA3, IdentityProvider

SESSION_KEY = "fridsam_federation"  # the federated login of this session: provider, level, logout data


def rank(level: str | None) -> int:
    """0 for no or an unknown level, 1–4 for loa1–loa4."""
    try:
        return ASSURANCE_LEVELS.index(level or "") + 1
    except ValueError:
        return 0


def asserted_level(sociallogin) -> str | None:
    """The strongest level the IdP asserted for this login: OIDC's `acr`, SAML's AuthnContextClassRef."""
    data = sociallogin.account.extra_data or {}
    if "_fridsam" in data:  # SAML (providers.SAMLProvider keeps the contexts beside the attributes)
        levels = data["_fridsam"].get("authn_contexts") or []
    else:
        levels = [(data.get("id_token") or {}).get("acr")]
    return max(levels, key=rank, default=None) if levels else None


def is_sufficient(provider: IdentityProvider, level: str | None) -> bool:
    if not provider.required_assurance:
        return True
    return rank(level) >= max(rank(provider.required_assurance), 1)


def counts_as_second_factor(level: str | None) -> bool:
    """A login at level 3 or above was made with a second factor at the IdP (ADR 0035)."""
    return rank(level) >= rank(LOA3)
