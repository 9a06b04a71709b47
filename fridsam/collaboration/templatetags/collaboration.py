from django import template

register = template.Library()


@register.filter
def get_year(mapping, year):
    return mapping.get(year)
