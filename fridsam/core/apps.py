from importlib import import_module

from django.apps import AppConfig, apps
from django.utils.module_loading import module_has_submodule
from django.utils.translation import gettext_lazy as _

from fridsam.core import generations

# What every app contributes to what others own: reminders.py (collectors for
# fridsam.core.reminders) and hooks.py (start-page sections, menu items, the municipality page's
# panels). Found here so that no registry imports the apps that fill it.
DISCOVERED = ("reminders", "hooks", "jobs")


def discover_contributions() -> None:
    for config in apps.get_app_configs():
        if not config.name.startswith("fridsam."):
            continue
        for name in DISCOVERED:
            if module_has_submodule(config.module, name):
                import_module(f"{config.name}.{name}")


class CoreConfig(AppConfig):
    name = "fridsam.core"
    label = "core"
    verbose_name = _("Core")

    def ready(self) -> None:
        # System checks (free_text: every free-text field carries the personal-number validator;
        # date_bounds: every date field its bounds); login events go to the access log. They need
        # the models, which are loaded only now.
        from . import checks, date_bounds, free_text, signals  # noqa: F401, PLC0415 - the models are loaded only when ready() runs

        discover_contributions()
        generations.install()  # every write renews its table's generation (ADR 0047)
