"""allauth's social-account adapter for the organisations' identity providers (ADR 0035).

The identity provider proves who the person is; what they may do is decided in Fridsam. A login
below the provider's required assurance level is refused. A person Fridsam does not know gets an
account without any role and lands on a page saying whom to ask; an account of the organisation
with the same e-mail address is linked instead. Roles may follow from a group claim the
administrator named, in the provider's own organisation only.
"""

from __future__ import annotations

from allauth.core.exceptions import ImmediateHttpResponse
from allauth.socialaccount.adapter import DefaultSocialAccountAdapter
from allauth.socialaccount.models import SocialAccount
from allauth.utils import generate_unique_username
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from fridsam.accounts.federation import assurance, refusals, socialapps
from fridsam.accounts.models import IdentityProvider, User, memberships_unscoped
from fridsam.accounts.services import membership_grant
from fridsam.core.roles import MUNICIPAL_ROLES, Role
from fridsam.core.tenancy import unscoped


class SocialAccountAdapter(DefaultSocialAccountAdapter):
    def list_apps(self, request, provider=None, client_id=None):
        apps = [socialapps.social_app(p) for p in socialapps.active_providers()]
        if provider:
            apps = [a for a in apps if provider in (a.provider, a.provider_id)]
        if client_id:
            apps = [a for a in apps if a.client_id == client_id]
        return apps

    def is_open_for_signup(self, request, sociallogin) -> bool:
        # The account is created without any role: it can do nothing until someone grants one.
        return True

    def pre_social_login(self, request, sociallogin) -> None:
        if sociallogin.state.get("process") != "login":
            # Identities are linked by Fridsam's own rules only, never by connecting one by hand.
            raise ImmediateHttpResponse(refusals.not_a_login(request, provider_slug=sociallogin.account.provider))
        provider = socialapps.provider_by_slug(sociallogin.account.provider)
        if provider is None:  # switched off while the person was away at the IdP
            raise ImmediateHttpResponse(refusals.replayed(request, provider_slug=sociallogin.account.provider))
        level = assurance.asserted_level(sociallogin)
        if not assurance.is_sufficient(provider, level):
            raise ImmediateHttpResponse(refusals.assurance_too_low(request, provider=provider, level=level))
        if not sociallogin.is_existing:
            known = _organisation_account(provider, sociallogin.user.email)
            if known is not None:
                sociallogin.connect(request, known)
            elif sociallogin.user.email and User.objects.filter(email__iexact=sociallogin.user.email).exists():
                # The address is another account's (the person's in another organisation, say): the
                # new account is created without it, and nothing is linked by an address alone.
                sociallogin.user.email = ""
                sociallogin.email_addresses = []
        if sociallogin.is_existing:
            grant_roles_from_groups(user=sociallogin.user, provider=provider, sociallogin=sociallogin)

    def validate_disconnect(self, account, accounts) -> None:
        raise ValidationError(_("A federated identity is removed by an administrator."))

    def is_auto_signup_allowed(self, request, sociallogin) -> bool:
        return True  # never allauth's sign-up form: the account is created without any role

    def populate_user(self, request, sociallogin, data):
        user = super().populate_user(request, sociallogin, data)
        candidates = [data.get("username"), (data.get("email") or "").split("@")[0], sociallogin.account.provider]
        user.username = generate_unique_username([c for c in candidates if c])
        return user

    def save_user(self, request, sociallogin, form=None):
        user = super().save_user(request, sociallogin, form)
        provider = socialapps.provider_by_slug(sociallogin.account.provider)
        if provider is not None:
            grant_roles_from_groups(user=user, provider=provider, sociallogin=sociallogin)
        return user


def _organisation_account(provider: IdentityProvider, email: str | None) -> User | None:
    """The one active account with this e-mail address that holds a role in the provider's
    organisation and has no federated identity yet, if there is exactly one."""
    if not email:
        return None
    memberships = memberships_unscoped().active().filter(**_organisation_filter(provider))
    candidates = User.objects.filter(is_active=True, email__iexact=email, memberships__in=memberships.values("pk"))
    users = list(candidates.distinct()[:2])
    if len(users) != 1 or SocialAccount.objects.filter(user=users[0]).exists():
        return None
    return users[0]


def _organisation_filter(provider: IdentityProvider) -> dict:
    if provider.municipality_id:
        return {"municipality_id": provider.municipality_id}
    if provider.county_id:
        return {"county_id": provider.county_id, "role": Role.COUNTY_ANALYST}
    return {"partner_organisation_id": provider.partner_organisation_id}


def _groups(provider: IdentityProvider, sociallogin) -> set[str]:
    if not provider.group_claim:
        return set()
    data = sociallogin.account.extra_data or {}
    values = []
    for source in (data, data.get("userinfo") or {}, data.get("id_token") or {}):
        if isinstance(source, dict) and provider.group_claim in source:
            values = source[provider.group_claim]
            break
    if isinstance(values, str):
        values = [values]
    return {str(v) for v in values or []}


def _suits(provider: IdentityProvider, role: str) -> bool:
    if provider.municipality_id:
        return role in MUNICIPAL_ROLES
    if provider.county_id:
        return role == Role.COUNTY_ANALYST
    return role == Role.PARTNER


def grant_roles_from_groups(*, user: User, provider: IdentityProvider, sociallogin) -> list:
    """Grant the roles the administrator mapped from the person's groups, in the provider's own
    organisation, that the person does not hold yet. Roles are never taken away here: ending one
    is a manager's decision in Fridsam."""
    roles = {provider.group_roles[g] for g in _groups(provider, sociallogin) if g in provider.group_roles}
    granted = []
    with unscoped():
        held = set(
            memberships_unscoped()
            .active()
            .filter(user=user, **_organisation_filter(provider))
            .values_list("role", flat=True)
        )
        for role in sorted(roles - held):
            if not _suits(provider, role):
                continue
            granted.append(
                membership_grant(
                    user=user,
                    role=role,
                    municipality=provider.municipality,
                    county=provider.county,
                    partner_organisation=provider.partner_organisation,
                )
            )
    return granted
