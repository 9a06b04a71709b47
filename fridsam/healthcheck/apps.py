from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class HealthcheckConfig(AppConfig):
    name = "fridsam.healthcheck"
    label = "healthcheck"
    verbose_name = _("Health check")
