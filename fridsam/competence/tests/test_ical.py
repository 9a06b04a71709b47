"""The iCalendar feed's text cannot write lines of its own (RFC 5545 §3.1, §3.3.11)."""

import datetime
from types import SimpleNamespace

import pytest
from hypothesis import given
from hypothesis import strategies as st

from fridsam.competence import ical

START = datetime.datetime(2026, 12, 10, 9, tzinfo=datetime.UTC)


def _event(**fields):
    base = {
        "uid": "e1",
        "starts_at": START,
        "ends_at": START + datetime.timedelta(hours=2),
        "title": "Utbildning",
        "place": "",
        "why": "",
        "description": "",
        "url": "",
    }
    return SimpleNamespace(**{**base, **fields})


def _unfolded_lines(text: str) -> list[str]:
    assert text.endswith("\r\n")
    return text.replace("\r\n ", "").split("\r\n")[:-1]


@pytest.mark.parametrize("breaker", ["\r", "\n", "\r\n", "\u2028", "\u2029", "\x0b", "\x0c", "\x85"])
def test_a_line_break_of_any_kind_in_a_text_does_not_start_a_property(breaker):
    evil = f"Möte{breaker}ATTENDEE:mailto:x@example.com{breaker}END:VEVENT"
    feed = ical.calendar([_event(title=evil, place=evil, description=evil)], name=evil)
    lines = _unfolded_lines(feed)
    assert not any(line.startswith(("ATTENDEE", "END:VEVENT\\")) for line in lines)
    assert [line for line in lines if line == "END:VEVENT"] == ["END:VEVENT"]
    assert "\r" not in feed.replace("\r\n", "")
    assert "\n" not in feed.replace("\r\n", "")


@given(st.text())
def test_every_content_line_is_free_of_control_characters(text):
    feed = ical.calendar([_event(title=text, place=text, why=text, description=text, uid=text, url=text)], name=text)
    for line in _unfolded_lines(feed):
        assert not any((ord(c) < 0x20 and c != "\t") or 0x7F <= ord(c) < 0xA0 for c in line), repr(line)
    names = [line.split(":", 1)[0] for line in _unfolded_lines(feed)]
    assert names.count("BEGIN") == 2 and names.count("END") == 2
