"""The README's demo tour, step by step as it is written: each paragraph of "What to look at in
the demo" is one test below, its steps in the README's order and words (quoted in the comments).

The tour runs against a server of its own, with the demo county as `make run` loads it, so that
it finds the demo as a first-time visitor does (the other browser tests change it). The README's
usernames and references are written out here, not read from the README; tests/test_docs.py
fails when the tour names one that this file does not use, or names them in another order.
"""

import re
from pathlib import Path

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import demo_server
from tests.browser.test_browser import log_in


@pytest.fixture(scope="module")
def tour_url(live_url, tmp_path_factory):
    """A fresh demo county for the tour (live_url first: it checks that Chromium and axe-core are there)."""
    with demo_server(tmp_path_factory) as (url, _env):
        yield url


@pytest.fixture(scope="module")
def sessions() -> dict[str, list]:
    """The tour's own logins: its server knows none of the other tests' sessions."""
    return {}


@pytest.fixture
def page(page, tour_url):
    page.base_url = tour_url
    return page


def menu(page, name: str):
    page.get_by_role("navigation", name="Huvudmeny").get_by_role("link", name=name).click()


def section(page, heading: str):
    return page.locator("section", has=page.get_by_role("heading", name=heading, exact=True))


def test_1_the_county_matrix_and_a_municipality_page(page):
    # "log in as `demo.lansanalytiker` and open *Hälsokontroll*"
    log_in(page, "demo.lansanalytiker")
    menu(page, "Hälsokontroll")
    expect(page.get_by_role("heading", level=1)).to_have_text("Hälsokontroll: Frilunds län (demo)")
    # "the county matrix of the ten municipalities against the evaluation's findings"
    matrix = page.get_by_role("table", name="Kommunerna och varje regels bedömning")
    expect(matrix.locator("tbody tr")).to_have_count(10)
    expect(matrix.locator("thead")).to_contain_text("Inte kombinerad med handläggning")
    # "each verdict expandable to its evidence"
    cell = matrix.get_by_role("row", name=re.compile("^Salvik")).locator("td.fs-matrix__cell--risk").first
    cell.locator("summary").click()
    expect(cell.locator(".fs-cell-details__body li")).to_contain_text("handlägger ärenden")
    # "each finding's column heading leading to its source"
    matrix.locator("thead").get_by_role("link", name="HK02").click()
    rule = page.locator("article#HK02")
    expect(rule.get_by_role("heading")).to_have_text("HK02 · Inte kombinerad med handläggning")
    expect(rule).to_contain_text("Källa: ")
    expect(rule.locator("blockquote")).to_be_visible()

    # "as `demo.chef` or `demo.samordnare`, a municipality page shows the coordinator function at a
    # glance, its health check and the yearly questionnaire"
    for username, municipality in (("demo.chef", "Åstad"), ("demo.samordnare", "Fagerås")):
        log_in(page, username)
        menu(page, "Kommuner")
        page.get_by_role("link", name=municipality, exact=True).first.click()
        expect(page.get_by_role("heading", level=1)).to_have_text(municipality)
        expect(page.get_by_role("heading", name="Samordnarfunktionen", exact=True)).to_be_visible()
        expect(page.locator("#samordning")).to_contain_text("Tjänsteandel")
        expect(page.get_by_role("heading", name="Hälsokontroll", exact=True)).to_be_visible()
        expect(section(page, "Samordnarens årliga enkät")).to_contain_text("Hur stor andel av din tjänst")


def _row_count(text: str) -> int:
    return int(re.search(r"\d+", text).group())


def test_2_statistics(page):
    # "Under *Statistik*, the county analyst compares the municipalities (small numbers hidden)"
    log_in(page, "demo.lansanalytiker")
    menu(page, "Statistik")
    page.get_by_role("link", name=re.compile("^Jämförelse")).click()
    comparison = page.locator("table.fs-compare")
    expect(comparison).to_contain_text("..")
    # "ranks them per indicator"
    comparison.get_by_role("link", name="Placeringar i skyddat boende").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Rangordning")
    ranking = page.get_by_role("table", name=re.compile("^Kommunerna i ordning: Placeringar i skyddat boende"))
    expect(ranking.locator("tbody tr").first.locator("td, th").first).to_have_text("1")
    # "and downloads the county report as a PDF"
    menu(page, "Statistik")
    page.get_by_role("link", name="Länsrapport").click()
    expect(page.get_by_role("heading", name="Sammanfattning")).to_be_visible()
    page.get_by_role("button", name="Skapa PDF").click()
    expect(page.locator("#task-status")).to_have_attribute("data-status", "done")
    with page.expect_download() as download:
        page.get_by_role("link", name=re.compile("^Ladda ner lansrapport")).click()
    assert download.value.suggested_filename.endswith(".pdf")
    assert Path(download.value.path()).read_bytes().startswith(b"%PDF-")

    # "a coordinator sees their municipality's series with the coordinator's start marked and a
    # before/after reading"
    log_in(page, "demo.samordnare")
    menu(page, "Statistik")
    page.get_by_role("link", name="Fagerås", exact=True).click()
    investigations = section(page, "Utredningar om våld (familjefrid)")
    expect(investigations.locator("svg[role=img]")).to_contain_text("Samordnare börjar 2018-02-01")
    expect(investigations).to_contain_text("Före och efter samordnaren")
    # "enters a year"
    page.get_by_role("link", name=re.compile("^Registrera uppgifter för")).click()
    page.get_by_label("Utredningar om våld (familjefrid)").fill("31")
    page.get_by_role("button", name="Spara").click()
    expect(page.locator("main")).to_contain_text("är sparade")
    expect(section(page, "Utredningar om våld (familjefrid)").locator("tbody tr").last).to_contain_text("31")
    # "or imports a file (CSV, Excel or Kolada JSON; templates on the import page)"
    page.get_by_role("link", name="Importera en fil").click()
    for template in ("mall (Excel)", "mall (CSV)"):
        expect(page.get_by_role("link", name=template)).to_be_visible()
    expect(page.locator("main")).to_contain_text("Kolada")
    with page.expect_download() as download:
        page.get_by_role("link", name="mall (CSV)").click()
    header = Path(download.value.path()).read_text(encoding="utf-8-sig").splitlines()[0]
    assert header == "kommunkod;kommun;indikator;år;antal;nämnare"
    page.get_by_label("Fil").set_input_files(
        {
            "name": "kungsvik.csv",
            "mimeType": "text/csv",
            "buffer": f"{header}\n9908;Kungsvik;investigations;2025;9;\n".encode(),
        }
    )
    page.get_by_role("button", name="Importera").click()
    expect(page.get_by_role("status").first).to_contain_text("Importerat")
    page.goto(page.base_url + "/kommuner/9908/statistik/")
    expect(section(page, "Utredningar om våld (familjefrid)").locator("tbody tr").last).to_contain_text("9")

    # "Åstad and Hallsberga carry the evaluation's own tables."
    log_in(page, "demo.lansanalytiker")
    page.goto(page.base_url + "/kommuner/9901/statistik/")
    rows = section(page, "Utredningar om våld (familjefrid)").locator("tbody tr")
    expect(rows.first).to_contain_text("2013")
    expect(rows.first).to_contain_text("25")  # Tabell 1: 25 investigations in 2013
    page.goto(page.base_url + "/kommuner/9904/statistik/")
    rows = section(page, "Aktualiserade våldsärenden, vuxna och barn").locator("tbody tr")
    expect(rows.first).to_contain_text("96 ärenden")  # Tabell 2: 96 cases in 2016


def test_3_case_follow_up_and_the_sounding_board(page):
    # "Under *Ärendeuppföljning*, `demo.socialsekreterare` (Åstad) follows up a year of demo cases"
    log_in(page, "demo.socialsekreterare")
    page.goto(page.base_url + "/kommuner/9901/statistik/")  # this year's count, to compare at the end
    this_year = section(page, "Aktualiserade våldsärenden, vuxna").locator("tbody tr").last
    before = _row_count(this_year.locator("td").last.inner_text())
    menu(page, "Ärendeuppföljning")
    records = page.get_by_role("table", name="Uppföljningsärenden, nyaste först")
    expect(records.locator("tbody tr").first).to_be_visible()
    assert records.locator("tbody tr").count() >= 5
    # "registers a new one (categories only; the journal's case number is stored as a code"
    page.get_by_role("link", name="Registrera ett ärende").first.click()
    page.get_by_label("Ärendenummer i journalsystemet").fill("IFO-2026-TOUR")
    page.get_by_label("Väg in").select_option("police")
    page.get_by_label("Kategori").select_option("adult_victim")
    page.get_by_label("Kön").select_option("female")
    page.get_by_label("Ålder").select_option("25-44")
    page.get_by_label("Relation till den som utövar våld").select_option("partner")
    page.get_by_label("Fysiskt").check()
    page.get_by_role("button", name="Registrera").click()
    expect(page.locator("main")).to_contain_text("Ärendet är registrerat")
    expect(page.locator("main")).not_to_contain_text("IFO-2026-TOUR")
    record_url = page.url
    # "— try finding `DEMO-9901-0001`)"
    menu(page, "Ärendeuppföljning")
    page.get_by_label("Ärendenummer i journalsystemet").fill("DEMO-9901-0001")
    page.get_by_role("button", name="Hitta ärendet").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("U-1")
    expect(page.locator("main")).to_contain_text("Amira Hassan")
    # "runs the demo screening and risk instruments (clearly marked as demo)" — in the new case
    page.goto(record_url)
    page.get_by_role("link", name="Demo: Rutinmässiga frågor om våld").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Demo")
    for key in ("s1", "s2", "s3", "s4", "s5"):
        page.locator(f"input[name=item_{key}][value=no]").check()
    page.get_by_role("button", name="Spara bedömningen").click()
    expect(page.locator("main")).to_contain_text("Bedömningen är sparad")
    page.goto(record_url)
    page.get_by_role("link", name="Demo: Riskbedömning av upprepat våld").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Demo")
    for n in range(1, 21):
        page.locator(f"input[name=item_r{n:02d}][value={'yes' if n == 3 else 'no'}]").check()
    page.locator("input[name=item_oro][value='6']").check()
    page.get_by_role("button", name="Räkna fram nivån").click()
    expect(page.locator("main")).to_contain_text("Nivå enligt poängsättningen: Hög")
    page.get_by_role("button", name="Spara bedömningen").click()
    expect(page.locator("main")).to_contain_text("Bedömningen är sparad")
    # "and asks the coordinator under *Bollplank*"
    menu(page, "Bollplank")
    page.get_by_role("link", name="Fråga om ett svårt ärende").click()
    page.get_by_label("Din fråga").fill("Hon vill inte anmäla och har barn på förskolan. Vad gör vi först?")
    page.get_by_label("Ämne").select_option("risk")
    page.get_by_label("I dag").check()
    page.get_by_role("button", name="Skicka frågan").click()
    expect(page.locator("main")).to_contain_text("Din fråga är skickad")
    page.get_by_role("button", name="Logga ut").click()

    # "`anna.lind` (Åstad's coordinator) answers from the queue"
    log_in(page, "anna.lind")
    menu(page, "Bollplank")
    page.get_by_role("link", name=re.compile("Hon vill inte anmäla")).click()
    page.get_by_label("Svar").fill("Gör en säkerhetsplan med henne i dag och kontakta förskolan.")
    page.get_by_role("button", name="Skicka svaret").click()
    expect(page.locator("main")).to_contain_text("Ditt svar är skickat")
    # "The municipality's statistics for this year are computed from the records."
    page.goto(page.base_url + "/kommuner/9901/statistik/")
    this_year = section(page, "Aktualiserade våldsärenden, vuxna").locator("tbody tr").last
    expect(this_year.locator("td").last).to_contain_text(str(before + 1))


def test_4_protected_housing_and_the_housing_exchange(page):
    # "Under *Skyddat boende*, `demo.samordnare` searches the county's register by a household's needs
    # (try a woman with a girl of 7, a boy of 4 and a dog)"
    log_in(page, "demo.samordnare")
    menu(page, "Skyddat boende")
    page.get_by_label("Kvinnor").check()
    page.get_by_label("Barn 1: ålder").fill("7")
    page.get_by_label("Barn 1: flicka eller pojke").select_option("girl")
    page.get_by_label("Barn 2: ålder").fill("4")
    page.get_by_label("Barn 2: flicka eller pojke").select_option("boy")
    page.get_by_label("Har med sig husdjur").check()
    page.get_by_role("button", name="Sök").click()
    # "the providers that fit come first by quality status, free places and feedback"
    fits = page.get_by_role("table", name="Boenden som passar, bäst först")
    expect(fits.locator("tbody tr").first).to_contain_text("Kvinnojourens skyddade boende")
    expect(page.locator("main")).to_contain_text("Ordnade efter kvalitetsstatus, sedan lediga platser")
    # "and every provider left out says why"
    left_out = page.get_by_role("table", name="Boenden som inte passar, med skälen")
    for row in left_out.locator("tbody tr").all():
        expect(row.locator("td").last.locator("li").first).to_be_visible()
    expect(left_out).to_contain_text("Tar inte emot husdjur.")
    # "the exact address is shown on request and written to the access log"
    fits.get_by_role("link", name="Kvinnojourens skyddade boende").click()
    expect(page.locator("main")).not_to_contain_text("Lindvägen")
    page.get_by_role("button", name="Visa adressen").click()
    expect(page.locator("main")).to_contain_text("Lindvägen 4, Åstad")
    expect(page.locator("main")).to_contain_text("Din visning skrevs i åtkomstloggen.")

    # "`frida.alm` (the women's shelter) reports free places"
    log_in(page, "frida.alm")
    page.get_by_role("link", name="Rapportera lediga platser på Kvinnojourens skyddade boende").click()
    page.get_by_label("Lediga platser nu").fill("2")
    page.get_by_label("Varav familjerum").fill("1")
    page.get_by_role("button", name="Rapportera").click()
    expect(page.locator("main")).to_contain_text("2 lediga")

    # "Under *Bostadsbyte* the coordinator registers an applicant (a keyed hash, the household and
    # the municipalities excluded for safety)"
    log_in(page, "demo.samordnare")
    menu(page, "Bostadsbyte")
    page.get_by_role("link", name="Registrera en sökande").click()
    page.get_by_label("Ansvarig kommun").select_option(label="Fagerås")
    page.get_by_label("Ärendenummer").fill("FAG-2026-TOUR")
    page.get_by_label("Barnens åldrar").fill("7, 4")
    page.get_by_label("Minsta antal rum").fill("3")
    page.get_by_label("Månader i skyddat boende hittills").fill("18")
    page.get_by_role("group", name=re.compile("Kommuner som är uteslutna")).get_by_label("Fagerås").check()
    page.get_by_role("group", name="Önskade kommuner").get_by_label("Åstad").check()
    page.get_by_role("button", name="Registrera").click()
    expect(page.locator("main")).to_contain_text("Den sökande är registrerad")
    expect(page.locator("main")).to_contain_text("nyckelhash")
    expect(page.locator("main")).not_to_contain_text("FAG-2026-TOUR")
    applicant = page.get_by_role("heading", level=1).inner_text().split()[1]
    # "runs the matching and accepts a proposal"
    page.get_by_role("link", name="Bostadsbyte").first.click()
    page.get_by_role("button", name="Kör matchningen nu").click()
    expect(page.locator("main")).to_contain_text("Matchningen gav förslag")
    proposal = page.get_by_role("button", name=re.compile(f"^Godkänn {applicant} – "))
    apartment = proposal.inner_text().split("– ")[1]
    proposal.click()
    expect(page.locator("main")).to_contain_text("Du har godkänt förslaget")
    expect(page.locator("main")).to_contain_text("Erbjudande kommun: Åstad")

    # "`anna.lind` (Åstad) or `maria.berg` (Kölby) accepts for the offering municipality and allocates"
    log_in(page, "anna.lind")
    menu(page, "Bostadsbyte")
    waiting = page.get_by_role("table", name="Tilldelningar som väntar på dig")
    waiting.get_by_role("row", name=re.compile(apartment)).get_by_role("link").first.click()
    page.get_by_role("button", name="Godkänn för min kommun").click()
    expect(page.locator("main")).to_contain_text("Du har godkänt tilldelningen.")
    page.get_by_role("button", name="Tilldela lägenheten").click()
    expect(page.locator("main")).to_contain_text("Lägenheten är tilldelad.")
    # (the other offering municipality of the demo: Kölby's coordinator sees the exchange too)
    log_in(page, "maria.berg")
    menu(page, "Bostadsbyte")
    expect(page.get_by_role("table", name="Våra lägenheter i poolen")).to_contain_text("Kölby")
    # "the ledger shows each municipality's commitment, what it gave and what it took"
    page.get_by_role("link", name="Balansen").click()
    ledger = page.get_by_role("table", name=re.compile("^Bostadsbytets balans"))
    for column in ("Utlovat", "Till andras sökande", "Egna sökande placerade i annan kommun", "Balans"):
        expect(ledger.locator("thead")).to_contain_text(column)
    expect(ledger.locator("tbody tr")).to_have_count(10)
    given = ledger.locator("thead th").all_inner_texts().index("Till andras sökande")
    taken = ledger.locator("thead th").all_inner_texts().index("Egna sökande placerade i annan kommun")
    expect(ledger.get_by_role("row", name=re.compile("^Åstad")).locator("td, th").nth(given)).to_have_text("1")
    expect(ledger.get_by_role("row", name=re.compile("^Fagerås")).locator("td, th").nth(taken)).to_have_text("1")


def test_5_collaboration_and_the_public_page(page):
    # "Under *Samverkan*, `anna.lind` runs Åstad's local collaboration group (purpose, goals and their
    # yearly follow-up, meetings with attendance, minutes, decisions and action items)"
    log_in(page, "anna.lind")
    menu(page, "Samverkan")
    groups = page.get_by_role("table", name="Samverkansgrupper")
    groups.get_by_role("link", name="Samverkansgruppen mot våld i nära relationer, Åstad").click()
    expect(page.locator("main")).to_contain_text("Syfte")
    goals = page.get_by_role("table", name="Mål och deras senaste uppföljning")
    expect(goals).to_contain_text("2025: Delvis uppnått")
    goals.get_by_role("link", name=re.compile("^Följ upp ”Kvinnojouren")).click()
    page.get_by_label("År").fill("2026")
    page.get_by_label("Uppnått", exact=True).check()
    page.get_by_role("button", name="Spara").click()
    expect(page.get_by_role("table", name="Mål och deras senaste uppföljning")).to_contain_text("2026: Uppnått")
    page.get_by_role("link", name="Registrera ett möte").click()
    page.get_by_label("Dagordning").fill("1. Rutinen för polisärenden\n2. Kvinnojourens kontakter")
    page.get_by_label("Mikael Rask (Polisen – lokalpolisområde Åstad)").check()
    page.get_by_label("Frida Alm (Kvinnojouren i Frilund)").check()
    page.get_by_label("Minnesanteckningar").fill("Polisen skickar ärenden samma dag.")
    page.get_by_label("Beslut").fill("Kvinnojouren bjuds in varje kvartal.")
    page.get_by_label("Åtgärd 1", exact=True).fill("Boka kvartalets träff med kvinnojouren")
    page.get_by_label("Åtgärd 1: ansvarig").select_option(label="Anna Lind")
    page.get_by_label("Åtgärd 1: klart senast").fill("2027-02-28")
    page.get_by_role("button", name="Spara mötet").click()
    expect(page.locator("main")).to_contain_text("Mötet är registrerat.")
    expect(page.locator("main")).to_contain_text("Mikael Rask (Polisen – lokalpolisområde Åstad): närvarande")
    expect(page.locator("main")).to_contain_text("Kvinnojouren bjuds in varje kvartal.")
    expect(page.locator("main")).to_contain_text("Boka kvartalets träff med kvinnojouren")
    # "and sees the regional network's attendance per municipality"
    menu(page, "Samverkan")
    attendance = page.get_by_role("table", name=re.compile("^Närvaro vid regionala möten"))
    for municipality in ("Norrberga", "Skinnvik", "Åstad"):
        expect(attendance).to_contain_text(municipality)
    # "the written agreements with the six partners of the open comparisons, referrals and
    # prevention work are there too"
    page.get_by_role("navigation", name="Samverkan").get_by_role("link", name="Skriftliga överenskommelser").click()
    expect(page.get_by_role("heading", name=re.compile(r"^Åstad: \d av 6 aktuella"))).to_be_visible()
    expect(page.get_by_role("table", name="Överenskommelser för Åstad").locator("tbody tr")).to_have_count(6)
    page.get_by_role("navigation", name="Samverkan").get_by_role("link", name="Hänvisningar").click()
    expect(page.get_by_role("table", name="Hänvisningar, nyaste först").locator("tbody tr").first).to_be_visible()
    page.get_by_role("navigation", name="Samverkan").get_by_role("link", name="Förebyggande").click()
    expect(page.locator("main")).to_contain_text("Huskurage")

    # "`demo.partner` (the police) finds each municipality's entry point of today on the start page —
    # Kölby's deputy while its coordinator is on leave — with the action given to him at the last meeting"
    log_in(page, "demo.partner")
    entry_points = page.get_by_role("table", name="Ingångar per kommun")
    expect(entry_points.locator("tbody tr")).to_have_count(10)
    kolby = entry_points.get_by_role("row").filter(has_text="Kölby")
    expect(kolby).to_contain_text("Ida Sund")
    expect(kolby).to_contain_text("ersätter Maria Berg")
    expect(page.get_by_role("table", name="Dina öppna åtgärder")).to_contain_text("Sprid rutinen i lokalpolisområdet")
    page.get_by_role("link", name="Samverkansgruppen mot våld i nära relationer, Åstad").first.click()
    last_meeting = page.get_by_role("table", name="Möten, nyaste först").get_by_role("link").nth(1)  # before today's
    last_meeting.click()
    expect(page.get_by_role("table", name="Åtgärder som beslutades på mötet")).to_contain_text(
        "Sprid rutinen i lokalpolisområdet"
    )
    # (nothing else is offered to the police: no protected housing of their own to report for)
    expect(page.get_by_role("navigation", name="Huvudmeny").get_by_role("link", name="Skyddat boende")).to_have_count(0)

    # "`frida.alm` marks referrals to the women's shelter received and answers the partner survey"
    log_in(page, "frida.alm")
    menu(page, "Samverkan")
    page.get_by_role("link", name="Hänvisningar").first.click()
    page.get_by_role("button", name=re.compile("^Mottagen: R-")).first.click()
    expect(page.locator("main")).to_contain_text("Hänvisningen är markerad som mottagen.")
    page.get_by_role("link", name="Svara på samverkansenkäten").click()
    contact = page.get_by_role("group", name=re.compile(r"^1\. Hur har kontakten"))
    expect(contact.get_by_label("Arnö")).to_have_value("3")  # this year's answers, to change
    contact.get_by_label("Åstad").select_option("5")
    page.get_by_label("Vad skulle göra samverkan med kommunerna bättre?").fill("Fler gemensamma utbildningsdagar.")
    page.get_by_role("button", name="Skicka svaren").click()
    expect(page.locator("body")).to_contain_text("Tack! Dina svar")
    page.get_by_role("button", name="Logga ut").click()

    # "Åstad's public page is at `/stod/9901/` (no login, no cookie, a quick-exit button"
    page.context.clear_cookies()
    page.goto(page.base_url + "/stod/9901/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Stöd vid våld i nära relationer i Åstad")
    assert page.context.cookies() == []
    page.get_by_role("link", name="Lämna sidan").click()
    page.wait_for_url(page.base_url + "/halsa/")
    assert page.context.cookies() == []
    # "`sara.holm` and `nils.falk` show how a new version is written and approved)"
    log_in(page, "sara.holm")
    page.goto(page.base_url + "/kommuner/9903/offentlig-sida/")
    page.get_by_role("link", name="Ändra utkastet").click()
    page.get_by_label("Mer om stödet i kommunen").fill("Öppen mottagning på Familjecentralen, torsdagar.")
    page.get_by_role("button", name="Spara utkastet").click()
    page.get_by_role("button", name="Skicka för godkännande").click()
    expect(page.locator("main")).to_contain_text("skickad till en chef")
    page.get_by_role("button", name="Logga ut").click()
    log_in(page, "nils.falk")
    page.goto(page.base_url + "/kommuner/9903/offentlig-sida/")
    page.get_by_role("button", name="Godkänn och publicera").click()
    expect(page.locator("main")).to_contain_text("är publicerad")
    page.goto(page.base_url + "/stod/9903/")
    expect(page.locator("main")).to_contain_text("Öppen mottagning på Familjecentralen, torsdagar.")
    # "the accessibility statement at `/tillganglighet/`"
    page.goto(page.base_url + "/tillganglighet/")
    expect(page.get_by_role("heading", level=1)).to_contain_text("Tillgänglighet")


def test_6_competence_and_routines(page):
    # "Under *Kompetens*, `nora.nystrom` (a social worker who started three weeks ago in Åstad) is
    # guided through her introduction"
    log_in(page, "nora.nystrom")
    menu(page, "Kompetens")
    expect(page.locator("main")).to_contain_text("Åstad, Mottagningen – Socialsekreterare")
    # "the checklist from the competence plan"
    checklist = page.get_by_role("table", name="Checklista för introduktionen")
    expect(checklist).to_contain_text("Introduktionssamtal med kvinnofridssamordnaren")
    # "the required training with its deadlines"
    required = page.get_by_role("table", name="Utbildning som krävs av dig")
    expect(required).to_contain_text("Grundutbildning om våld i nära relationer")
    expect(required.locator("tbody tr").first).to_contain_text(re.compile(r"\d{4}-\d{2}-\d{2}"))
    # "a course to record"
    page.get_by_label(re.compile(r"^Kurs \(")).select_option(
        label="Webbkurs om våld: Mäns våld mot kvinnor och våld i nära relationer"
    )
    page.get_by_label(re.compile(r"^Genomförd")).fill("2026-11-20")
    page.get_by_role("button", name="Registrera kursen").click()
    expect(page.locator("main")).to_contain_text("Kursen registrerades.")
    expect(page.get_by_role("table", name="Utbildning som krävs av dig")).to_contain_text("Genomförd 2026-11-20")
    # "the routine to read and confirm"
    page.get_by_role("link", name="Rutin vid våld i nära relationer").click()
    page.get_by_role("button", name="Jag har läst version 2").click()
    expect(page.locator("main")).to_contain_text("Du har bekräftat att du läst version 2.")
    # "the events meant for her"
    menu(page, "Kompetens")
    expect(section(page, "Kommande evenemang för dig")).to_contain_text("FREDA-utbildning för handläggare")
    # "and the yearly self-assessment"
    page.get_by_role("link", name="Ändra min självskattning").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Självskattning")

    # "`demo.chef` sees on the start page which units are behind on which training"
    log_in(page, "demo.chef")
    knowledge = page.locator("section", has=page.get_by_role("heading", name="Kunskap och rutiner i Åstad"))
    expect(knowledge).to_contain_text("Barn och unga: Strukturerad riskbedömning (FREDA)")
    # "which routines are overdue for review (the handbook from 2016)"
    expect(knowledge).to_contain_text("Handbok för handläggning av våldsärenden")
    # "and who is behind on the introduction"
    expect(knowledge).to_contain_text("1 nyanställd ligger efter i introduktionen.")
    # "the gap report per unit, role and requirement, coverage over time and the topics nobody has
    # been trained in are one click away"
    knowledge.get_by_role("link", name="Hela gaprapporten").click()
    expect(page.locator("main")).to_contain_text("Grundutbildning om våld i nära relationer")
    page.get_by_role("link", name="Täckningen över tid, och ämnen vi inte satsat på").click()
    expect(page.get_by_role("heading", level=1)).to_be_visible()
    page.go_back()
    page.go_back()
    knowledge.get_by_role("link", name="Handbok för handläggning av våldsärenden").click()
    expect(page.locator("main")).to_contain_text("2016")

    # "`sara.holm` (Salvik, no plan yet) builds a plan that `nils.falk` approves"
    log_in(page, "sara.holm")
    menu(page, "Kompetens")
    page.get_by_role("link", name=re.compile(r"^Kompetens(utvecklings)?plan för Salvik")).first.click()
    page.get_by_role("button", name="Påbörja en plan").click()
    expect(page.locator("main")).to_contain_text("Ett utkast till plan påbörjades.")
    page.get_by_role("link", name="Lägg till ett krav").click()
    page.get_by_label(re.compile(r"^Krav \(")).fill("Grundutbildning om våld i nära relationer")
    page.get_by_label("Webbkurs om våld: Mäns våld mot kvinnor och våld i nära relationer").check()
    page.get_by_label("Senast, månader efter anställning").fill("6")
    page.get_by_role("button", name="Spara").click()
    expect(page.locator("main")).to_contain_text("Kravet sparades.")
    plan_url = page.url
    page.get_by_role("button", name="Logga ut").click()
    log_in(page, "nils.falk")
    page.goto(plan_url)
    page.get_by_role("button", name="Godkänn planen").click()
    expect(page.locator("main")).to_contain_text("Planen godkändes och gäller nu.")

    # "Under *Rutiner*, every version of a routine is kept with what changed, a manager approves the
    # next one and staff confirm they have read it"
    log_in(page, "demo.chef")
    menu(page, "Rutiner")
    page.get_by_role("link", name="Checklista: skyddsbedömning av barn").click()
    versions = page.get_by_role("table", name="Versioner, nyaste först")
    expect(versions).to_contain_text("Barnets egen röst.")
    page.get_by_role("button", name="Godkänn version 2").click()
    expect(page.locator("main")).to_contain_text("Versionen godkändes och gäller nu.")
    menu(page, "Rutiner")
    page.get_by_role("link", name="Rutin vid våld i nära relationer").click()
    expect(page.locator("main")).to_contain_text("har bekräftat")  # nora.nystrom confirmed above
    # "Åstad's action plan shows its goals, activities and their progress"
    menu(page, "Rutiner")
    page.get_by_role("link", name="Handlingsplaner").first.click()
    page.get_by_role("link", name="Handlingsplan mot våld i nära relationer").click()
    expect(page.get_by_role("heading", name=re.compile("^Mål 1: "))).to_be_visible()
    expect(page.get_by_role("table", name="Aktiviteter för Våld upptäcks tidigt")).to_be_visible()
    expect(page.locator("main")).to_contain_text("(50 %)")
