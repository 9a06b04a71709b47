from django import template
from django.utils import formats
from django.utils.safestring import SafeString, mark_safe

from fridsam.core.start import Part

register = template.Library()


@register.filter
def as_ds_widget(bound_field):
    """Render a form field's widget with the design system's input class and error state."""
    attrs = {"class": "ds-input"}
    described = []
    if bound_field.help_text:
        described.append(f"{bound_field.auto_id}_helptext")
    if bound_field.widget_type == "date":  # the format, ÅÅÅÅ-MM-DD, shown by fridsam/forms/field.html
        described.append(f"{bound_field.auto_id}_format")
    if bound_field.errors:
        described.append(f"{bound_field.auto_id}_error")
        attrs["aria-invalid"] = "true"
    if described:
        attrs["aria-describedby"] = " ".join(described)
    return bound_field.as_widget(attrs=attrs)


@register.filter
def number(value):
    """A count with the language's thousands separator (156 200 in Swedish); years are left alone."""
    if value is None or value == "":
        return "–"
    return formats.number_format(value, force_grouping=True)


@register.filter
def get_item(mapping, key):
    return mapping.get(key) if isinstance(mapping, dict) else None


@register.simple_tag(takes_context=True)
def start_sections(context, parts: list[Part]) -> SafeString:
    """The start page's sections, each part from the cache or rendered now (fridsam.core.start)."""
    return mark_safe("".join(part.render(context) for part in parts))  # noqa: S308 - rendered templates
