from allauth.account.adapter import DefaultAccountAdapter
from allauth.mfa.adapter import DefaultMFAAdapter

from fridsam.core.crypto import decrypt_text, encrypt_text


class AccountAdapter(DefaultAccountAdapter):
    def is_open_for_signup(self, request) -> bool:
        # Accounts are created by administrators; there is no self-service sign-up.
        return False

    def _get_login_attempts_cache_key(self, request, **credentials) -> str:
        # Failed passwords lock an account only from the source they came from (ADR 0019):
        # anyone who knows a username could otherwise lock its owner out for the whole window.
        return f"{super()._get_login_attempts_cache_key(request, **credentials)}:{self.get_client_ip(request)}"


class MFAAdapter(DefaultMFAAdapter):
    """TOTP secrets and recovery-code seeds are encrypted at rest."""

    def encrypt(self, text: str) -> str:
        return encrypt_text(text)

    def decrypt(self, encrypted_text: str) -> str:
        return decrypt_text(encrypted_text)

    def can_delete_authenticator(self, authenticator) -> bool:
        # The authenticator app is mandatory; an administrator resets a lost one.
        return authenticator.type != authenticator.Type.TOTP
