"""iCalendar (RFC 5545) for the events feed, written by hand: a handful of properties, escaped and
folded as the standard asks."""

from __future__ import annotations

import datetime

from django.utils import timezone

# Control characters other than the tab may not appear in a content line (RFC 5545 §3.3.11); a
# bare CR or LF would end the line and let the text write properties of its own.
_CONTROLS = {c: None for c in [*range(0x00, 0x09), *range(0x0A, 0x20), *range(0x7F, 0xA0)]}


def _escape(text: str) -> str:
    """A TEXT value: backslash, semicolon and comma escaped, every line break (CRLF, CR, LF, and
    Unicode's line and paragraph separators) written as \\n, other control characters dropped."""
    text = (text or "").replace("\r\n", "\n").replace("\r", "\n").replace("\u2028", "\n").replace("\u2029", "\n")
    escaped = text.replace("\\", "\\\\").replace(";", "\\;").replace(",", "\\,").replace("\n", "\\n")
    return escaped.translate(_CONTROLS)


def _plain(value: str) -> str:
    """A value that is not TEXT (UID, URL): no control character at all."""
    return str(value or "").translate(_CONTROLS)


def _fold(line: str) -> str:
    """Lines longer than 75 octets are folded with CRLF and a space (never inside a character)."""
    out, current = [], b""
    for char in line:
        encoded = char.encode("utf-8")
        if len(current) + len(encoded) > (75 if not out else 74):
            out.append(current.decode("utf-8"))
            current = b""
        current += encoded
    out.append(current.decode("utf-8"))
    return "\r\n ".join(out)


def _utc(moment: datetime.datetime) -> str:
    return moment.astimezone(datetime.UTC).strftime("%Y%m%dT%H%M%SZ")


def calendar(events, *, name: str) -> str:
    lines = [
        "BEGIN:VCALENDAR",
        "VERSION:2.0",
        "PRODID:-//Fridsam//Events//SV",
        "CALSCALE:GREGORIAN",
        "METHOD:PUBLISH",
        f"X-WR-CALNAME:{_escape(str(name))}",
    ]
    stamp = _utc(timezone.now())
    for e in events:
        description = "\n\n".join(part for part in (e.why, e.description, e.url) if part)
        lines += [
            "BEGIN:VEVENT",
            f"UID:{_plain(e.uid)}@fridsam",
            f"DTSTAMP:{stamp}",
            f"DTSTART:{_utc(e.starts_at)}",
            f"DTEND:{_utc(e.ends_at)}",
            f"SUMMARY:{_escape(e.title)}",
        ]
        if e.place:
            lines.append(f"LOCATION:{_escape(e.place)}")
        if description:
            lines.append(f"DESCRIPTION:{_escape(description)}")
        if e.url:
            lines.append(f"URL:{_plain(e.url)}")
        lines.append("END:VEVENT")
    lines.append("END:VCALENDAR")
    return "\r\n".join(_fold(line) for line in lines) + "\r\n"
