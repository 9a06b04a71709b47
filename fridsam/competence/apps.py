from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CompetenceConfig(AppConfig):
    name = "fridsam.competence"
    label = "competence"
    verbose_name = _("Competence")

    def ready(self):
        from fridsam.competence import reminders, signals  # noqa: F401
