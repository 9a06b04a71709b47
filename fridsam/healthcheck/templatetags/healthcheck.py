"""Rendering verdicts. The county matrix has one cell per municipality and rule (5 800 at 290
municipalities), so its rows are built here from escaped pieces rather than with a template include."""

import html

from django import template
from django.urls import reverse
from django.utils.html import format_html
from django.utils.safestring import mark_safe
from django.utils.translation import gettext, ngettext, pgettext

from fridsam.core.templatetags.fridsam import number
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


def _page_labels(context):
    """The labels, translated once a page (not once a row: setdefault would build them each time)."""
    cache = context.render_context
    labels = cache.get("healthcheck_labels")
    if labels is None:
        labels = cache["healthcheck_labels"] = _labels()
    return labels


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
def matrix_row(context, check):
    """One municipality's row: its name, coordinators and inhabitants, then every cell (verdict, and on
    opening its explanation and evidence).

    At 290 municipalities this runs 290 times a page for 5 800 cells, so the row is joined from
    escaped pieces rather than through the template language and format_html, and what cells share
    is built once per page: a cell is its rule's, status's and explanation's opening and middle
    (most explanations recur from municipality to municipality), the municipality's name and its
    evidence."""
    cache = context.render_context
    pieces = cache.get("healthcheck_cells")
    if pieces is None:
        pieces = cache["healthcheck_cells"] = {}
    labels = _page_labels(context)
    m = check.municipality
    municipality = html.escape(m.name)
    n = len(check.facts.posts)
    coordinators = ngettext("%(n)s coordinator", "%(n)s coordinators", n) % {"n": n}
    population = getattr(m, "population", None)
    url = reverse("organisations:municipality_detail", args=[m.code])
    cells = [
        f'<th scope="row"><a class="ds-link" href="{html.escape(url)}#halsokontroll">{municipality}</a>\n'
        f'              <span class="fs-muted fs-matrix__sub">{html.escape(coordinators)}'
        f"{f' · {number(population)}' if population else ''}</span></th>"
    ]
    for rule, verdict in check.results:
        key = (rule.id, verdict.status, verdict.explanation)
        piece = pieces.get(key)
        if piece is None:
            piece = pieces[key] = _cell_pieces(rule, verdict, labels)
        if len(piece) == 1:
            cells.append(piece[0])
            continue
        opening, middle = piece
        evidence = "".join(f"<li>{html.escape(e)}</li>" for e in verdict.evidence)
        cells.append(
            f"{opening}{municipality}{middle}{f'<ul>{evidence}</ul>' if evidence else ''}</div></details></td>"
        )
    return mark_safe("".join(cells))  # noqa: S308 -- every piece above is escaped or built by format_html


def _cell_pieces(rule, verdict, labels) -> tuple[str] | tuple[str, str]:
    """A cell not applicable whole; any other the pieces before and after the municipality's name.
    html.escape is what django.utils.html.escape does, without making each piece a SafeString."""
    status = verdict.status
    badge = short_status(status, labels)
    if status == Status.NOT_APPLICABLE:
        return (f'<td class="fs-matrix__cell fs-matrix__cell--{status}">{badge}</td>',)
    return (
        f'<td class="fs-matrix__cell fs-matrix__cell--{status}"><details class="fs-cell-details"><summary>'
        f'{badge}<span class="ds-sr-only"> – {html.escape(str(rule.title))}, ',
        f'</span></summary><div class="fs-cell-details__body"><p>{html.escape(verdict.explanation)}</p>',
    )


@register.simple_tag(takes_context=True)
def status_badge(context, verdict):
    return short_status(verdict.status, _page_labels(context))
