from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OpenComparisonsConfig(AppConfig):
    name = "fridsam.opencomparisons"
    label = "opencomparisons"
    verbose_name = _("Open comparisons")
