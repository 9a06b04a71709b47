"""The yearly verdict on a goal: a collaboration group's goals and an action plan's goals are
followed up on the same scale."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class GoalResult(models.TextChoices):
    ACHIEVED = "achieved", _("Achieved")
    PARTLY = "partly", _("Partly achieved")
    NOT_ACHIEVED = "not_achieved", _("Not achieved")
