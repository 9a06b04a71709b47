"""The documents stay true where a test can tell: every decision record has its number, date and
status and is in the index; the architecture map names files that exist."""

import re
from pathlib import Path

import pytest

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
