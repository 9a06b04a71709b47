from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class RoutinesConfig(AppConfig):
    name = "fridsam.routines"
    label = "routines"
    verbose_name = _("Routines and action plans")
