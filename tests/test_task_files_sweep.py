"""No client's name or personal identity number, in any typographic form, in what the background
tasks produce (ADR 0029): their files — a report's PDF read as its text, CSV, JSON, text, a
workbook, the members of a ZIP — what a task keeps for its page (an import's problems, a command's
output, why it failed), and the archive package the monthly culling writes (ADR 0031).

A client's identity is planted wherever a person could type it: the case reference of a record
(the journal system's, which may hold the client's name: only its keyed hash is kept; a number is
refused), the cells, headings and name of an uploaded file. Every registered kind of task is
swept: a new kind fails the last test until it is added here."""

from __future__ import annotations

import io
import json
import re
import unicodedata
import zipfile
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone
from openpyxl import Workbook, load_workbook
from pypdf import PdfReader

from fridsam.core.models import AccessAction, AccessLogEntry
from fridsam.core.pdf import render_pdf
from fridsam.core.roles import Role
from fridsam.core.validators import find_personal_identity_numbers, normalise
from fridsam.reports.jobs import COUNTY_PDF
from fridsam.retention import services as retention
from fridsam.retention.models import Action, CullingRun, Kind, RunStatus
from fridsam.retention.tests.conftest import old_record  # noqa: F401 - records closed long ago
from fridsam.statistics.jobs import IMPORT, REFRESH
from fridsam.tasks import registry, worker
from fridsam.tasks.models import Status, Task
from fridsam.tasks.testing import county_pdf, task_id

pytestmark = pytest.mark.django_db

# Fictional clients, as a journal system writes them: first name first, or surname first.
NAMES = [("Fatima", "Hassan"), ("Lejla", "Ödmark")]
# Personal identity numbers (checksum-valid) in the forms they are typed and pasted in.
NUMBERS = [
    "19121212-1212",
    "121212–1212",
    "121212\u00a01212",
    "121212\u20111212",
    "121212\u22121212",
    "121212\u200b1212",
    "19121212 – 1212",
    "201212121212",
]
# Each name in the forms it is typed and pasted in.
WRITTEN_NAMES = [
    "Fatima Hassan",
    "HASSAN, Fatima",
    "Fatima\u00a0Hassan",
    "Fatima\u200bHassan",
    "Lejla Ödmark",
    "ÖDMARK Lejla",
    "Lejla\u202fO\u0308dmark",  # a narrow no-break space; "Ö" as O and a combining diaeresis
]


def _words(text: str) -> str:
    """The text as words of letters and digits, lower case, one space between: what a name is
    looked for in, whatever its case, spacing, invisible characters or composed letters."""
    folded = normalise(unicodedata.normalize("NFKC", text))[0].casefold()
    return " " + re.sub(r"[\W_]+", " ", folded) + " "


def leaks(text: str) -> list[str]:
    """What in *text* is a client's: any personal identity number, and their names (either order,
    or run together where an invisible separator was dropped)."""
    numbers = find_personal_identity_numbers(text)
    found = [f"personal identity number ({len(numbers)})"] if numbers else []
    words = _words(text)
    for first, last in NAMES:
        first, last = _words(first).strip(), _words(last).strip()
        if any(f" {form} " in words for form in (f"{first} {last}", f"{last} {first}", f"{first}{last}")):
            found.append(f"the name {first} {last}")
    return found


def _strings(value):
    if isinstance(value, dict):
        for key, item in value.items():
            yield str(key)
            yield from _strings(item)
    elif isinstance(value, list | tuple):
        for item in value:
            yield from _strings(item)
    elif value is not None:
        yield str(value)


def texts_of(name: str, data: bytes) -> list[str]:
    """The text of a produced file, by what it is: a PDF's extracted text, a workbook's cells, a
    ZIP's members, JSON's strings (its escapes undone), or the text of CSV and plain text."""
    if data.startswith(b"%PDF"):
        reader = PdfReader(io.BytesIO(data))
        return [page.extract_text() or "" for page in reader.pages] + list(_strings(reader.metadata or {}))
    if data.startswith(b"PK\x03\x04"):
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            if "xl/workbook.xml" in archive.namelist():
                book = load_workbook(io.BytesIO(data), read_only=True)
                return [str(c) for sheet in book for row in sheet.iter_rows(values_only=True) for c in row if c]
            return [t for member in archive.namelist() for t in texts_of(member, archive.read(member))]
    text = data.decode("utf-8-sig")
    if name.endswith(".json"):
        return list(_strings(json.loads(text)))
    return [text]


def task_leaks(task: Task) -> dict[str, list[str]]:
    """Where a task's produced file, its kept outcome and its failure hold a client's identity."""
    found = {}
    parts = [("result", t) for t in _strings(task.result)] + [("failure", task.failure)]
    parts += [("label", task.label), ("input name", task.input_name)]
    if task.result_file:
        with task.result_file.open("rb") as stored:
            data = stored.read()
        parts += [(task.result_name, t) for t in texts_of(task.result_name, data)]
    for where, text in parts:
        if leaked := leaks(text):
            found.setdefault(where, []).extend(leaked)
    return found


def directory_leaks(directory: Path) -> dict[str, list[str]]:
    found = {}
    for path in sorted(p for p in directory.rglob("*") if p.is_file()):
        for text in texts_of(path.name, path.read_bytes()):
            if leaked := leaks(text):
                found.setdefault(path.name, []).extend(leaked)
    return found


# --- The sweep sees what it looks for --------------------------------------------------------


def _workbook(rows) -> bytes:
    book = Workbook()
    for row in rows:
        book.active.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _zip(members: dict[str, bytes]) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        for name, data in members.items():
            archive.writestr(name, data)
    return out.getvalue()


def _pdf(text: str) -> bytes:
    return render_pdf(f'<html lang="sv"><head><title>Rapport</title></head><body><p>{text}</p></body></html>')


@pytest.mark.parametrize("written", [*NUMBERS, *WRITTEN_NAMES])
def test_the_sweep_finds_a_client_in_every_kind_of_file(written):
    clean = "Åstad: 14 ärenden, 3 med barn. Ring 021-10 20 30 eller 070-123 45 67; dnr IFO 2024/1212."
    files = {
        "rapport.pdf": _pdf,
        "fel.csv": lambda t: f"rad;fel\n3;{t}\n".encode(),
        "paket.json": lambda t: json.dumps({"rows": [{"note": t}]}).encode(),  # the escapes of ensure_ascii
        "utdrag.txt": lambda t: t.encode(),
        "lista.xlsx": lambda t: _workbook([["kommun", "anteckning"], ["Åstad", t]]),
        "paket.zip": lambda t: _zip({"a/records.json": json.dumps([t]).encode(), "a/manifest.json": b"{}"}),
    }
    for name, make in files.items():
        assert [leaks(t) for t in texts_of(name, make(clean)) if leaks(t)] == [], name
        found = [leak for t in texts_of(name, make(f"Kontakt: {written}.")) for leak in leaks(t)]
        assert found, f"{name}: {written!r} not found"


def test_a_name_is_found_only_whole():
    assert leaks("Fatima Hassanzadeh och Hassan Ali") == []
    assert leaks("Fatima, Lejla och Ödmarks") == []
    assert leaks("Hassan\nFatima") == ["the name fatima hassan"]


# --- Every kind of task -------------------------------------------------------------------------

# Each registered kind of task, and the test here that runs and sweeps it.
KINDS = {
    COUNTY_PDF: "test_the_county_report_holds_no_client",
    IMPORT: "test_an_import_and_its_problems_hold_no_client",
    REFRESH: "test_an_import_and_its_problems_hold_no_client",
    "command": "test_the_schedules_commands_and_the_archive_package_hold_no_client",
}


def _swept(task: Task) -> Task:
    task.refresh_from_db()
    assert task.status in (Status.DONE, Status.FAILED), task.kind
    assert task_leaks(task) == {}, task.kind
    return task


def _client_records(old_record):  # noqa: F811 - the fixture, passed on
    """Closed records of Åstad from 2019–2020 whose case reference is a client's name (a number is
    refused as a reference, core.references)."""
    references = ["Fatima Hassan", "Hassan.Fatima", "Fatima_Hassan", "Lejla Ödmark", "ÖDMARK:Lejla"]
    return [old_record(reference) for reference in references]


def test_the_county_report_holds_no_client(world, client, old_record):  # noqa: F811
    _client_records(old_record)
    client.force_login(world.own.users[Role.COUNTY_ANALYST])
    assert county_pdf(client, world.own.county.code, 2019).content.startswith(b"%PDF")
    task = _swept(Task.system_objects.filter(kind=COUNTY_PDF).latest("created_at"))
    assert task.status == Status.DONE
    with task.result_file.open("rb") as stored:
        text = " ".join(texts_of(task.result_name, stored.read()))
    assert world.own.municipality.name in text  # the sweep read the report's text


def _upload(name: str, lines: list[str]) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, "\n".join(lines).encode(), content_type="text/csv")


def test_an_import_and_its_problems_hold_no_client(world, client, settings):
    """A client list uploaded by mistake, its names and numbers in every column and heading: the
    problems the task keeps for its page quote what they may, never a client."""
    settings.FRIDSAM_IMPORT_INLINE_BYTES = 10  # every import a task
    client.force_login(world.own.users[Role.COORDINATOR])
    code = world.own.municipality.code
    header = "kommunkod;kommun;indikator;år;antal;nämnare"
    rows = [f"{code};Åstad;protected_housing;2024;x;"]  # a mistake the page may quote
    for written in [*NUMBERS, *WRITTEN_NAMES]:
        rows += [
            f"{written};Åstad;protected_housing;2024;7;",
            f"{code};{written};protected_housing;2024;7;",
            f"{code};Åstad;{written};2024;7;",
            f"{code};Åstad;protected_housing;{written};7;",
            f"{code};Åstad;protected_housing;2024;{written};",
            f"{code};Åstad;screening_rate;2024;3;{written}",
        ]
    files = [
        (f"klienter {NUMBERS[0]}.csv", [header, *rows]),
        ("klienter.csv", [f"kommunkod;{NUMBERS[1]};{WRITTEN_NAMES[0]};indikator;år;antal", f"{code};1;2;x;2024;7"]),
        *((f"{written}.csv", [header, *rows[:7]]) for written in WRITTEN_NAMES),  # named after the client
    ]
    tasks = []
    for name, lines in files:
        response = client.post(reverse("statistics:import"), {"file": _upload(name, lines)})
        task = _swept(Task.system_objects.get(pk=task_id(response)))
        assert task.kind == IMPORT and task.status == Status.FAILED
        page = client.get(response["Location"]).content.decode()
        assert leaks(re.sub(r"<[^>]+>", " ", page)) == [], name
        tasks.append(task)
    problems = [message for _line, message in tasks[0].result["errors"]]
    assert "Antalet ”x” är inte ett heltal." in problems  # what is no client's is still quoted

    # A file that imports, and the suppression computed after it; then one named after a client,
    # which the access log names as "an uploaded file".
    lines = [header, f"{code};Åstad;protected_housing;2024;7;"]
    response = client.post(reverse("statistics:import"), {"file": _upload("statistik.csv", lines)})
    assert _swept(Task.system_objects.get(pk=task_id(response))).status == Status.DONE
    assert _swept(Task.system_objects.filter(kind=REFRESH).latest("created_at")).status == Status.DONE
    lines = [header, f"{code};Åstad;protected_housing;2023;8;"]
    response = client.post(reverse("statistics:import"), {"file": _upload("HASSAN, Fatima.xlsx.csv", lines)})
    task = _swept(Task.system_objects.get(pk=task_id(response)))
    assert task.status == Status.DONE and task.label == "Import av uppladdad fil.csv"
    details = list(AccessLogEntry.objects.filter(action=AccessAction.IMPORT).values_list("detail", flat=True))
    assert any("statistik.csv" in d for d in details) and any("uppladdad fil.csv" in d for d in details)
    assert [d for d in details if leaks(d)] == []


def test_the_schedules_commands_and_the_archive_package_hold_no_client(world, old_record, settings, tmp_path):  # noqa: F811
    """The schedule's commands as tasks, as the schedule queues them: the monthly culling writes
    its archive package (the records' keyed references, never the typed ones) and says what it did."""
    settings.FRIDSAM_ARCHIVE_DIR = tmp_path
    _client_records(old_record)
    municipality, archivist = world.own.municipality, world.own.users[Role.ARCHIVIST]
    retention.rule_save(
        municipality=municipality,
        kind=Kind.FOLLOWUP_RECORD,
        clock="closed",
        months=60,
        action=Action.ARCHIVE,
        basis="",
        acting_user=archivist,
    )
    run = retention.sign_off(run=retention.preview(municipality=municipality, month=timezone.localdate()),
                             acting_user=archivist)  # fmt: skip
    for entry in settings.CELERY_BEAT_SCHEDULE.values():
        if entry["task"] == "fridsam.tasks.scheduled":
            task = _swept(Task.system_objects.get(pk=worker.scheduled(*entry["args"])))
            assert task.kind == "command" and task.status == Status.DONE, (entry["args"], task.failure)
    run = CullingRun.objects.get(pk=run.pk)
    assert run.status == RunStatus.CULLED and run.package
    package = Path(run.package)
    assert (package / "manifest.json").exists() and (package / "followup_record.json").exists()
    assert directory_leaks(package) == {}


def test_every_kind_of_task_is_swept():
    assert set(registry._kinds) == set(KINDS), "a kind of task no test here sweeps, or one no longer registered"
    tests = {name for name, value in globals().items() if name.startswith("test_") and callable(value)}
    assert set(KINDS.values()) <= tests
