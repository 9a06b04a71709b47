"""Charts drawn on the server as inline SVG: no script, no third-party request, no inline style
(presentation attributes only, so the strict CSP holds), readable without colour (the
coordinator's start is a dashed line with a label, an absence a hatched band, a new definition a
dash-dot line, values are written next to their points) and always followed by a data table in
the page. A year that is not over (:mod:`fridsam.statistics.years`) is drawn hollow, joined by a
dashed line, starred on the axis and named in a legend, so that the cases registered so far are
not read as a fall. Used by the pages and, unchanged, by the PDF reports.
"""

from __future__ import annotations

import datetime
import functools
import math
from collections.abc import Collection, Sequence
from dataclasses import dataclass

from django.utils.formats import get_format
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from fridsam.statistics import years as year_rules

INK = "#1e2b3c"
LINE = "#1f5f9e"
MUTED = "#5b6675"
GRID = "#d5dbe3"
AVERAGE = "#8a4b08"
FONT = "system-ui, -apple-system, 'Segoe UI', Roboto, sans-serif"


@dataclass(frozen=True)
class Marker:
    """A dated event on a time series: kind is "start", "end", "absence" (with ``until``) or "break"."""

    kind: str
    day: datetime.date
    label: str
    until: datetime.date | None = None


def _svg(template: str, *args) -> SafeString:
    """format_html that writes floats with one decimal (format_html escapes its arguments to
    strings first, so format specs cannot be used in the template)."""
    return format_html(template.replace("{:.1f}", "{}"), *[f"{a:.1f}" if isinstance(a, float) else a for a in args])


@functools.cache
def _separators(language: str) -> tuple[str, str]:
    return get_format("DECIMAL_SEPARATOR", language), get_format("THOUSAND_SEPARATOR", language)


def fmt(value: float | None, decimals: int = 1) -> str:
    """A number in the active language's format ("1 234,5" in Swedish); ".." for a hidden one.
    Thousands of cells are formatted per page, so the separators are looked up once."""
    if value is None:
        return ".."
    decimal, thousand = _separators(get_language() or "sv")
    text = f"{int(value):,}" if float(value).is_integer() else f"{round(value, decimals):,.{decimals}f}"
    return text.replace(",", "\x00").replace(".", decimal).replace("\x00", thousand)


def _nice_max(value: float) -> float:
    if value <= 0:
        return 1.0
    exponent = 10 ** math.floor(math.log10(value))
    for step in (1, 2, 2.5, 5, 10):
        if value <= step * exponent:
            return step * exponent
    return 10 * exponent


def time_series(
    points: Sequence[tuple[int, float | None]],
    *,
    title: str,
    unit_label: str,
    markers: Sequence[Marker] = (),
    chart_id: str,
    width: int = 640,
    height: int = 260,
    partial_years: Collection[int] = (),
) -> SafeString:
    """A line chart of yearly values (None = hidden or missing: a gap), with dated markers.
    ``partial_years``: years that are not over, drawn as a hollow point on a dashed line."""
    if not points:
        return mark_safe("")
    partial = sorted(y for y, _v in points if y in partial_years)
    left, right, top, bottom = 48, 16, 34, 30
    first, last = points[0][0], points[-1][0]
    span = max(1, last - first + 1)
    plot_w, plot_h = width - left - right, height - top - bottom
    values = [v for _y, v in points if v is not None]
    y_max = _nice_max(max(values) if values else 1.0)

    def x_of_year(year: float) -> float:
        return left + plot_w * (year - first) / span

    def x_of_day(day: datetime.date) -> float:
        return x_of_year(day.year + (day.timetuple().tm_yday - 1) / 365.25)

    def y_of(value: float) -> float:
        return top + plot_h * (1 - value / y_max)

    description = _("%(unit)s per year, %(first)s–%(last)s. The figures are in the table below the chart.") % {
        "unit": unit_label,
        "first": first,
        "last": last,
    }
    for year in partial:
        description += " " + year_rules.legend(year)
    parts: list[str] = [
        _svg(
            '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {} {}" width="{}" height="{}" role="img" '
            'aria-labelledby="{}-t {}-d" class="fs-chart" font-family="{}" font-size="11">',
            width,
            height,
            width,
            height,
            chart_id,
            chart_id,
            FONT,
        ),
        _svg('<title id="{}-t">{}</title>', chart_id, title),
        _svg('<desc id="{}-d">{}</desc>', chart_id, description),
        _svg(
            '<defs><pattern id="{}-hatch" width="6" height="6" patternUnits="userSpaceOnUse" '
            'patternTransform="rotate(45)"><line x1="0" y1="0" x2="0" y2="6" stroke="{}" stroke-width="2" '
            'stroke-opacity="0.35"/></pattern></defs>',
            chart_id,
            MUTED,
        ),
    ]
    # Grid and axis labels.
    for i in range(5):
        value = y_max * i / 4
        y = y_of(value)
        parts.append(
            _svg(
                '<line x1="{}" y1="{:.1f}" x2="{}" y2="{:.1f}" stroke="{}" stroke-width="1"/>'
                '<text x="{}" y="{:.1f}" text-anchor="end" fill="{}">{}</text>',
                left,
                y,
                width - right,
                y,
                GRID,
                left - 6,
                y + 4,
                MUTED,
                fmt(value),
            )
        )
    step = 1 if span <= 12 else 2
    for year in range(first, last + 1, step):
        parts.append(
            _svg(
                '<text x="{:.1f}" y="{}" text-anchor="middle" fill="{}">{}</text>',
                x_of_year(year + 0.5),
                height - 10,
                MUTED,
                f"{year}*" if year in partial else year,
            )
        )
    parts.append(_svg('<text x="{}" y="14" fill="{}">{}</text>', left, MUTED, unit_label))
    parts.extend(_partial_legend(partial, x=width - right, y=14))
    # Markers under the line.
    label_row = 0
    for marker in markers:
        x = x_of_day(marker.day)
        if x < left or x > width - right:
            continue
        if marker.kind == "absence" and marker.until:
            x2 = min(width - right, x_of_day(marker.until))
            parts.append(
                _svg(
                    '<rect x="{:.1f}" y="{}" width="{:.1f}" height="{}" fill="url(#{}-hatch)"/>',
                    x,
                    top,
                    max(2.0, x2 - x),
                    plot_h,
                    chart_id,
                )
            )
        else:
            dash = {"start": "6 4", "end": "2 3", "break": "8 3 2 3"}.get(marker.kind, "4 4")
            parts.append(
                _svg(
                    '<line x1="{:.1f}" y1="{}" x2="{:.1f}" y2="{}" stroke="{}" stroke-width="2" '
                    'stroke-dasharray="{}"/>',
                    x,
                    top - 4,
                    x,
                    top + plot_h,
                    INK,
                    dash,
                )
            )
        anchor = "start" if x < width - 140 else "end"
        parts.append(
            _svg(
                '<text x="{:.1f}" y="{}" text-anchor="{}" fill="{}" font-weight="600">{}</text>',
                x + (4 if anchor == "start" else -4),
                top + 10 + 12 * (label_row % 3),
                anchor,
                INK,
                marker.label,
            )
        )
        label_row += 1
    # The line, broken where a year is missing or hidden, dashed to and from a year not over, and
    # the values.
    segment: list[str] = []
    segments: list[list[str]] = []
    previous: tuple[int, float] | None = None
    for year, value in points:
        if value is None or year in partial:
            if len(segment) > 1:
                segments.append(segment)
            segment = []
        if value is None:
            previous = None
            continue
        if previous is not None and (year in partial or previous[0] in partial):
            parts.append(
                _svg(
                    '<line x1="{:.1f}" y1="{:.1f}" x2="{:.1f}" y2="{:.1f}" stroke="{}" stroke-width="2" '
                    'stroke-dasharray="5 4"/>',
                    x_of_year(previous[0] + 0.5),
                    y_of(previous[1]),
                    x_of_year(year + 0.5),
                    y_of(value),
                    LINE,
                )
            )
        if year not in partial:
            segment.append(f"{x_of_year(year + 0.5):.1f},{y_of(value):.1f}")
        previous = (year, value)
    if len(segment) > 1:
        segments.append(segment)
    for seg in segments:
        parts.append(_svg('<polyline points="{}" fill="none" stroke="{}" stroke-width="2.5"/>', " ".join(seg), LINE))
    for year, value in points:
        x = x_of_year(year + 0.5)
        if value is None:
            parts.append(
                _svg('<text x="{:.1f}" y="{:.1f}" text-anchor="middle" fill="{}">..</text>', x, top + plot_h - 4, MUTED)
            )
            continue
        y = y_of(value)
        if year in partial:
            point = _svg('<circle cx="{:.1f}" cy="{:.1f}" r="4" fill="#fff" stroke="{}" stroke-width="2"/>', x, y, LINE)
        else:
            point = _svg(
                '<circle cx="{:.1f}" cy="{:.1f}" r="3.5" fill="{}" stroke="#fff" stroke-width="1"/>', x, y, LINE
            )
        parts.append(point)
        parts.append(
            _svg('<text x="{:.1f}" y="{:.1f}" text-anchor="middle" fill="{}">{}</text>', x, y - 8, INK, fmt(value))
        )
    parts.append(mark_safe("</svg>"))
    return format_html_join("", "{}", ((p,) for p in parts))


def _partial_legend(partial_years: Sequence[int], *, x: int, y: int) -> list[SafeString]:
    """A hollow point and "2026: hittills i år (delår)", right-aligned at (x, y), one line per year."""
    parts = []
    for row, year in enumerate(partial_years):
        line_y = y + 13 * row
        parts.append(
            _svg(
                '<circle cx="{}" cy="{}" r="4" fill="#fff" stroke="{}" stroke-width="2"/>'
                '<text x="{}" y="{}" text-anchor="end" fill="{}" class="fs-chart__partial">{}</text>',
                x - 4,
                line_y - 4,
                LINE,
                x - 12,
                line_y,
                INK,
                year_rules.legend(year),
            )
        )
    return parts


def ranking_bars(
    rows: Sequence[tuple[str, float | None]],
    *,
    title: str,
    unit_label: str,
    average: float | None,
    chart_id: str,
    width: int = 640,
    partial_year: int | None = None,
) -> SafeString:
    """Horizontal bars, one per municipality in the given order, with the county average as a line.
    ``partial_year``: the year shown is not over; the bars are hollow and a legend says so."""
    row_h, left, right, top = 18, 130, 60, 34
    height = top + row_h * len(rows) + 16
    values = [v for _n, v in rows if v is not None]
    top_value = _nice_max(max([*values, average or 0]) if values else 1.0)
    plot_w = width - left - right

    def x_of(value: float) -> float:
        return left + plot_w * value / top_value

    parts = [
        _svg(
            '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {} {}" width="{}" height="{}" role="img" '
            'aria-labelledby="{}-t" class="fs-chart" font-family="{}" font-size="11">',
            width,
            height,
            width,
            height,
            chart_id,
            FONT,
        ),
        _svg('<title id="{}-t">{}</title>', chart_id, title),
        _svg('<text x="{}" y="14" fill="{}">{}</text>', left, MUTED, unit_label),
        *_partial_legend([partial_year] if partial_year is not None else [], x=width - 4, y=14),
    ]
    # A year not over: hollow bars (an outline), like the hollow point of the time series.
    fill, stroke = ("#fff", LINE) if partial_year is not None else (LINE, "none")
    for i, (name, value) in enumerate(rows):
        y = top + i * row_h
        parts.append(
            _svg('<text x="{}" y="{:.1f}" text-anchor="end" fill="{}">{}</text>', left - 6, y + 12, INK, name[:22])
        )
        if value is None:
            parts.append(_svg('<text x="{}" y="{:.1f}" fill="{}">..</text>', left + 4, y + 12, MUTED))
            continue
        parts.append(
            _svg(
                '<rect x="{}" y="{:.1f}" width="{:.1f}" height="{}" fill="{}" stroke="{}" stroke-width="1.5"/>'
                '<text x="{:.1f}" y="{:.1f}" fill="{}">{}</text>',
                left,
                y + 2,
                max(1.0, x_of(value) - left),
                row_h - 5,
                fill,
                stroke,
                x_of(value) + 4,
                y + 12,
                INK,
                fmt(value),
            )
        )
    if average is not None:
        x = x_of(average)
        parts.append(
            _svg(
                '<line x1="{:.1f}" y1="{}" x2="{:.1f}" y2="{}" stroke="{}" stroke-width="2" stroke-dasharray="6 3"/>'
                '<text x="{:.1f}" y="{}" text-anchor="middle" fill="{}" font-weight="600">{}</text>',
                x,
                top - 6,
                x,
                height - 12,
                AVERAGE,
                x,
                top - 10,
                INK,
                _("County: %(value)s") % {"value": fmt(average)},
            )
        )
    parts.append(mark_safe("</svg>"))
    return format_html_join("", "{}", ((p,) for p in parts))


def markers_for(periods, *, first_year: int, last_year: int, break_years: Sequence[int] = ()) -> list[Marker]:
    """Markers from the coordinator periods (start, end, absences) and definition breaks."""
    lo, hi = datetime.date(first_year, 1, 1), datetime.date(last_year, 12, 31)
    markers: list[Marker] = []
    for period in periods:
        if lo <= period.start <= hi:
            markers.append(
                Marker("start", period.start, _("Coordinator starts %(d)s") % {"d": period.start.isoformat()})
            )
        if period.end and lo <= period.end <= hi:
            markers.append(Marker("end", period.end, _("Coordinator leaves %(d)s") % {"d": period.end.isoformat()}))
        for start, end, _kind in period.absences:
            if end >= lo and start <= hi:
                markers.append(Marker("absence", max(start, lo), _("Absence"), until=min(end, hi)))
    for year in break_years:
        if first_year < year <= last_year:
            markers.append(Marker("break", datetime.date(year, 1, 1), _("New definition %(y)s") % {"y": year}))
    return sorted(markers, key=lambda m: m.day)


def event_study_chart(points: Sequence[tuple[int, float, float, float]], *, title: str) -> SafeString:
    """The event study: per year since the start, the estimate (per cent) as a point with its
    interval as a vertical bar; zero as a line, the start as a dashed line with a label. Values are
    written beside their points; the page follows it with the same numbers in a table."""
    width, height, left, right, top, bottom = 640, 300, 56, 16, 24, 44
    if not points:
        return mark_safe("")
    xs = [p[0] for p in points]
    low = min(0.0, *[p[2] for p in points])
    high = max(0.0, *[p[3] for p in points])
    span = (high - low) or 1.0
    low, high = low - span * 0.08, high + span * 0.08
    x_min, x_max = min(xs) - 0.5, max(xs) + 0.5

    def x(v):
        return left + (v - x_min) / (x_max - x_min) * (width - left - right)

    def y(v):
        return top + (high - v) / (high - low) * (height - top - bottom)

    parts = [
        _svg(
            '<line x1="{:.1f}" y1="{:.1f}" x2="{:.1f}" y2="{:.1f}" stroke="{}" stroke-width="1"/>',
            float(left),
            y(0.0),
            float(width - right),
            y(0.0),
            MUTED,
        ),
        _svg(
            '<text x="{:.1f}" y="{:.1f}" font-size="12" fill="{}" text-anchor="end">0 %</text>',
            float(left - 6),
            y(0.0) + 4,
            INK,
        ),
        _svg(
            '<line x1="{:.1f}" y1="{:.1f}" x2="{:.1f}" y2="{:.1f}" stroke="{}" stroke-dasharray="6 4"/>',
            x(-0.5),
            float(top),
            x(-0.5),
            float(height - bottom),
            AVERAGE,
        ),
        _svg(
            '<text x="{:.1f}" y="{:.1f}" font-size="12" fill="{}">{}</text>',
            x(-0.5) + 4,
            float(top - 8),
            INK,
            _("Start"),
        ),
    ]
    for e, estimate, lower, upper in points:
        parts.append(
            _svg(
                '<line x1="{:.1f}" y1="{:.1f}" x2="{:.1f}" y2="{:.1f}" stroke="{}" stroke-width="2"/>',
                x(e),
                y(upper),
                x(e),
                y(lower),
                LINE,
            )
        )
        parts.append(_svg('<circle cx="{:.1f}" cy="{:.1f}" r="4" fill="{}"/>', x(e), y(estimate), LINE))
        parts.append(
            _svg(
                '<text x="{:.1f}" y="{:.1f}" font-size="11" fill="{}">{}</text>',
                x(e) + 6,
                y(estimate) - 6,
                INK,
                fmt(estimate, 0),
            )
        )
        parts.append(
            _svg(
                '<text x="{:.1f}" y="{:.1f}" font-size="12" fill="{}" text-anchor="middle">{}</text>',
                x(e),
                float(height - bottom + 18),
                INK,
                str(e),
            )
        )
    parts.append(
        _svg(
            '<text x="{:.1f}" y="{:.1f}" font-size="12" fill="{}" text-anchor="middle">{}</text>',
            (left + width - right) / 2,
            float(height - 6),
            INK,
            _("Years since the start"),
        )
    )
    return format_html(
        '<svg class="fs-chart" viewBox="0 0 {} {}" role="img" aria-label="{}" xmlns="http://www.w3.org/2000/svg">'
        "<title>{}</title>{}</svg>",
        width,
        height,
        title,
        title,
        mark_safe("".join(parts)),  # noqa: S308 - every part is built by format_html
    )
