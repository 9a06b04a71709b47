"""Åstad's archivist previews the month's culling and signs it off: the records closed more than
five years ago are gone, and the statistics pages show the same figures (ADR 0031); the account of
the social worker who left more than five years ago is counted and removed (ADR 0040)."""

import datetime
import re

from playwright.sync_api import expect

from tests.browser.conftest import assert_accessible
from tests.browser.test_browser import log_in
from tests.browser.test_layout import CLIPPED_TABLES, SIDEWAYS, UNANNOUNCED_SCROLLS


def _statistics(page) -> list[str]:
    """The figures of Åstad's statistics page and of the county's comparison for the years the
    demo's old records count in (the tables' text)."""
    shown = []
    log_in(page, "demo.chef")
    page.goto(page.base_url + "/kommuner/9901/statistik/")
    shown.append(page.locator("main table").all_inner_texts())
    log_in(page, "demo.lansanalytiker")
    year = datetime.date.today().year
    for y in range(year - 7, year - 4):
        page.goto(page.base_url + f"/lan/99/statistik/?ar={y}")
        expect(page.get_by_role("heading", level=1)).to_be_visible()
        shown.append(page.locator("main table").all_inner_texts())
    return shown


def _check_both_widths(page, name, table=None):
    """axe at a laptop's width and a phone's; with ``table``, that table is shown at both, the page
    does not scroll sideways, and the table's right edge can be reached (as test_layout checks the
    tour's pages)."""
    for width, height in ((1366, 900), (390, 844)):
        page.set_viewport_size({"width": width, "height": height})
        if table is not None:
            page.wait_for_load_state()  # tables.js has run
            table.scroll_into_view_if_needed()
            expect(table).to_be_visible()
            scroll_width, inner = page.evaluate(SIDEWAYS)
            assert scroll_width <= inner, f"{page.url} scrolls sideways at {inner} px: {scroll_width} px wide"
            assert page.evaluate(CLIPPED_TABLES) == [], f"{page.url}: tables cut off at {width} px"
            assert page.evaluate(UNANNOUNCED_SCROLLS)["unannounced"] == [], f"{page.url}: tables scroll unannounced"
        assert_accessible(page, f"{name}-{width}")
    page.set_viewport_size({"width": 1366, "height": 900})


LEAVERS = "Personal som har slutat, deras konton och när de tas bort"


def test_the_archivist_previews_and_signs_off_the_months_culling(page, server_shell):
    old = "from fridsam.followup.models import FollowUpRecord as R; from fridsam.core.tenancy import unscoped\n"
    old += "import datetime\nwith unscoped(): print(R.objects.filter(municipality__code='9901', status='closed', "
    old += "closed_on__lt=datetime.date.today().replace(day=1) - datetime.timedelta(days=5*366)).count())"
    assert int(server_shell(old)) > 0
    before = _statistics(page)

    log_in(page, "demo.arkivarie")
    page.get_by_role("navigation", name="Huvudmeny").get_by_role("link", name="Bevarande och gallring").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Bevarande och gallring: Åstad")
    # The staff who have left (ADR 0040): the demo's leaver, her last day and the month her account
    # goes; the table checked with the page at both widths.
    leavers = page.get_by_role("table", name=LEAVERS)
    row = leavers.get_by_role("row").filter(has_text="Berit Sandell")
    expect(row).to_have_count(1)
    expect(row.get_by_role("cell").nth(2)).to_have_text(re.compile(r"^\d{4}-\d{2}-\d{2}$"))
    expect(row.get_by_role("cell").nth(3)).to_have_text(re.compile(r"^\d{4}-\d{2}$"))
    _check_both_widths(page, "retention-overview", leavers)
    page.get_by_role("button", name="Förhandsvisa månadens gallring").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Förhandsvisning av gallring: Åstad")
    table = page.get_by_role("table", name=re.compile("Vad som ska gallras"))
    expect(table).to_contain_text("Uppföljningsärenden med insatser och bedömningar")
    expect(table).to_contain_text("Personalkonton efter att personen slutat")
    expect(page.locator("#run-summary")).to_contain_text("1 personalkonto")
    expect(page.locator("#run-status")).to_have_text("Väntar på beslut")
    _check_both_widths(page, "retention-preview")

    page.get_by_role("button", name="Besluta om gallringen").click()
    expect(page.locator("body")).to_contain_text("Gallringen beslutades.")
    expect(page.get_by_role("heading", level=1)).to_contain_text("Gallringsprotokoll: Åstad")
    expect(page.locator("#run-status")).to_have_text("Gallrad")
    expect(page.locator("#run-summary")).to_contain_text("Gallrat:")
    expect(page.locator("#run-summary")).to_contain_text("1 personalkonto")
    expect(page.locator("body")).to_contain_text("Greta Arkell")
    _check_both_widths(page, "retention-protocol")

    # Her account is removed: the table no longer lists her, and still passes at both widths.
    page.goto(page.base_url + "/kommuner/9901/gallring/")
    expect(leavers).not_to_contain_text("Berit Sandell")
    _check_both_widths(page, "retention-overview-after", leavers)

    assert int(server_shell(old)) == 0
    assert _statistics(page) == before

    # Holds: the form and the list.
    log_in(page, "demo.arkivarie")
    page.goto(page.base_url + "/kommuner/9901/gallring/sparrar/ny/")
    _check_both_widths(page, "retention-hold-form")
    page.get_by_label("Slag av information").select_option(label="Konsultationer med svar")
    page.get_by_label("Skäl").select_option(label="Lex Sarah-ärende")
    page.get_by_role("button", name=re.compile("Spara")).click()
    expect(page.locator("body")).to_contain_text("Gallringsspärren lades.")
    expect(page.get_by_role("table", name="Gällande gallringsspärrar")).to_contain_text("Lex Sarah-ärende")


def test_a_manager_sees_who_can_take_over_from_someone_who_leaves(page):
    log_in(page, "demo.chef")
    page.get_by_role("navigation", name="Huvudmeny").get_by_role("link", name="När personal slutar").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("När personal slutar: Åstad")
    _check_both_widths(page, "staff-leaving")
    page.get_by_role("table").get_by_role("link").first.click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("slutar i Åstad")
    expect(page.get_by_label("Lämna över arbetet till")).to_be_visible()
    _check_both_widths(page, "staff-leaving-form")
