"""A TOTP code is accepted once per account, ever (RFC 6238 §5.2).

allauth remembers a used code in the cache for one 30-second period, while it accepts codes of the
previous and next period (``MFA_TOTP_TOLERANCE``): a code seen over someone's shoulder or in a
proxy log could be replayed 30–60 seconds later. Here the authenticator row itself remembers the
time step of the last code it accepted (``data["last_step"]``), updated under a row lock in the
same transaction that checks it; a code of that step or an earlier one is refused for good.

The forms below replace allauth's login, re-authentication and activation forms (``MFA_FORMS``);
setting the app up burns the step of the code that did it (``authenticator_added`` signal).
"""

from __future__ import annotations

import time

from allauth.core import context
from allauth.core.internal.cryptokit import compare_user_code
from allauth.mfa import app_settings
from allauth.mfa import signals as mfa_signals
from allauth.mfa.adapter import get_adapter
from allauth.mfa.base import forms as base_forms
from allauth.mfa.base.internal.flows import check_rate_limit
from allauth.mfa.models import Authenticator
from allauth.mfa.totp import forms as totp_forms
from allauth.mfa.totp.internal.auth import format_hotp_value, hotp_value
from allauth.mfa.utils import decrypt
from django import forms
from django.db import transaction
from django.dispatch import receiver
from django.utils.translation import gettext_lazy as _

LAST_STEP = "last_step"

# What a code is for an authenticator: the one to accept, one already used (or older than the
# last one accepted: a replay), or no code of the tolerance window at all.
ACCEPTED, USED, WRONG = "accepted", "used", "wrong"


def current_step(now: float | None = None) -> int:
    return int(time.time() if now is None else now) // app_settings.TOTP_PERIOD


def matching_step(secret: str, code: str, *, now: float | None = None) -> int | None:
    """The time step within the tolerance whose code is *code*, or None."""
    step = current_step(now)
    tolerance = app_settings.TOTP_TOLERANCE
    for candidate in range(step - tolerance, step + tolerance + 1):
        if compare_user_code(actual=code, expected=format_hotp_value(hotp_value(secret, candidate))):
            return candidate
    return None


def totp_verdict(authenticator: Authenticator, code: str, *, now: float | None = None) -> str:
    """Accept *code* for this TOTP authenticator unless it, or a later one, was accepted before:
    ACCEPTED, USED (a right code of a step already used up) or WRONG."""
    with transaction.atomic():
        locked = Authenticator.objects.select_for_update().get(pk=authenticator.pk)
        step = matching_step(decrypt(locked.data["secret"]), code, now=now)
        if step is None:
            return WRONG
        if step <= locked.data.get(LAST_STEP, -1):
            return USED
        locked.data[LAST_STEP] = step
        locked.save(update_fields=["data"])
        authenticator.data = locked.data
        return ACCEPTED


def burn_activation_steps(authenticator: Authenticator, *, step: int | None = None, now: float | None = None) -> None:
    """The code that set the app up never logs in afterwards: its step is burnt, or, when the step
    is not known (an app set up outside the form), every step of the tolerance window."""
    authenticator.data[LAST_STEP] = step if step is not None else current_step(now) + app_settings.TOTP_TOLERANCE
    authenticator.save(update_fields=["data"])


def _validate(authenticator: Authenticator, code: str) -> str:
    if authenticator.type == Authenticator.Type.TOTP:
        return totp_verdict(authenticator, code)
    return ACCEPTED if authenticator.wrap().validate_code(code) else WRONG


class _OnceMixin:
    """allauth's ``BaseAuthenticateForm.clean_code`` with the TOTP check done by :func:`totp_verdict`.

    A right code that was already used (typically: logging in again within the 30 seconds the app
    shows the same code) is refused like a wrong one, and counts as a failure, but the message
    says why and what to do: wait for the app's next code.
    """

    def clean_code(self) -> str:
        clear_rl = check_rate_limit(self.user)
        code = self.cleaned_data["code"]
        main_auth = None
        used = False
        for auth in Authenticator.objects.filter(user=self.user).exclude(type=Authenticator.Type.WEBAUTHN):
            if not main_auth or auth.type == Authenticator.Type.TOTP:
                main_auth = auth
            verdict = _validate(auth, code)
            if verdict == ACCEPTED:
                auth.user = self.user
                self.authenticator = auth
                clear_rl()
                return code
            used = used or verdict == USED
        if main_auth:
            self._emit_authentication_failed(main_auth)
        if used:
            raise forms.ValidationError(
                _("This code has already been used. Wait until the app shows a new code, and enter that one."),
                code="code_already_used",
            )
        raise get_adapter().validation_error("incorrect_code")


class AuthenticateForm(_OnceMixin, base_forms.AuthenticateForm):
    pass


class ReauthenticateForm(_OnceMixin, base_forms.ReauthenticateForm):
    pass


class ActivateTOTPForm(totp_forms.ActivateTOTPForm):
    """allauth's activation, remembering the step of the code that set the app up, so that the
    step after it logs in at once."""

    def clean_code(self) -> str:
        code = super().clean_code()
        context.request.fridsam_activation_step = matching_step(self.secret, code)
        return code


@receiver(mfa_signals.authenticator_added)
def _burn_on_activation(sender, authenticator, request=None, **kwargs):
    if authenticator.type == Authenticator.Type.TOTP:
        burn_activation_steps(authenticator, step=getattr(request, "fridsam_activation_step", None))
