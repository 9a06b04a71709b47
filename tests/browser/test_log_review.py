"""A manager completes a month's log review in the demo (ADR 0039): `demo.chef` opens
*Loggkontroll*, draws last month's review of Åstad, sees its flags, judges every drawn read and
signs; the pages pass axe at a laptop's and a phone's width. Then asks who has read a record."""

import re

from playwright.sync_api import expect

from tests.browser.conftest import assert_accessible
from tests.browser.test_browser import log_in

PHONE = {"width": 390, "height": 844}
LAPTOP = {"width": 1366, "height": 768}


def _both_widths(page, name):
    for label, size in (("laptop", LAPTOP), ("phone", PHONE)):
        page.set_viewport_size(size)
        assert_accessible(page, f"{name}-{label}")
    page.set_viewport_size(LAPTOP)


def test_a_manager_completes_a_months_log_review(page):
    log_in(page, "demo.socialsekreterare")
    notice = page.locator("section", has=page.get_by_role("heading", name="Dina läsningar loggas och granskas"))
    notice.get_by_role("link", name="Rutinen för loggkontroll i Åstad").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Dina läsningar loggas och granskas: Åstad")
    _both_widths(page, "log-review-routine")

    log_in(page, "demo.chef")
    expect(page.locator("main")).to_contain_text("Granska åtkomstloggen för Åstad")  # the reminder
    page.get_by_role("navigation", name="Huvudmeny").get_by_role("link", name="Loggkontroll").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Loggkontroll: Åstad")
    _both_widths(page, "log-review-index")
    page.get_by_role("button", name=re.compile("^Dra granskningen av ")).first.click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Loggkontroll i Åstad")
    main = page.locator("main")
    for flag in (
        "Ett ärende utanför läsarens enhet",
        "Syftet ”annat”",
        "Många läsningar på kort tid",
        "Ett ärende med skyddade personuppgifter",
        "Läsaren hade ingen roll i kommunen den dagen",
        "Ett nekat försök",
        "I det slumpvisa urvalet",
    ):
        expect(main.get_by_role("link", name=re.compile("^" + re.escape(flag)))).to_be_visible()
    _both_widths(page, "log-review-review")

    # Signing before every read is judged is refused.
    page.get_by_role("button", name="Signera granskningen").click()
    expect(main).to_contain_text("av de dragna läsningarna är inte granskade än")

    forms = page.locator("form.fs-mark")
    total = forms.count()
    assert total >= 7
    for i in range(total):
        row = page.locator("tr", has=page.locator("form.fs-mark")).nth(i)
        form = row.locator("form.fs-mark")
        if "utanför läsarens enhet" in row.inner_text():
            form.get_by_label("Följs upp").check()
            form.get_by_label("Anmärkning").fill("Samtal med handläggaren om behörighet.")
        else:
            form.get_by_label("Befogad").check()
        form.get_by_role("button", name=re.compile("^Spara bedömningen")).click()
        expect(main).to_contain_text(re.compile(r"Läsning #\d+: (Befogad|Följs upp)\."))
    expect(main.locator("tbody td strong")).to_have_count(total)  # every drawn read has its verdict
    page.get_by_label("Slutsats").fill("En läsning följs upp med handläggaren.")
    page.get_by_role("button", name="Signera granskningen").click()
    expect(main).to_contain_text("Granskningen är signerad.")
    expect(main).to_contain_text("Signerad av Lars Öberg")
    _both_widths(page, "log-review-signed")

    page.get_by_role("link", name="Loggkontroll").first.click()
    page.get_by_role("link", name=re.compile("^Loggkontrollen ")).first.click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Loggkontrollen i Åstad")
    _both_widths(page, "log-review-year")

    page.get_by_role("link", name="Vem har läst detta?").first.click()
    page.get_by_label("Dess nummer").fill("1")
    page.get_by_role("button", name="Fråga loggen").click()
    expect(page.get_by_role("status")).to_contain_text("poster")
    _both_widths(page, "log-review-who-read")
