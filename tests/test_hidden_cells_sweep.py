"""Every statistics and reports URL, requested as the county analyst and as a national actor's
analyst: no answer depends on a cell the suppression hides from the county (ADR 0010, ADR 0017,
ADR 0042).

Generated from the URLconf like the URL sweep: every named URL of the two apps must say here how
it is requested (its arguments, query strings, forms posted), so a new view, export or form is
swept the day it is written. The figures are those of
:func:`fridsam.statistics.tests.leaks.small_counts`: hidden small counts, cells hidden with them,
a share hidden beside the county's share. Every answer (pages, exports in CSV and Excel, PDFs,
chart titles and labels, messages, forms) is requested twice: with those figures and with their
twin (:func:`~fridsam.statistics.tests.leaks.twin_counts`: other hidden values, the same published
totals). The two must be the same text, since a reader must not be able to tell them apart; and
neither may write a hidden cell (:func:`~fridsam.statistics.tests.leaks.leaks`).
"""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction

from fridsam.core.roles import Role
from fridsam.statistics.tests.leaks import YEARS, hidden_cells, leaks, normalised, small_counts, twin_counts
from fridsam.tasks.testing import task_file
from tests.test_url_sweep import URLS

NAMESPACES = ("statistics", "reports")
FORMATS = ("", "format=csv", "format=xlsx")
HEADER = "kommunkod;kommun;indikator;år;antal;nämnare"


def _query(*parts: str) -> str:
    parts = [p for p in parts if p]
    return "?" + "&".join(parts) if parts else ""


def _file(text: str):
    return SimpleUploadedFile("statistik.csv", f"{HEADER}\n{text}".encode(), content_type="text/csv")


def _municipalities(w):
    return [w.own.municipality.code, w.neighbour.municipality.code]


def _import_files(w):
    code = w.own.municipality.code
    return [
        # "The parts add up to 3" would be the hidden children exposed.
        _file(
            f"{code};Ort;vinr_adults;2024;0;\n{code};Ort;vinr_children_witnessed;2024;0;\n{code};Ort;vinr_all;2024;99999;"
        ),
        # "1 unchanged" would confirm a guess.
        _file(f"{code};Ort;protected_housing;2024;3;"),
    ]


def _ranking(w):
    from fridsam.statistics.models import Indicator

    keys = list(Indicator.objects.filter(is_active=True).values_list("key", flat=True))
    county = {"county_code": w.own.county.code}
    return [("get", county, "", None)] + [
        ("get", county, _query(f"ar={y}", f"indikator={k}", f), None)
        for k in keys
        for y, f in [*((y, "") for y in YEARS), *((2024, f) for f in FORMATS[1:])]
    ]


def _effects(w, *, national: bool):
    """The effect page reads stored estimates: they are computed first, from the figures of this
    run (the world's few municipalities give "too little data", whatever the hidden cells hold)."""
    from fridsam.statistics.effects import NATIONAL, recompute_effects
    from fridsam.statistics.models import Indicator

    recompute_effects(scope=NATIONAL if national else w.own.county.code)
    keys = list(Indicator.objects.filter(is_active=True).values_list("key", flat=True))
    kwargs = {} if national else {"county_code": w.own.county.code}
    return [("get", kwargs, "", None)] + [("get", kwargs, _query(f"indikator={k}"), None) for k in keys]


# name → the requests: (method, URL kwargs, query string, POST data).
REQUESTS = {
    "statistics:index": lambda w: [("get", {}, "", None)],
    "statistics:definitions": lambda w: [("get", {}, "", None)],
    "statistics:import": lambda w: [("get", {}, "", None)] + [("post", {}, "", {"file": f}) for f in _import_files(w)],
    "statistics:import_template": lambda w: [("get", {"kind": k}, "", None) for k in ("csv", "xlsx")],
    "statistics:municipality": lambda w: [
        ("get", {"municipality_code": c}, _query(f), None) for c in _municipalities(w) for f in FORMATS
    ],
    "statistics:enter_year": lambda w: [
        (method, {"municipality_code": c, "year": y}, "", data)
        for c in _municipalities(w)
        for y in (2024, 2025)
        for method, data in (("get", None), ("post", {"vinr_all__count": "99999"}))
    ],
    "statistics:observations": lambda w: [
        (method, {"municipality_code": c}, "", data)
        for c in _municipalities(w)
        for method, data in (
            ("get", None),
            ("post", {"area": "knowledge", "source_type": "manager", "observed_on": "2024-05-01", "text": "Bättre."}),
        )
    ],
    "statistics:county": lambda w: (
        [("get", {"county_code": w.own.county.code}, "", None)]
        + [("get", {"county_code": w.own.county.code}, _query(f"ar={y}", f), None) for y in YEARS for f in FORMATS]
    ),
    "statistics:ranking": _ranking,
    "statistics:effects": lambda w: _effects(w, national=False),
    "statistics:national_effects": lambda w: _effects(w, national=True),
    "statistics:skr_municipality": lambda w: (
        [
            ("get", {"municipality_code": c}, _query(f), None)
            for c in _municipalities(w)
            for f in (*FORMATS, "format=json")
        ]
        + [
            ("post", {"municipality_code": c}, "", {"key_figures": ["skr_adults_actualised"]})
            for c in _municipalities(w)
        ]
    ),
    "statistics:skr_county": lambda w: [
        ("get", {"county_code": w.own.county.code}, _query(f"ar={y}", f), None)
        for y in YEARS
        for f in (*FORMATS, "format=json")
    ],
    "reports:county_latest": lambda w: [("get", {"county_code": w.own.county.code}, "", None)],
    "reports:county": lambda w: [("get", {"county_code": w.own.county.code, "year": y}, "", None) for y in YEARS],
    "reports:county_pdf": lambda w: [
        (method, {"county_code": w.own.county.code, "year": 2024}, "", data)
        for method, data in (("get", None), ("post", {}))
    ],
    "reports:county_text": lambda w: [
        (method, {"county_code": w.own.county.code, "year": 2024}, "", data)
        for method, data in (("get", None), ("post", {"foreword": "Förord.", "conclusions": "Slutsatser."}))
    ],
    "reports:municipality": lambda w: [
        ("get", {"municipality_code": c, "year": y}, "", None) for c in _municipalities(w) for y in YEARS
    ],
    "reports:municipality_pdf": lambda w: [
        ("get", {"municipality_code": c, "year": 2024}, "", None) for c in _municipalities(w)
    ],
    "reports:municipality_text": lambda w: [
        (method, {"municipality_code": c, "year": 2024}, "", data)
        for c in _municipalities(w)
        for method, data in (("get", None), ("post", {"foreword": "Förord.", "conclusions": "Slutsatser."}))
    ],
}

SWEPT = [(name, pattern) for name, pattern in URLS if name.split(":")[0] in NAMESPACES]


def _answers(client, name, world) -> dict[str, tuple[int, str, list[str]]]:
    """URL → status, the answer as text and what it writes of the hidden cells. Run in a savepoint
    rolled back afterwards, so that what a POST saves does not change the next run."""
    from django.urls import reverse

    hidden = hidden_cells(world.own.county)
    answers = {}
    savepoint = transaction.savepoint()
    try:
        for method, kwargs, query, data in REQUESTS[name](world):
            url = reverse(name, kwargs=kwargs) + query
            if method == "get":
                response = client.get(url, follow=True)
            else:
                url = f"POST {url}"
                response = client.post(url.removeprefix("POST "), data, follow=True)
                response = task_file(client, response)  # the file of a task it queued (ADR 0029)
            assert response.status_code < 500, f"{url} answered {response.status_code}"
            answers[url] = (response.status_code, normalised(response), leaks(response, hidden, small=False))
    finally:
        transaction.savepoint_rollback(savepoint)
    return answers


def _differences(first: dict, second: dict) -> list[str]:
    import difflib

    found = []
    for url, (status, text, _leaks) in first.items():
        other_status, other_text, _other = second[url]
        if (status, text) != (other_status, other_text):
            diff = difflib.unified_diff(text.splitlines(), other_text.splitlines(), lineterm="", n=0)
            lines = [line for line in diff if line[:1] in "+-" and line[:3] not in ("+++", "---")]
            found.append(f"{url} ({status}/{other_status}) depends on the hidden cells:\n  " + "\n  ".join(lines[:6]))
    return found


def test_every_statistics_and_reports_url_is_swept():
    names = {name for name, _pattern in SWEPT}
    assert names, "no statistics or reports URLs found"
    missing = names - set(REQUESTS)
    assert not missing, f"say in REQUESTS of {__file__} how these are requested: {sorted(missing)}"
    assert not set(REQUESTS) - names, f"stale entries: {sorted(set(REQUESTS) - names)}"


# Who reads: the county's analyst, and the national analyst, who reads the estimate over every
# municipality (the world's three, the own county's hidden cells among them) and nothing else.
READERS = {
    "county_analyst": lambda w: w.own.users[Role.COUNTY_ANALYST],
    "national_analyst": lambda w: w.national,
}


@pytest.mark.django_db
@pytest.mark.parametrize("reader", list(READERS))
@pytest.mark.parametrize(("name", "pattern"), SWEPT, ids=[n for n, _ in SWEPT])
def test_no_reader_is_ever_sent_a_hidden_cell(world, client, name, pattern, reader):
    small_counts(world)
    before = {h.where for h in hidden_cells(world.own.county)}
    world.act_as(client, READERS[reader](world))
    first = _answers(client, name, world)
    twin_counts(world)
    assert {h.where for h in hidden_cells(world.own.county)} == before, "the twin must hide the same cells"
    second = _answers(client, name, world)
    written = [
        f"{url}: {leak}" for answers in (first, second) for url, (_s, _t, found) in answers.items() for leak in found
    ]
    problems = written + _differences(first, second)
    assert not problems, "\n".join(problems)


@pytest.mark.django_db
def test_the_sweep_sees_a_hidden_cell_where_one_is_shown(world, client):
    """The own coordinator sees the own municipality's figures exactly: the same comparison finds
    them there, so a clean answer to the county means something."""
    small_counts(world)
    own = [h for h in hidden_cells(world.own.county) if world.own.municipality.name in h.where]
    world.act_as(client, world.own.users[Role.COORDINATOR])
    first = _answers(client, "statistics:municipality", world)
    assert any(found for _s, _t, found in first.values())  # 3 av 51, wherever it is
    twin_counts(world)
    second = _answers(client, "statistics:municipality", world)
    code = world.own.municipality.code
    differing = _differences(first, second)
    for query in FORMATS:
        assert any(d.startswith(f"/kommuner/{code}/statistik/{_query(query)} (") for d in differing), query
    assert own
