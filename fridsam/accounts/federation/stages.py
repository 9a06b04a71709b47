"""The login's second factor: a TOTP code after a password, never after a federated login that
the IdP made at assurance level 3 or above (that login already had two factors, ADR 0035)."""

from __future__ import annotations

from allauth.mfa.stages import AuthenticateStage

from fridsam.accounts.federation import assurance


class SecondFactorStage(AuthenticateStage):
    def _should_handle(self, request) -> bool:
        sociallogin = (self.login.signal_kwargs or {}).get("sociallogin")
        if sociallogin is not None and assurance.counts_as_second_factor(assurance.asserted_level(sociallogin)):
            return False
        return super()._should_handle(request)
