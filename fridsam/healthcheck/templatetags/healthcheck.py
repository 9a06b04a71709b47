"""Rendering verdicts. The county matrix has one cell per municipality and rule (4 350 at 290
municipalities), so cells are built here with format_html rather than with a template include."""

from django import template
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext, pgettext

from fridsam.healthcheck.rules import Status

register = template.Library()

ICONS = {Status.GOOD: "✓", Status.ATTENTION: "!", Status.RISK: "✕", Status.UNKNOWN: "?", Status.NOT_APPLICABLE: "–"}


def _labels():
    return {
        Status.GOOD: (gettext("Good"), gettext("Good")),
        Status.ATTENTION: (pgettext("short for needs attention", "Note"), gettext("Needs attention")),
        Status.RISK: (gettext("Risk"), gettext("Risk")),
        Status.UNKNOWN: (gettext("Unknown"), gettext("Unknown")),
        Status.NOT_APPLICABLE: ("", gettext("Not applicable")),  # the dash says it; the reader hears it
    }


def short_status(status, labels=None):
    short, full = (labels or _labels())[status]
    return format_html(
        '<span class="fs-status fs-status--short fs-status--{}"><span aria-hidden="true" class="fs-status__icon">{}'
        '</span> <span aria-hidden="true">{}</span><span class="ds-sr-only">{}</span></span>',
        status,
        ICONS[status],
        short,
        full,
    )


@register.simple_tag(takes_context=True)
def matrix_cells(context, check):
    """All the cells of one municipality's row: verdict, and on opening its explanation and evidence."""
    labels = context.render_context.setdefault("healthcheck_labels", _labels())
    cells = []
    for rule, verdict in check.results:
        badge = short_status(verdict.status, labels)
        if verdict.status == Status.NOT_APPLICABLE:
            cells.append(format_html('<td class="fs-matrix__cell fs-matrix__cell--{}">{}</td>', verdict.status, badge))
            continue
        evidence = format_html_join("", "<li>{}</li>", ((e,) for e in verdict.evidence))
        cells.append(
            format_html(
                '<td class="fs-matrix__cell fs-matrix__cell--{status}"><details class="fs-cell-details"><summary>'
                '{badge}<span class="ds-sr-only"> – {title}, {municipality}</span></summary>'
                '<div class="fs-cell-details__body"><p>{explanation}</p>{evidence}</div></details></td>',
                status=verdict.status,
                badge=badge,
                title=rule.title,
                municipality=check.municipality.name,
                explanation=verdict.explanation,
                evidence=format_html("<ul>{}</ul>", evidence) if verdict.evidence else "",
            )
        )
    return format_html_join("", "{}", ((c,) for c in cells))


@register.simple_tag(takes_context=True)
def status_badge(context, verdict):
    labels = context.render_context.setdefault("healthcheck_labels", _labels())
    return short_status(verdict.status, labels)
