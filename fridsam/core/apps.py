from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    name = "fridsam.core"
    label = "core"
    verbose_name = _("Core")

    def ready(self) -> None:
        # System checks (free_text: every free-text field carries the personal-number validator);
        # login events go to the access log.
        from . import checks, free_text, signals  # noqa: F401
