"""The national language in the demo: Åstad's coordinator opens this year's Öppna jämförelser survey
pre-filled from Fridsam's facts, confirms it and downloads the export; SKR's key figures for Åstad,
computed from its records, are downloaded in the collection format. Each page passes axe at a
laptop's width and a phone's (ADR 0037)."""

import csv
import io
import re
from pathlib import Path

from django.utils import timezone
from playwright.sync_api import expect

from tests.browser.conftest import assert_accessible
from tests.browser.test_browser import log_in

SIZES = {"laptop": {"width": 1366, "height": 768}, "phone": {"width": 390, "height": 844}}


def _accessible_at_both_sizes(page, name):
    for size, viewport in SIZES.items():
        page.set_viewport_size(viewport)
        expect(page.get_by_role("heading", level=1)).to_be_visible()
        assert_accessible(page, f"{name}-{size}")
        width, window = page.evaluate("() => [document.documentElement.scrollWidth, window.innerWidth]")
        assert width <= window + 1, f"{name} scrolls sideways at {size}: {width} > {window}"
    page.set_viewport_size(SIZES["laptop"])


def test_coordinator_confirms_this_years_open_comparisons_and_downloads_them(page):
    year = timezone.localdate().year
    log_in(page, "anna.lind")
    page.goto(page.base_url + "/kommuner/9901/")
    page.get_by_role("link", name="Öppna jämförelser").click()
    page.wait_for_url(page.base_url + f"/kommuner/9901/oppna-jamforelser/{year}/")
    expect(page.get_by_role("heading", level=1)).to_contain_text(f"Öppna jämförelser {year}: Åstad")
    expect(page.locator("#survey-status")).to_contain_text("Inte bekräftat ännu")
    # Pre-filled from the agreements: the police agreement is current, the psychiatry one is not.
    police = page.locator("#q-agreement_police")
    expect(police).to_contain_text("Fridsam föreslår: ja.")
    expect(police.get_by_label("Ja", exact=True)).to_be_checked()
    psychiatry = page.locator("#q-agreement_psychiatry")
    expect(psychiatry.get_by_label("Nej", exact=True)).to_be_checked()
    psychiatry.get_by_text("Underlag i Fridsam").click()
    expect(psychiatry).to_contain_text("Samverkan med vuxenpsykiatrin")
    # Last year's answer named the routine on protected personal data: it answers again.
    expect(page.locator("#q-routine_protected_data")).to_contain_text("Rutin vid våld i nära relationer")
    _accessible_at_both_sizes(page, "open-comparisons")
    # Where Fridsam does not know, the coordinator answers; a changed answer needs its reason.
    for question in page.locator(".fs-question").all():
        if question.locator("input[type=radio]:checked").count() == 0:
            question.get_by_label("Ja", exact=True).check()
    psychiatry.get_by_label("Ja", exact=True).check()
    page.get_by_role("button", name=f"Bekräfta svaren för {year}").click()
    expect(psychiatry).to_contain_text("säg varför")
    assert_accessible(page, "open-comparisons-error")
    psychiatry.get_by_label(re.compile("Varför ditt svar skiljer sig")).fill("Uppföljd i oktober, registreras nu.")
    page.get_by_role("button", name=f"Bekräfta svaren för {year}").click()
    expect(page.locator("body")).to_contain_text(f"Svaren för {year} är bekräftade.")
    expect(page.locator("#survey-status")).to_contain_text("Bekräftat")
    with page.expect_download() as download:
        page.get_by_role("link", name="Ladda ner (CSV)").click()
    text = Path(download.value.path()).read_text(encoding="utf-8-sig")
    rows = list(csv.reader(io.StringIO(text), delimiter=";"))
    assert rows[0][:4] == ["Fråga", "Område", "Frågetext", "Svar"]
    psychiatry_row = next(r for r in rows if "vuxenpsykiatrin" in r[2])
    assert psychiatry_row[3:6] == ["Ja", "Nej", "Uppföljd i oktober, registreras nu."]
    with page.expect_download() as download:
        page.get_by_role("link", name="Ladda ner för den nationella enkäten (Excel)").click()
    assert download.value.suggested_filename == f"oppna-jamforelser-9901-{year}.xlsx"


def test_skr_key_figures_for_astad_are_computed_and_exported(page):
    log_in(page, "anna.lind")
    page.goto(page.base_url + "/kommuner/9901/statistik/")
    page.get_by_role("link", name="SKR:s nyckeltal").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("SKR:s nyckeltal: Åstad")
    section = page.locator("section", has=page.get_by_role("heading", name=re.compile("aktualiserats \\(Fridsam\\)")))
    expect(section.locator("tbody tr").first).to_be_visible()
    # Kolada's own figures stand beside Fridsam's, attributed; Fridsam's are not.
    expect(section).to_contain_text("Källa: Kolada")
    _accessible_at_both_sizes(page, "skr-key-figures")
    with page.expect_download() as download:
        page.get_by_role("link", name="Ladda ner för SKR:s insamling (CSV)").click()
    text = Path(download.value.path()).read_text(encoding="utf-8-sig")
    rows = list(csv.reader(io.StringIO(text), delimiter=";"))
    assert rows[0] == ["kpi", "kommun_id", "kommun", "period", "kon", "antal", "varde", "status"]
    # The demo's records are of the last twelve months: this year holds most of them.
    this_year = str(timezone.localdate().year)
    opened = next(r for r in rows if r[0] == "DEMO-K1" and r[3] == this_year)
    assert opened[1:3] == ["9901", "Åstad"] and opened[4] == "T"
    assert opened[7] == "" and int(opened[5]) > 4 and "," in opened[6]
