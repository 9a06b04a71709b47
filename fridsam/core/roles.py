"""The roles a person can hold in an organisation: the vocabulary of every permission.

Lowest layer, because the tenancy (which data a role opens), the access log (the role of the one who
read) and every permission policy speak of them. A membership (:mod:`fridsam.accounts.models`) gives a
person one role in one organisation for a period.
"""

from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class Role(models.TextChoices):
    COUNTY_ANALYST = "county_analyst", _("County analyst")
    COORDINATOR = "coordinator", _("Coordinator")
    MANAGER = "manager", _("Manager")
    SOCIAL_WORKER = "social_worker", _("Social worker")
    PARTNER = "partner", pgettext_lazy("role", "Partner")
    ADMINISTRATOR = "administrator", _("Administrator")
    # A municipality's archivist: its retention rules, holds and culling (ADR 0031). Organisation
    # data of the municipality only, never case-level data.
    ARCHIVIST = "archivist", _("Archivist")
    # An analyst of a national actor (a national authority or knowledge centre, ADR 0042): the
    # aggregates over every municipality in the country, never a municipality's or a case's data.
    NATIONAL_ANALYST = "national_analyst", _("National analyst")


MUNICIPAL_ROLES = (Role.COORDINATOR, Role.MANAGER, Role.SOCIAL_WORKER)
