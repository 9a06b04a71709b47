from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

from fridsam.core import generations

# The apps whose data the health check's facts are gathered from (fridsam.healthcheck.facts): a
# save or delete in any of them makes the municipality's cached facts out of date (ADR 0045).
FACT_SOURCES = (
    "accounts",
    "collaboration",
    "competence",
    "coordination",
    "evaluation",
    "followup",
    "opencomparisons",
    "organisations",
    "routines",
)


class HealthcheckConfig(AppConfig):
    name = "fridsam.healthcheck"
    label = "healthcheck"
    verbose_name = _("Health check")

    def ready(self):
        # A login saves the account's last_login: no fact reads it.
        generations.follow(*FACT_SOURCES, quiet={"accounts.User": {"last_login"}})
