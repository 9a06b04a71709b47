from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    name = "fridsam.accounts"
    label = "accounts"
    verbose_name = _("Accounts")

    def ready(self) -> None:
        # A TOTP code is accepted once: the activation signal (it needs the models).
        from . import generations, totp  # noqa: F401, PLC0415 - the models are loaded only when ready() runs
        from .federation import providers, session  # noqa: F401, PLC0415 - the same

        providers.bound_clock_skew()
