"""Logins, logouts and failed logins go to the access log."""

from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.dispatch import receiver

from fridsam.core.actor import client_ip
from fridsam.core.audit import log_access
from fridsam.core.models import AccessAction
from fridsam.core.validators import redact_personal_identity_numbers


@receiver(user_logged_in)
def _logged_in(sender, request, user, **kwargs):
    log_access(
        action=AccessAction.LOGIN,
        object_type="accounts.user",
        object_id=user.pk,
        user=user,
        ip_address=client_ip(request),
    )


@receiver(user_logged_out)
def _logged_out(sender, request, user, **kwargs):
    if user is not None:
        log_access(
            action=AccessAction.LOGOUT,
            object_type="accounts.user",
            object_id=user.pk,
            user=user,
            ip_address=client_ip(request),
        )


@receiver(user_login_failed)
def _login_failed(sender, credentials, request=None, **kwargs):
    # The attempted username is kept (truncated) for investigating attacks; never the password, and
    # never a personal identity number typed as a username (the log can never be corrected).
    attempted = redact_personal_identity_numbers(str(credentials.get("username") or credentials.get("login") or ""))
    attempted = attempted[:150]
    log_access(
        action=AccessAction.LOGIN_FAILED,
        object_type="accounts.user",
        user=None,
        ip_address=client_ip(request),
        detail=f"attempted username: {attempted}",
    )
