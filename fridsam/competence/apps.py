from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CompetenceConfig(AppConfig):
    name = "fridsam.competence"
    label = "competence"
    verbose_name = _("Competence")

    def ready(self):
        # A staff role granted creates the introduction checklist (the signal needs the models).
        from fridsam.competence import signals  # noqa: F401, PLC0415 - the models are loaded only when ready() runs
