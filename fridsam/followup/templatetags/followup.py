from django import template

from fridsam.followup.models import RiskLevel

register = template.Library()


@register.filter
def get_item(mapping, key):
    return mapping.get(key) if mapping else None


@register.filter
def level_label(level):
    return RiskLevel(level).label if level in RiskLevel.values else "–"
