from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class IntegrationsConfig(AppConfig):
    name = "fridsam.integrations"
    label = "integrations"
    verbose_name = _("Integrations")

    def ready(self):
        from fridsam.accounts.signals import staff_left  # noqa: PLC0415 - app registry must be ready
        from fridsam.integrations.services import revoke_when_staff_leave  # noqa: PLC0415 - as above

        staff_left.connect(revoke_when_staff_leave, dispatch_uid="integrations.revoke_when_staff_leave")
