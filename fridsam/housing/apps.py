from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class HousingConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "fridsam.housing"
    verbose_name = _("Protected housing and housing exchange")
