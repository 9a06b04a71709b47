"""What the access-log review shows of an entry, in the reader's language."""

from django import template

from fridsam.core.logdetail import readable_detail as _readable_detail

register = template.Library()


@register.filter
def readable_detail(entry) -> str:
    return _readable_detail(entry)
