"""Every PDF Fridsam makes is tagged (PDF/UA-1, fridsam.core.pdf): marked, with a structure tree in
which its headings and tables (with their header cells) are, its language and its title — read with
pypdf from the PDFs that the views return, as a reader's screen reader would get them."""

from __future__ import annotations

import datetime
import io
from pathlib import Path

import pytest
from django.urls import reverse
from pypdf import PdfReader
from pypdf.generic import ArrayObject, DictionaryObject

from fridsam.core.roles import Role
from fridsam.demo.followup_data import load_demo_instruments
from fridsam.followup import services as followup
from fridsam.organisations.models import MunicipalityPopulation
from fridsam.statistics.models import Indicator, IndicatorValue
from fridsam.tasks.testing import county_pdf

pytestmark = pytest.mark.django_db

ROOT = Path(__file__).resolve().parents[3]
YEAR = 2024
# The modules whose views make a PDF (through fridsam.core.pdf.render_pdf), each checked below.
PDF_MAKERS = {"fridsam/followup/views.py", "fridsam/reports/jobs.py"}


def test_every_view_that_makes_a_pdf_is_checked_here():
    makers = {
        str(path.relative_to(ROOT))
        for path in (ROOT / "fridsam").rglob("*.py")
        if "tests" not in path.parts and path.name != "pdf.py" and "render_pdf(" in path.read_text(encoding="utf-8")
    }
    assert makers == PDF_MAKERS, "a new PDF: add it to the PDFs checked in this file"


def _county_report(login, world):
    client = login(world.own.users[Role.COUNTY_ANALYST])
    county = world.own.county
    title = client.get(reverse("reports:county", args=[county.code, YEAR])).context["report"].title
    return county_pdf(client, county.code, YEAR), title


def _municipality_report(login, world):
    client = login(world.own.users[Role.COORDINATOR])
    code = world.own.municipality.code
    title = client.get(reverse("reports:municipality", args=[code, YEAR])).context["report"].title
    return client.get(reverse("reports:municipality_pdf", args=[code, YEAR])), title


def _assessment(login, world):
    instruments = load_demo_instruments()
    worker = world.own.users[Role.SOCIAL_WORKER]
    record = followup.record_create(
        owner=worker,
        municipality=world.own.municipality,
        unit=world.own.unit,
        reference="IFO-2026-PDF",
        fields={
            "opened_on": datetime.date(2026, 3, 2),
            "route_in": "police",
            "category": "adult_victim",
            "sex": "female",
            "age_band": "25-44",
            "relation": "partner",
            "violence_forms": ["physical"],
            "protected_identity": False,
        },
    )
    version = followup.current_version(instruments["screening"])
    answers = {key: "no" for key in ("s1", "s2", "s3", "s4", "s5")}
    data = followup.AssessmentInput(assessed_on=datetime.date(2026, 3, 4), answers=answers)
    assessment = followup.assessment_save(record=record, version=version, data=data, user=worker)
    response = login(worker).get(reverse("followup:assessment_pdf", args=[record.pk, assessment.pk]))
    return response, instruments["screening"].name


PDFS = {"county-report": _county_report, "municipality-report": _municipality_report, "assessment": _assessment}


def _structure(node, tags: list, figures: list, tables: list) -> None:
    """Every structure element's tag, in document order; the figures and tables among them."""
    node = node.get_object()
    if not isinstance(node, DictionaryObject):
        return
    if "/S" in node:
        tags.append(str(node["/S"]))
        if node["/S"] == "/Figure":
            figures.append(node)
        if node["/S"] == "/Table":
            tables.append(node)
    kids = node.get("/K")
    if kids is None:
        return
    for kid in kids if isinstance(kids, ArrayObject) else [kids]:
        if hasattr(kid, "get_object"):
            _structure(kid, tags, figures, tables)


@pytest.mark.parametrize("make", list(PDFS.values()), ids=list(PDFS))
def test_the_pdf_is_tagged_with_its_language_title_headings_and_table_headers(login, world, make):
    for m in (world.own.municipality, world.neighbour.municipality):
        MunicipalityPopulation.objects.update_or_create(
            municipality=m, year=YEAR, defaults={"total": 20_000, "adults": 16_000}
        )
        IndicatorValue.objects.create(
            municipality=m, indicator=Indicator.objects.get(key="protected_housing"), year=YEAR, count=12
        )
    response, title = make(login, world)
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    reader = PdfReader(io.BytesIO(response.content))
    catalog = reader.trailer["/Root"]

    assert bool(catalog["/MarkInfo"]["/Marked"]) is True
    assert "/StructTreeRoot" in catalog
    assert catalog["/Lang"] == "sv"
    assert reader.metadata.title == title and title
    assert catalog["/ViewerPreferences"]["/DisplayDocTitle"]  # the title, not the file name, in the window

    tags, figures, tables = [], [], []
    _structure(catalog["/StructTreeRoot"], tags, figures, tables)
    assert {"/H1", "/H2", "/Table", "/TH", "/TD"} <= set(tags), sorted(set(tags))
    assert tags.count("/H1") == 1
    for table in tables:  # every table has header cells
        cells = []
        _structure(table, cells, [], [])
        assert "/TH" in cells, cells
    assert all("/Alt" in figure for figure in figures), "every chart has its alternative text"
