"""Rendering verdicts. The county matrix has one cell per municipality and rule (4 350 at 290
municipalities), so cells are built here with format_html rather than with a template include."""

from django import template
from django.utils.html import escape, format_html
from django.utils.safestring import mark_safe
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
    """All the cells of one municipality's row: verdict, and on opening its explanation and evidence.

    At 290 municipalities this runs 4 930 times a page, so what is the same in every row (the badge
    of each status, each rule's title) is built once per page, and each cell is joined from escaped
    pieces rather than through format_html."""
    cache = context.render_context
    labels = cache.setdefault("healthcheck_labels", _labels())
    badges = cache.setdefault("healthcheck_badges", {})
    titles = cache.setdefault("healthcheck_titles", {})
    municipality = escape(check.municipality.name)
    cells = []
    for rule, verdict in check.results:
        status = verdict.status
        badge = badges.get(status)
        if badge is None:
            badge = badges[status] = str(short_status(status, labels))
        if status == Status.NOT_APPLICABLE:
            cells.append(f'<td class="fs-matrix__cell fs-matrix__cell--{status}">{badge}</td>')
            continue
        title = titles.get(rule.id)
        if title is None:
            title = titles[rule.id] = escape(rule.title)
        evidence = "".join(f"<li>{escape(e)}</li>" for e in verdict.evidence)
        cells.append(
            f'<td class="fs-matrix__cell fs-matrix__cell--{status}"><details class="fs-cell-details"><summary>'
            f'{badge}<span class="ds-sr-only"> – {title}, {municipality}</span></summary>'
            f'<div class="fs-cell-details__body"><p>{escape(verdict.explanation)}</p>'
            f"{f'<ul>{evidence}</ul>' if evidence else ''}</div></details></td>"
        )
    return mark_safe("".join(cells))  # noqa: S308 -- every piece above is escaped or built by format_html


@register.simple_tag(takes_context=True)
def status_badge(context, verdict):
    labels = context.render_context.setdefault("healthcheck_labels", _labels())
    return short_status(verdict.status, labels)
