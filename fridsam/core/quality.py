"""Socialstyrelsen's six quality areas and the evaluation's four success factors: the headings
under which the statistics' indicators and the health check's rules are read, and the reports
are written."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Area(models.TextChoices):
    # Socialstyrelsen's six quality areas (öppna jämförelser)...
    KNOWLEDGE = "knowledge", _("Knowledge-based practice")
    SELF_DETERMINATION = "self_determination", _("Self-determination and integrity")
    COORDINATION = "coordination", _("Holistic view and coordination")
    SAFETY = "safety", _("Safety and security")
    ACCESSIBILITY = "accessibility", _("Accessibility")
    EFFICIENCY = "efficiency", _("Efficiency")
    # ...and the evaluation's four success factors.
    PROXIMITY = "proximity", _("Success factor: proximity to the social workers")
    EXPERT_TEAM = "expert_team", _("Success factor: a team of experts from all units")
    MANAGEMENT = "management", _("Success factor: support from management and a seat in the management group")
    RIGHT_PERSON = "right_person", _("Success factor: the right person in the right place")


QUALITY_AREAS = [
    Area.KNOWLEDGE,
    Area.SELF_DETERMINATION,
    Area.COORDINATION,
    Area.SAFETY,
    Area.ACCESSIBILITY,
    Area.EFFICIENCY,
]
SUCCESS_FACTORS = [Area.PROXIMITY, Area.EXPERT_TEAM, Area.MANAGEMENT, Area.RIGHT_PERSON]
