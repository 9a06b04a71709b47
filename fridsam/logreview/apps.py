from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class LogReviewConfig(AppConfig):
    name = "fridsam.logreview"
    label = "logreview"
    verbose_name = _("Log review")
