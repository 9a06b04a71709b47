from allauth.account.adapter import DefaultAccountAdapter
from allauth.account.internal.stagekit import clear_login
from allauth.mfa.adapter import DefaultMFAAdapter
from django.urls import reverse

from fridsam.accounts.federation import assurance, refusals, socialapps
from fridsam.accounts.federation.session import LOGOUT_KEY
from fridsam.accounts.models import memberships_unscoped
from fridsam.core.crypto import decrypt_text, encrypt_text


class AccountAdapter(DefaultAccountAdapter):
    def is_open_for_signup(self, request) -> bool:
        # Accounts are created by administrators; there is no self-service sign-up.
        return False

    def _get_login_attempts_cache_key(self, request, **credentials) -> str:
        # Failed passwords lock an account only from the source they came from (ADR 0019):
        # anyone who knows a username could otherwise lock its owner out for the whole window.
        return f"{super()._get_login_attempts_cache_key(request, **credentials)}:{self.get_client_ip(request)}"

    def get_login_stages(self) -> list[str]:
        # The TOTP stage, except after a federated login at level 3 (ADR 0035).
        return [
            "fridsam.accounts.federation.stages.SecondFactorStage"
            if stage == "allauth.mfa.stages.AuthenticateStage"
            else stage
            for stage in super().get_login_stages()
        ]

    def pre_login(self, request, user, **kwargs):
        if not (kwargs.get("signal_kwargs") or {}).get("sociallogin"):
            provider = _password_forbidden_by(user)
            if provider is not None:
                clear_login(request)
                return refusals.local_password_forbidden(request, provider=provider)
        return super().pre_login(request, user, **kwargs)

    def get_login_redirect_url(self, request) -> str:
        if not _has_role(request.user):
            return reverse("accounts:no_access")
        return super().get_login_redirect_url(request)

    def get_signup_redirect_url(self, request) -> str:
        # A first federated login creates the account (ADR 0035): it lands where a login would.
        return self.get_login_redirect_url(request)

    def logout(self, request) -> None:
        federated = request.session.get(assurance.SESSION_KEY)
        super().logout(request)
        if federated:  # the new, anonymous session remembers whose logout to offer
            request.session[LOGOUT_KEY] = federated

    def get_logout_redirect_url(self, request) -> str:
        # Asked before the logout (allauth's view), so the federated login is still in the session.
        if request.session.get(assurance.SESSION_KEY) or request.session.get(LOGOUT_KEY):
            return reverse("accounts:logged_out")
        return super().get_logout_redirect_url(request)


def _has_role(user) -> bool:
    return memberships_unscoped().active().filter(user=user).exists()


def _password_forbidden_by(user):
    """The identity provider of an organisation of *user* that forbids Fridsam passwords, if any."""
    providers = [p for p in socialapps.active_providers() if p.forbid_local_password]
    if not providers:
        return None
    memberships = list(memberships_unscoped().active().filter(user=user))
    for provider in providers:
        for m in memberships:
            if (
                (provider.municipality_id and m.municipality_id == provider.municipality_id)
                or (provider.county_id and m.county_id == provider.county_id and m.role == "county_analyst")
                or (provider.partner_organisation_id and m.partner_organisation_id == provider.partner_organisation_id)
            ):
                return provider
    return None


class MFAAdapter(DefaultMFAAdapter):
    """TOTP secrets and recovery-code seeds are encrypted at rest."""

    def encrypt(self, text: str) -> str:
        return encrypt_text(text)

    def decrypt(self, encrypted_text: str) -> str:
        return decrypt_text(encrypted_text)

    def can_delete_authenticator(self, authenticator) -> bool:
        # The authenticator app is mandatory; an administrator resets a lost one.
        return authenticator.type != authenticator.Type.TOTP
