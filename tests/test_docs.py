"""The documents stay true where a test can tell: every decision record has its number, date and
status and is in the index; the architecture map names files that exist; the README's demo tour
is the one its browser test follows."""

import ast
import re
from pathlib import Path

import pytest

from fridsam.demo import data

ROOT = Path(__file__).resolve().parents[1]
ADR = ROOT / "docs" / "adr"
RECORDS = sorted(ADR.glob("[0-9][0-9][0-9][0-9]-*.md"))
STATUS = re.compile(r"^Date: (\d{4}-\d{2}-\d{2}) · Status: (accepted|proposed|superseded by \S+)(\b.*)?$")


def test_the_records_are_numbered_without_gaps():
    numbers = [int(p.name[:4]) for p in RECORDS]
    assert numbers == list(range(1, len(numbers) + 1))


@pytest.mark.parametrize("record", RECORDS, ids=lambda p: p.name[:4])
def test_every_record_has_its_title_date_and_status(record):
    lines = record.read_text(encoding="utf-8").splitlines()
    assert re.match(rf"^# {int(record.name[:4])}\. \S", lines[0]), lines[0]
    meta = [line for line in lines[:4] if line.startswith("Date:")]
    assert meta and STATUS.match(meta[0]), f"{record.name}: needs 'Date: YYYY-MM-DD · Status: …'"


@pytest.mark.parametrize("record", RECORDS, ids=lambda p: p.name[:4])
def test_every_record_is_in_the_index(record):
    assert f"]({record.name})" in (ADR / "README.md").read_text(encoding="utf-8")


def test_the_architecture_map_names_files_that_exist():
    text = (ROOT / "docs" / "architecture.md").read_text(encoding="utf-8")
    named = set(re.findall(r"`((?:fridsam|tests|config|docs)/[\w/.-]+\.(?:py|md|json))`", text))
    assert named, "the map names files"
    missing = sorted(n for n in named if not (ROOT / n).exists())
    assert missing == []


def test_links_between_documents_resolve():
    for document in [ROOT / "README.md", *(ROOT / "docs").rglob("*.md")]:
        for target in re.findall(r"\]\(((?!https?:|#|mailto:)[^)#\s]+)", document.read_text(encoding="utf-8")):
            assert (document.parent / target).exists(), f"{document.relative_to(ROOT)} links to {target}"


TOUR_TEST = ROOT / "tests" / "browser" / "test_readme_tour.py"
USERNAME = r"(?<![\w.])([a-z]+\.[a-z]+)(?![\w])"


def _readme_tour() -> str:
    """The README's tour of the demo: from "What to look at in the demo" to the reminders."""
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    start = text.index("What to look at in the demo")
    return text[start : text.index("\n\nReminders", start)]


def _demo_usernames(tour: str) -> set[str]:
    """The demo's accounts: those of fridsam.demo.data and every username the tour writes as code."""
    return {person[0] for person in data.PEOPLE} | {
        name for name in re.findall(r"`([^`\s]+)`", tour) if re.fullmatch(USERNAME, name)
    }


def _tour_test_strings() -> list[str]:
    """The string constants of the tour's browser test, in the order they are written."""
    tree = ast.parse(TOUR_TEST.read_text(encoding="utf-8"))
    found = [n for n in ast.walk(tree) if isinstance(n, ast.Constant) and isinstance(n.value, str)]
    return [n.value for n in sorted(found, key=lambda n: (n.lineno, n.col_offset))]


def test_the_readme_tour_names_only_what_its_browser_test_uses():
    """Every username, reference and address the tour gives a reader (`in backticks`) is used by
    tests/browser/test_readme_tour.py, and so is every demo account it names."""
    tour, used = _readme_tour(), set(_tour_test_strings())
    named = set(re.findall(r"`([^`\s]+)`", tour))
    named |= set(re.findall(USERNAME, tour)) & _demo_usernames(tour)
    assert named >= {"demo.lansanalytiker", "demo.socialsekreterare", "DEMO-9901-0001"}, named  # the tour is found
    assert sorted(named - used) == [], "the README's tour names these; its browser test does not use them"


def test_the_readme_tour_and_its_browser_test_meet_the_accounts_in_the_same_order():
    """The accounts, in the order the tour names them, come in that order in the test too (which
    may log in again in between)."""
    tour = _readme_tour()
    usernames = _demo_usernames(tour)
    in_tour = [name for name in re.findall(USERNAME, tour) if name in usernames]
    in_test = iter([s for s in _tour_test_strings() if s in usernames])
    missing = [name for name in in_tour if name not in in_test]  # consumes in_test: a subsequence
    assert missing == [], f"the test does not follow the tour's order from {missing[0] if missing else ''}"
