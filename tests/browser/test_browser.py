"""What a person clicks: logging in with a TOTP code as each demo role, every page they reach
passing axe, and nothing leaving 127.0.0.1."""

import re
import time

import pyotp
import pytest
from playwright.sync_api import expect

from fridsam.demo import data
from fridsam.demo.users import demo_totp_secret
from tests.browser.conftest import assert_accessible

ROLES = dict(data.DEMO_ACCOUNTS)
_last_code: dict[str, str] = {}


def fresh_code(username: str) -> str:
    """A TOTP code not used before: the server rejects a replayed code, so a second login of
    the same account within one 30-second period waits for the next code."""
    totp = pyotp.TOTP(demo_totp_secret(username))
    code = totp.now()
    while code == _last_code.get(username):
        time.sleep(1)
        code = totp.now()
    _last_code[username] = code
    return code


def log_in(page, username: str, *, fresh: bool = False):
    """Log in as ``username``: through the login form (password, then a TOTP code) the first time
    in the session or when ``fresh``; after that with the session cookies that login gave (the
    browser's storage state), as a returning person whose session is still open would."""
    sessions = page.sessions
    if not fresh and username in sessions:
        page.context.clear_cookies()
        page.context.add_cookies(sessions[username])
        page.user = username
        page.goto(page.base_url + "/")
        expect(page.get_by_role("heading", level=1)).to_contain_text("Välkommen")
        return
    page.context.clear_cookies()
    page.goto(page.base_url + "/")
    assert "/konto/login/" in page.url
    page.get_by_label("Användarnamn").fill(username)
    page.get_by_label("Lösenord").fill(data.DEMO_PASSWORD)
    page.get_by_role("button", name="Fortsätt").click()
    page.wait_for_url(re.compile(r".*/konto/2fa/authenticate/"))
    page.get_by_label("Kod").fill(fresh_code(username))
    page.get_by_role("button", name="Logga in").click()
    page.wait_for_url(page.base_url + "/")
    page.user = username
    sessions[username] = page.context.cookies()


def test_login_pages_are_accessible(page):
    page.goto(page.base_url + "/")
    assert page.locator("html").get_attribute("lang") == "sv"
    assert_accessible(page, "login")
    page.get_by_label("Användarnamn").fill("demo.chef")
    page.get_by_label("Lösenord").fill(data.DEMO_PASSWORD)
    page.get_by_role("button", name="Fortsätt").click()
    page.wait_for_url(re.compile(r".*/konto/2fa/authenticate/"))
    assert_accessible(page, "login-second-factor")


def test_wrong_password_keeps_the_username_and_says_so_in_swedish(page):
    page.goto(page.base_url + "/konto/login/")
    page.get_by_label("Användarnamn").fill("demo.chef")
    page.get_by_label("Lösenord").fill("fel-lösenord")
    page.get_by_role("button", name="Fortsätt").click()
    assert page.get_by_label("Användarnamn").input_value() == "demo.chef"
    expect(page.locator("body")).to_contain_text(re.compile("inte korrekt|felaktig", re.IGNORECASE))
    assert_accessible(page, "login-error")


@pytest.mark.parametrize("role", list(ROLES))
def test_each_role_logs_in_and_every_page_it_reaches_is_accessible(page, role):
    log_in(page, ROLES[role], fresh=True)
    heading = page.get_by_role("heading", level=1)
    assert heading.inner_text().startswith("Välkommen")
    assert_accessible(page, f"{role}-start")
    # Every page in the role's navigation, and every link on the start page within the site.
    nav = page.get_by_role("navigation", name="Huvudmeny")
    targets = [a.get_attribute("href") for a in nav.get_by_role("link").all()]
    targets += [a.get_attribute("href") for a in page.locator("main a[href^='/']").all()]
    seen = set()
    for href in targets:
        if href in seen or (href.startswith("/admin/") and role != "administrator"):
            continue
        seen.add(href)
        response = page.goto(page.base_url + href)
        assert response.status == 200, f"{role}: {href} answered {response.status}"
        assert page.get_by_role("heading", level=1).count() == 1, f"{href} has no single h1"
        assert_accessible(page, f"{role}{href.replace('/', '_')}")
    assert len(seen) >= 2


def test_manager_adds_a_unit_and_sees_errors_first(page):
    log_in(page, "demo.chef")
    page.goto(page.base_url + "/kommuner/9901/")
    page.get_by_role("link", name="Lägg till enhet").click()
    page.get_by_label("Namn").fill("Våldsteamet 811218-9876")
    page.get_by_role("button", name="Spara").click()
    summary = page.get_by_role("alert")
    assert "personnummer" in summary.inner_text()
    assert page.get_by_label("Namn").input_value() == "Våldsteamet 811218-9876"
    assert_accessible(page, "unit-form-error")
    page.get_by_label("Namn").fill("Våldsteamet")
    page.get_by_label("Typ").select_option(label="Annan")
    page.get_by_role("button", name="Spara").click()
    page.wait_for_url(page.base_url + "/kommuner/9901/")
    expect(page.locator("body")).to_contain_text("Enheten Våldsteamet har lagts till.")
    assert page.get_by_role("row", name=re.compile("Våldsteamet")).count() == 1
    # The change is in the access log the manager reviews.
    page.get_by_role("link", name="Logguppföljning").click()
    expect(page.get_by_role("cell", name=re.compile("Enhet #")).first).to_be_visible()
    assert_accessible(page, "access-log")


def test_language_switch_and_logout(page):
    log_in(page, "demo.socialsekreterare")
    page.get_by_role("button", name="English").click()
    assert page.locator("html").get_attribute("lang") == "en"
    assert page.get_by_role("heading", level=1).inner_text().startswith("Welcome")
    page.get_by_role("button", name="Svenska").click()
    page.get_by_role("button", name="Logga ut").click()
    page.goto(page.base_url + "/")
    assert "/konto/login/" in page.url


def test_account_and_two_factor_pages_are_accessible(page):
    log_in(page, "demo.lansanalytiker")
    page.get_by_role("link", name="Mitt konto").click()
    assert_accessible(page, "profile")
    for name in ("Hantera tvåfaktorsinloggning", "Reservkoder", "Byt lösenord"):
        page.goto(page.base_url + "/mitt-konto/")
        page.get_by_role("link", name=name).click()
        page.wait_for_url(lambda url: not url.endswith("/mitt-konto/"))
        page.wait_for_load_state()
        expect(page.get_by_role("heading", level=1)).to_have_count(1)
        assert_accessible(page, "account-" + name.split()[0].lower())


def test_another_municipality_is_a_friendly_404(page):
    log_in(page, "demo.socialsekreterare")
    response = page.goto(page.base_url + "/kommuner/9902/")
    assert response.status == 404
    assert page.get_by_role("heading", level=1).inner_text() == "Sidan finns inte"
    assert_accessible(page, "not-found")


def test_filtering_the_access_log_updates_it_in_place(page):
    log_in(page, "demo.chef")
    page.goto(page.base_url + "/kommuner/9901/logg/")
    before = page.get_by_role("row").count()
    page.get_by_label("Händelse").select_option(label="Listat")
    page.get_by_role("button", name="Filtrera").click()
    page.wait_for_url(re.compile(r".*action=list.*"))
    rows = page.locator("#access-log-results tbody tr")
    rows.first.wait_for()
    assert before > rows.count() >= 1
    assert all("Listat" in text for text in rows.all_inner_texts())
    assert page.evaluate("document.activeElement.id") == "access-log-filter"
    # A bad date range is explained, in place.
    page.get_by_label("Från datum").fill("2026-05-10")
    page.get_by_label("Till datum").fill("2026-05-01")
    page.get_by_role("button", name="Filtrera").click()
    page.get_by_text("Slutdatumet får inte vara före startdatumet.").first.wait_for()
    assert_accessible(page, "access-log-filtered")


def test_a_new_account_must_set_up_its_authenticator_first(page, server_shell):
    server_shell(
        "from fridsam.core.tenancy import unscoped\n"
        "from fridsam.accounts.services import user_create, membership_grant\n"
        "from fridsam.organisations.models import Municipality\n"
        "with unscoped():\n"
        "    u = user_create(username='ny.medarbetare', first_name='Nora', last_name='Ny',"
        " password='Ett-nytt-losenord-2026')\n"
        "    membership_grant(user=u, role='social_worker', municipality=Municipality.objects.get(code='9902'))\n"
    )
    page.goto(page.base_url + "/")
    page.get_by_label("Användarnamn").fill("ny.medarbetare")
    page.get_by_label("Lösenord").fill("Ett-nytt-losenord-2026")
    page.get_by_role("button", name="Fortsätt").click()
    # Before anything else: confirm the password, then set up the app.
    page.get_by_label("Lösenord").fill("Ett-nytt-losenord-2026")
    page.get_by_role("button", name="Verifiera").click()
    page.wait_for_url(re.compile(r".*/konto/2fa/totp/activate/"))
    assert page.get_by_role("navigation", name="Huvudmeny").count() == 0
    assert_accessible(page, "activate-authenticator")
    page.goto(page.base_url + "/kommuner/")
    assert "/konto/2fa/totp/activate/" in page.url
    secret = page.get_by_label("Nyckel att skriva in för hand").input_value()
    page.get_by_label("Autentiseringskod").fill(pyotp.TOTP(secret).now())
    page.get_by_role("button", name="Aktivera").click()
    page.goto(page.base_url + "/")
    assert page.get_by_role("heading", level=1).inner_text().startswith("Välkommen")


def test_county_analyst_follows_a_verdict_to_its_evidence_in_the_matrix(page):
    log_in(page, "demo.lansanalytiker")
    page.get_by_role("link", name="Hälsokontroll").first.click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Hälsokontroll: Frilunds län (demo)")
    expect(page.locator("body")).to_contain_text("8 av 10 kommuner har kvinnofridssamordnare")
    # Salvik's coordinator combines the post with case handling: open that verdict.
    row = page.get_by_role("row", name=re.compile("^Salvik"))
    cell = row.locator("td.fs-matrix__cell--risk").first
    cell.locator("summary").click()
    body = cell.locator(".fs-cell-details__body")
    body.wait_for()
    assert "handläggning" in body.inner_text()
    assert_accessible(page, "county-matrix")
    page.get_by_role("link", name="flest risker först").click()
    page.wait_for_url(re.compile(r"sortera=risker"))
    page.wait_for_load_state()  # the whole matrix parsed, not only its first rows
    risks = [row.locator("td.fs-matrix__cell--risk").count() for row in page.locator("tbody tr").all()]
    assert risks == sorted(risks, reverse=True) and risks[0] > 0
    page.get_by_role("link", name="Hur varje regel bedöms, och dess källa").click()
    expect(page.get_by_role("heading", name="HK02 · Inte kombinerad med handläggning")).to_have_count(1)
    assert_accessible(page, "rules")


def test_coordinator_edits_the_role_description(page):
    log_in(page, "demo.samordnare")
    page.goto(page.base_url + "/kommuner/9906/")
    assert_accessible(page, "municipality-setup")
    page.locator("#samordning").get_by_role("link", name="Uppdragsbeskrivning").first.click()
    page.get_by_label("Syfte").fill("Att Fagerås, Surby och Kungsvik arbetar kunskapsbaserat mot våld.")
    assert_accessible(page, "role-description-form")
    page.get_by_role("button", name="Spara").click()
    page.wait_for_url(page.base_url + "/kommuner/9906/")
    expect(page.locator("body")).to_contain_text("sparades som en ny version")
    page.locator("#samordning").get_by_text("Läs uppdragsbeskrivningen").first.click()
    assert "Att Fagerås, Surby och Kungsvik" in page.locator("#samordning").inner_text()
    # The health check shows the new version as waiting for approval, with its source.
    page.locator("#halsokontroll").get_by_text("En tydlig, godkänd roll").click()
    assert "inte godkänd" in page.locator("#halsokontroll").inner_text()


def test_coordinator_answers_the_questionnaire(page):
    log_in(page, "anna.lind")
    page.goto(page.base_url + "/enkater/samordnare/")
    assert_accessible(page, "questionnaire")
    page.get_by_label(re.compile(r"^Annat")).fill("50")
    page.get_by_role("button", name="Skicka svaren").click()
    expect(page.locator("body")).to_contain_text("blir sammanlagt")
    page.get_by_label(re.compile(r"^Annat")).fill("15")
    page.get_by_role("button", name="Skicka svaren").click()
    page.wait_for_url(page.base_url + "/")
    expect(page.locator("body")).to_contain_text("Tack! Dina svar")


def test_coordinator_enters_a_year_sees_it_in_the_chart_and_downloads_the_report(page):
    log_in(page, "demo.samordnare")
    page.goto(page.base_url + "/kommuner/9906/statistik/")
    assert_accessible(page, "statistics-municipality")
    section = page.locator("section", has=page.get_by_role("heading", name="Utredningar om våld (familjefrid)"))
    chart = section.locator("svg[role=img]")
    assert "Samordnare börjar 2018-02-01" in chart.inner_html()  # the coordinator's start on the chart
    assert "Före och efter samordnaren" in section.inner_text()
    page.get_by_role("link", name=re.compile("Registrera uppgifter för")).click()
    page.get_by_label("Utredningar om våld (familjefrid)").fill("77")
    page.get_by_label("Rutinmässiga frågor om våld").fill("70")
    page.locator("#id_screening_rate__denominator").fill("50")
    page.get_by_role("button", name="Spara").click()
    # An error: the form comes back with what was typed and says what is wrong, in Swedish.
    expect(page.locator("body")).to_contain_text("Antalet kan inte vara större än totalen det är en del av.")
    assert page.get_by_label("Utredningar om våld (familjefrid)").input_value() == "77"
    assert_accessible(page, "statistics-entry-error")
    page.locator("#id_screening_rate__denominator").fill("90")
    page.get_by_role("button", name="Spara").click()
    page.wait_for_url(page.base_url + "/kommuner/9906/statistik/")
    expect(page.locator("body")).to_contain_text("är sparade")
    section = page.locator("section", has=page.get_by_role("heading", name="Utredningar om våld (familjefrid)"))
    last_year = section.locator("tbody tr").last
    assert last_year.locator("td").first.inner_text() == "77"
    assert ">77<" in section.locator("svg[role=img]").inner_html()
    # The yearly report, on screen and as a PDF.
    page.get_by_role("link", name="Årsrapport").click()
    expect(page.get_by_role("heading", name="Sammanfattning")).to_have_count(1)
    expect(page.get_by_role("heading", name="De sex kvalitetsområdena")).to_have_count(1)
    assert_accessible(page, "statistics-municipality-report")
    with page.expect_download() as download:
        page.get_by_role("link", name="Ladda ner som PDF").click()
    text = _pdf_text(download.value.path())
    assert "Sammanfattning" in text and "Metod och datakällor" in text


def test_county_analyst_compares_ranks_and_downloads_the_county_report(page):
    log_in(page, "demo.lansanalytiker")
    page.get_by_role("navigation", name="Huvudmeny").get_by_role("link", name="Statistik").click()
    page.get_by_role("link", name=re.compile("Jämförelse")).click()
    assert_accessible(page, "statistics-county")
    table = page.locator("table.fs-compare")
    assert ".." in table.inner_text()  # small numbers are hidden in the county view
    assert "Med samordnare" in table.inner_text()
    table.get_by_role("link", name="Placeringar i skyddat boende").click()
    assert_accessible(page, "statistics-ranking")
    assert page.locator("svg[role=img]").count() == 1
    page.goto(page.base_url + "/lan/99/rapport/2025/")
    expect(page.locator("body")).to_contain_text("8 av 10 kommuner har kvinnofridssamordnare")
    assert_accessible(page, "county-report")
    # The PDF of the whole county is made by a worker (in-process here): its page follows the task.
    page.get_by_role("button", name="Skapa PDF").click()
    expect(page.locator("#task-status")).to_have_attribute("data-status", "done")
    assert_accessible(page, "task")
    with page.expect_download() as download:
        page.get_by_role("link", name=re.compile("^Ladda ner lansrapport-99-2025")).click()
    text = _pdf_text(download.value.path())
    for heading in (
        "Sammanfattning",
        "Kommunernas organisation",
        "De sex kvalitetsområdena",
        "De fyra framgångsfaktorerna",
        "Statistik",
        "Metod och datakällor",
    ):
        assert heading in text, heading


def _pdf_text(path) -> str:
    from pypdf import PdfReader

    return "\n".join(p.extract_text() for p in PdfReader(str(path)).pages)


def test_social_worker_follows_a_case_and_the_coordinator_answers(page):
    """Registers a case without anything identifying, runs the screening and the risk
    assessment, asks the coordinator; the coordinator answers from the queue."""
    log_in(page, "demo.socialsekreterare")
    page.get_by_role("navigation", name="Huvudmeny").get_by_role("link", name="Ärendeuppföljning").click()
    assert_accessible(page, "followup-list")
    page.get_by_role("link", name="Registrera ett ärende").first.click()
    page.get_by_label("Ärendenummer i journalsystemet").fill("IFO-2026-BROWSER")
    page.get_by_label("Väg in").select_option("police")
    page.get_by_label("Kategori").select_option("adult_victim")
    page.get_by_label("Kön").select_option("female")
    page.get_by_label("Ålder").select_option("6-12")  # wrong on purpose: an adult
    page.get_by_label("Relation till den som utövar våld").select_option("former_partner")
    page.get_by_label("Fysiskt").check()
    page.get_by_label("Kort anteckning").fill("Ring henne på 19121212-1212")
    page.get_by_role("button", name="Registrera").click()
    expect(page.locator("body")).to_contain_text("Formuläret kunde inte sparas")
    assert page.get_by_label("Ärendenummer i journalsystemet").input_value() == "IFO-2026-BROWSER"
    assert_accessible(page, "followup-form-errors")
    page.get_by_label("Ålder").select_option("25-44")
    page.get_by_label("Kort anteckning").fill("")
    page.get_by_role("button", name="Registrera").click()
    expect(page.locator("body")).to_contain_text("Ärendet är registrerat")
    record_url = page.url
    expect(page.locator("body")).not_to_contain_text("IFO-2026-BROWSER")

    page.get_by_role("link", name="Demo: Rutinmässiga frågor om våld").click()
    for key in ("s1", "s2", "s3", "s4", "s5"):
        page.locator(f"input[name=item_{key}][value={'yes' if key == 's2' else 'no'}]").check()
    assert_accessible(page, "screening-form")
    page.get_by_role("button", name="Spara bedömningen").click()
    expect(page.locator("body")).to_contain_text("Bedömningen är sparad")

    page.goto(record_url)
    page.get_by_role("link", name="Demo: Riskbedömning av upprepat våld").click()
    for n in range(1, 21):
        page.locator(f"input[name=item_r{n:02d}][value={'yes' if n == 3 else 'no'}]").check()
    page.locator("input[name=item_oro][value='6']").check()
    page.get_by_role("button", name="Räkna fram nivån").click()
    expect(page.locator("body")).to_contain_text("Nivå enligt poängsättningen: Hög")
    assert_accessible(page, "risk-form-scored")
    page.get_by_label("Din professionella bedömning av nivån").select_option("elevated")
    page.get_by_role("button", name="Spara bedömningen").click()
    expect(page.locator("body")).to_contain_text("behöver en motivering")
    page.get_by_label("Din professionella bedömning av nivån").select_option("")
    page.get_by_role("button", name="Spara bedömningen").click()
    expect(page.locator("body")).to_contain_text("Bedömningen är sparad")
    assert_accessible(page, "assessment")
    with page.expect_download() as download:
        page.get_by_role("link", name="Sammanfattning som pdf för journalen").click()
    assert download.value.suggested_filename.endswith(".pdf")

    page.goto(record_url)
    expect(page.locator("body")).to_contain_text("Hög")
    page.get_by_role("link", name="Fråga samordnaren om ärendet").click()
    page.get_by_label("Din fråga").fill("Strypgrepp för två veckor sedan, vill inte anmäla. Hur går vi vidare i dag?")
    page.get_by_label("Ämne").select_option("risk")
    page.get_by_label("I dag").check()
    assert_accessible(page, "consultation-form")
    page.get_by_role("button", name="Skicka frågan").click()
    expect(page.locator("body")).to_contain_text("Din fråga är skickad")
    page.get_by_role("button", name="Logga ut").click()

    log_in(page, "anna.lind")
    page.get_by_role("navigation", name="Huvudmeny").get_by_role("link", name="Bollplank").click()
    assert_accessible(page, "consultation-queue")
    page.get_by_role("link", name=re.compile("Strypgrepp för två veckor")).click()
    page.get_by_label("Svar").fill("Gör en ny riskbedömning i dag och ring mig efter lunch.")
    page.get_by_role("button", name="Skicka svaret").click()
    expect(page.locator("body")).to_contain_text("Ditt svar är skickat")
    expect(page.locator("body")).to_contain_text("Gör en ny riskbedömning i dag")
    assert_accessible(page, "consultation-answered")


def test_coordinator_finds_protected_housing_and_places_an_applicant_through_the_exchange(page):
    """Searches housing for a mother with two children and a dog, reads the address (logged),
    registers an applicant in the exchange, runs the matching and accepts the proposal."""
    log_in(page, "demo.samordnare")
    page.get_by_role("navigation", name="Huvudmeny").get_by_role("link", name="Skyddat boende").click()
    assert_accessible(page, "housing-register")
    page.get_by_label("Kvinnor").check()
    page.get_by_label("Barn 1: ålder").fill("7")
    page.get_by_label("Barn 1: flicka eller pojke").select_option("girl")
    page.get_by_label("Barn 2: ålder").fill("4")
    page.get_by_label("Barn 2: flicka eller pojke").select_option("boy")
    page.get_by_label("Har med sig husdjur").check()
    page.get_by_role("button", name="Sök").click()
    fits = page.get_by_role("table", name="Boenden som passar, bäst först")
    assert fits.get_by_role("link", name="Kvinnojourens skyddade boende").count() == 1
    left_out = page.get_by_role("table", name="Boenden som inte passar, med skälen")
    assert "Tar inte emot husdjur." in left_out.inner_text()
    assert_accessible(page, "housing-search")
    fits.get_by_role("link", name="Kvinnojourens skyddade boende").click()
    expect(page.locator("body")).not_to_contain_text("Lindvägen")
    page.get_by_role("button", name="Visa adressen").click()
    expect(page.locator("body")).to_contain_text("Lindvägen 4, Åstad")
    assert_accessible(page, "housing-provider")

    page.get_by_role("navigation", name="Huvudmeny").get_by_role("link", name="Bostadsbyte").click()
    assert_accessible(page, "exchange")
    page.get_by_role("link", name="Registrera en sökande").click()
    page.get_by_label("Ansvarig kommun").select_option(label="Fagerås")
    page.get_by_label("Ärendenummer").fill("FAG-2026-BROWSER")
    page.get_by_label("Barnens åldrar").fill("7, 4")
    page.get_by_label("Minsta antal rum").fill("3")
    page.get_by_label("Månader i skyddat boende hittills").fill("18")
    page.get_by_role("group", name="Önskade kommuner").get_by_label("Åstad").check()
    page.get_by_role("button", name="Registrera").click()
    expect(page.locator("body")).to_contain_text("Formuläret kunde inte sparas")  # no municipality excluded for safety
    assert page.get_by_label("Ärendenummer").input_value() == "FAG-2026-BROWSER"
    assert_accessible(page, "applicant-form-errors")
    page.get_by_role("group", name=re.compile("Kommuner som är uteslutna")).get_by_label("Fagerås").check()
    page.get_by_role("button", name="Registrera").click()
    expect(page.locator("body")).to_contain_text("Den sökande är registrerad")
    number = page.get_by_role("heading", level=1).inner_text().split()[1]
    expect(page.locator("body")).not_to_contain_text("FAG-2026-BROWSER")

    page.get_by_role("link", name="Bostadsbyte").first.click()
    page.get_by_role("button", name="Kör matchningen nu").click()
    expect(page.locator("body")).to_contain_text("Matchningen gav förslag")
    assert_accessible(page, "matching")
    page.get_by_role("button", name=re.compile(f"Godkänn {number} – ")).click()
    expect(page.locator("body")).to_contain_text("Du har godkänt förslaget")
    expect(page.locator("body")).to_contain_text("Föreslagen")
    assert_accessible(page, "allocation")


def test_public_page_sets_no_cookie_stays_on_this_server_and_quick_exit_replaces_history(page, browser):
    """A member of the public reads Åstad's page: nothing leaves 127.0.0.1 (the page fixture checks
    every request), no cookie is set, the quick exit replaces the page in the history, Esc does
    the same, and the page works without JavaScript."""
    page.goto(page.base_url + "/tillganglighet/")
    assert_accessible(page, "accessibility-statement")
    page.goto(page.base_url + "/stod/9901/")
    assert page.get_by_role("heading", level=1).inner_text() == "Stöd vid våld i nära relationer i Åstad"
    expect(page.locator("body")).to_contain_text("020-50 50 50")
    assert_accessible(page, "public-page")
    assert page.context.cookies() == []
    page.get_by_role("link", name="Lämna sidan").click()
    page.wait_for_url(page.base_url + "/halsa/")
    page.go_back()
    assert page.url == page.base_url + "/tillganglighet/"  # the public page is gone from the history
    page.goto(page.base_url + "/stod/9901/")
    page.keyboard.press("Escape")
    page.wait_for_url(page.base_url + "/halsa/")
    assert page.context.cookies() == []

    context = browser.new_context(locale="sv-SE", java_script_enabled=False)
    try:
        no_js = context.new_page()
        no_js.goto(page.base_url + "/stod/9901/")
        expect(no_js.locator("body")).to_contain_text("Kvinnofridslinjen")
        no_js.get_by_role("link", name="Lämna sidan").click()  # an ordinary link without JavaScript
        no_js.wait_for_url(page.base_url + "/halsa/")
        assert context.cookies() == []
    finally:
        context.close()


def test_coordinator_edits_the_public_page_and_a_manager_publishes_it(page):
    log_in(page, "sara.holm")  # Salvik's page waits for approval in the demo
    page.goto(page.base_url + "/kommuner/9903/offentlig-sida/")
    assert_accessible(page, "public-page-manage")
    page.get_by_role("link", name="Ändra utkastet").click()
    page.get_by_label("Socialtjänstens telefon").fill("0224-30 40 00")
    page.get_by_label("Mer om stödet i kommunen").fill("Stödsamtal på Familjecentralen, tisdagar.")
    assert_accessible(page, "public-page-form")
    page.get_by_role("button", name="Spara utkastet").click()
    page.get_by_role("button", name="Skicka för godkännande").click()
    expect(page.locator("body")).to_contain_text("skickad till en chef")
    page.get_by_role("button", name="Logga ut").click()
    log_in(page, "nils.falk")
    page.goto(page.base_url + "/kommuner/9903/offentlig-sida/")
    page.get_by_role("button", name="Godkänn och publicera").click()
    expect(page.locator("body")).to_contain_text("Version 1 är publicerad")
    page.goto(page.base_url + "/stod/9903/")
    expect(page.locator("body")).to_contain_text("Stödsamtal på Familjecentralen, tisdagar.")


def test_police_contact_finds_who_to_call_today_and_sees_their_action(page):
    """The police contact finds each municipality's entry point today — Kölby's deputy while the
    coordinator is on leave — and the action given to them at Åstad's collaboration meeting."""
    log_in(page, "demo.partner")
    table = page.get_by_role("table", name="Ingångar per kommun")
    kolby = table.get_by_role("row").filter(has_text="Kölby")
    assert "Ida Sund" in kolby.inner_text() and "ersätter Maria Berg" in kolby.inner_text()
    expect(page.locator("body")).to_contain_text("Sprid rutinen i lokalpolisområdet")
    assert_accessible(page, "partner-start")
    page.get_by_role("navigation", name="Huvudmeny").get_by_role("link", name="Samverkan").click()
    page.get_by_role("navigation", name="Samverkan").get_by_role("link", name="Samverkansparter").click()
    page.get_by_role("link", name="Polisen – lokalpolisområde Åstad").click()
    page.get_by_role("link", name="Uppdatera vår uppgift").click()
    page.get_by_label("Vad vi erbjuder och hur man når oss").fill("Brottsoffersamordnare nås vardagar via 114 14.")
    page.get_by_role("button", name="Spara").click()
    expect(page.locator("body")).to_contain_text("Tack: uppgiften är uppdaterad.")
    assert_accessible(page, "partner-entry")


def test_coordinator_runs_a_local_group_meeting_with_minutes_and_actions(page):
    log_in(page, "anna.lind")
    page.get_by_role("navigation", name="Huvudmeny").get_by_role("link", name="Samverkan").click()
    assert_accessible(page, "collaboration")
    groups = page.get_by_role("table", name="Samverkansgrupper")
    groups.get_by_role("link", name="Samverkansgruppen mot våld i nära relationer, Åstad").click()
    assert_accessible(page, "collaboration-group")
    page.get_by_role("link", name="Registrera ett möte").click()
    page.get_by_label("Dagordning").fill("1. Uppföljning av rutinen\n2. Statistik")
    page.get_by_label("Mikael Rask (Polisen – lokalpolisområde Åstad)").check()
    page.get_by_label("Frida Alm (Kvinnojouren i Frilund)").check()
    page.get_by_label("Minnesanteckningar").fill("Rutinen används; polisen skickar ärenden samma dag.")
    page.get_by_label("Beslut").fill("Rutinen gäller tills vidare.")
    page.get_by_label("Åtgärd 1", exact=True).fill("Sammanställ antalet polisärenden per månad")
    assert_accessible(page, "meeting-form")
    page.get_by_role("button", name="Spara mötet").click()
    expect(page.locator("body")).to_contain_text("En åtgärd behöver en ansvarig och ett datum.")  # the input is kept
    assert page.get_by_label("Åtgärd 1", exact=True).input_value() == "Sammanställ antalet polisärenden per månad"
    page.get_by_label("Åtgärd 1: ansvarig").select_option(label="Frida Alm")
    page.get_by_label("Åtgärd 1: klart senast").fill("2027-01-31")
    page.get_by_role("button", name="Spara mötet").click()
    expect(page.locator("body")).to_contain_text("Mötet är registrerat.")
    expect(page.locator("body")).to_contain_text("Rutinen gäller tills vidare.")
    assert_accessible(page, "meeting")
    page.get_by_role("button", name="Logga ut").click()
    log_in(page, "frida.alm")
    expect(page.locator("body")).to_contain_text("Sammanställ antalet polisärenden per månad")


def test_every_collaboration_form_is_accessible_and_a_partner_receives_a_referral(page):
    log_in(page, "anna.lind")
    for path, name in [
        ("/samverkan/ny/?kommun=9901", "group-form"),
        ("/samverkan/overenskommelser/", "agreements"),
        ("/samverkan/overenskommelser/ny/?kommun=9901", "agreement-form"),
        ("/samverkan/remisser/ny/?kommun=9901", "referral-form"),
        ("/samverkan/forebyggande/", "prevention"),
        ("/samverkan/forebyggande/ny/?kommun=9901", "prevention-form"),
        ("/enkater/samverkanspart/resultat/", "partner-survey-results"),
        ("/kommuner/9901/offentlig-sida/", "public-page-manage-published"),
    ]:
        page.goto(page.base_url + path)
        assert page.get_by_role("heading", level=1).count() == 1, path
        assert_accessible(page, name)
    page.goto(page.base_url + "/samverkan/remisser/ny/?kommun=9901")
    page.get_by_label("Enhet").select_option(label="Vuxenenheten")
    page.get_by_label("Hänvisad till").select_option(label="Kvinnojouren i Frilund")
    page.get_by_label("Typ av stöd").select_option("womens_shelter")
    page.get_by_role("button", name="Registrera").click()
    expect(page.locator("body")).to_contain_text("Hänvisningen är registrerad.")
    page.get_by_role("button", name="Logga ut").click()

    log_in(page, "frida.alm")
    page.goto(page.base_url + "/samverkan/remisser/")
    assert_accessible(page, "partner-referrals")
    page.get_by_role("button", name=re.compile("^Mottagen: R-")).first.click()
    expect(page.locator("body")).to_contain_text("Hänvisningen är markerad som mottagen.")
    page.goto(page.base_url + "/enkater/samverkanspart/")
    assert_accessible(page, "partner-survey")


def test_coordinator_builds_a_competence_plan_and_a_manager_approves_it(page):
    log_in(page, "sara.holm")
    page.get_by_role("navigation", name="Huvudmeny").get_by_role("link", name="Kompetens").click()
    assert_accessible(page, "competence-mine")
    page.get_by_role("link", name="Kompetensutvecklingsplan för Salvik").click()
    assert_accessible(page, "competence-plans")
    page.get_by_role("button", name="Påbörja en plan").click()
    expect(page.locator("body")).to_contain_text("Ett utkast till plan påbörjades.")
    page.get_by_role("link", name="Lägg till ett krav").click()
    page.get_by_role("button", name="Spara").click()
    expect(page.locator("body")).to_contain_text("Detta fält måste fyllas i.")
    page.get_by_label(re.compile(r"^Krav \(")).fill("Grundutbildning om våld i nära relationer")
    page.get_by_label("Webbkurs om våld: Mäns våld mot kvinnor och våld i nära relationer").check()
    page.get_by_label("Senast, månader efter anställning").fill("6")
    assert_accessible(page, "competence-requirement-form")
    page.get_by_role("button", name="Spara").click()
    expect(page.locator("body")).to_contain_text("Kravet sparades.")
    page.get_by_role("link", name="Lägg till ett steg").click()
    page.get_by_label(re.compile(r"^Steg \(")).fill("Introduktionssamtal med kvinnofridssamordnaren")
    page.get_by_label("Inom dagar efter anställning").fill("30")
    page.get_by_label("Vem ser till att det blir gjort").select_option(label="Kvinnofridssamordnaren")
    page.get_by_role("button", name="Spara").click()
    assert_accessible(page, "competence-plan-draft")
    plan_url = page.url
    assert page.get_by_role("button", name="Godkänn planen").count() == 0  # a coordinator does not approve
    page.get_by_role("button", name="Logga ut").click()
    log_in(page, "nils.falk")
    page.goto(plan_url)
    page.get_by_role("button", name="Godkänn planen").click()
    expect(page.locator("body")).to_contain_text("Planen godkändes och gäller nu.")
    expect(page.locator("body")).to_contain_text("Godkänd av Nils Falk")
    page.goto(page.base_url + "/kommuner/9903/kompetens/")
    expect(page.locator("body")).to_contain_text("Grundutbildning om våld i nära relationer")
    assert_accessible(page, "competence-coverage")


def test_new_social_worker_is_guided_through_the_introduction(page):
    log_in(page, "nora.nystrom")
    expect(page.locator("body")).to_contain_text("Att göra för dig")
    assert_accessible(page, "start-reminders")
    page.get_by_role("navigation", name="Huvudmeny").get_by_role("link", name="Kompetens").click()
    checklist = page.get_by_role("table", name="Checklista för introduktionen")
    assert "Introduktionssamtal med kvinnofridssamordnaren" in checklist.inner_text()
    required = page.get_by_role("table", name="Utbildning som krävs av dig")
    assert "Inte förfallen än" in required.inner_text()
    page.get_by_label(re.compile(r"^Kurs \(")).select_option(
        label="Webbkurs om våld: Mäns våld mot kvinnor och våld i nära relationer"
    )
    page.get_by_label(re.compile(r"^Genomförd den")).fill("2026-11-20")
    page.get_by_role("button", name="Registrera kursen").click()
    expect(page.locator("body")).to_contain_text("Kursen registrerades.")
    expect(page.get_by_role("table", name="Utbildning som krävs av dig")).to_contain_text("Genomförd 2026-11-20")
    page.get_by_role("button", name="Markera ”Läs rutinen vid våld i nära relationer” som klar").click()
    expect(page.locator("body")).to_contain_text("Steget är klart.")
    assert_accessible(page, "competence-mine-after")
    page.get_by_role("link", name="Rutin vid våld i nära relationer").click()
    assert_accessible(page, "routine")
    page.get_by_role("button", name="Jag har läst version 2").click()
    expect(page.locator("body")).to_contain_text("Du har bekräftat att du läst version 2.")
    page.get_by_role("navigation", name="Huvudmeny").get_by_role("link", name="Kompetens").click()
    page.get_by_role("link", name="Ändra min självskattning").click()
    assert_accessible(page, "self-assessment")


def test_manager_sees_gaps_routines_and_the_action_plan(page):
    log_in(page, "demo.chef")
    expect(page.locator("body")).to_contain_text("Kunskap och rutiner i Åstad")
    expect(page.locator("body")).to_contain_text("Handbok för handläggning av våldsärenden")  # overdue for review
    page.get_by_role("link", name="Hela gaprapporten").click()
    assert_accessible(page, "gap-report")
    page.get_by_role("link", name="Täckningen över tid, och ämnen vi inte satsat på").click()
    assert_accessible(page, "gap-report-over-time")
    page.goto(page.base_url + "/kommuner/9901/kompetens/sjalvskattning/")
    assert_accessible(page, "self-assessment-results")
    page.get_by_role("navigation", name="Huvudmeny").get_by_role("link", name="Rutiner").click()
    assert_accessible(page, "routines")
    page.get_by_role("link", name="Checklista: skyddsbedömning av barn").click()
    page.get_by_role("link", name="Läs den och se vad som ändrats").click()
    expect(page.locator("ins").first).to_be_visible()
    assert_accessible(page, "routine-diff")
    page.go_back()
    page.get_by_role("button", name="Godkänn version 2").click()
    expect(page.locator("body")).to_contain_text("Versionen godkändes och gäller nu.")
    page.goto(page.base_url + "/handlingsplaner/")
    page.get_by_role("link", name="Handlingsplan mot våld i nära relationer").click()
    assert_accessible(page, "action-plan")
    page.goto(page.base_url + "/kompetens/kalender/")
    assert_accessible(page, "events")
    page.get_by_role("button", name="Skapa min kalenderadress").click()
    feed = page.locator("code").inner_text()
    assert feed.startswith(page.base_url + "/kalender/") and feed.endswith(".ics")
    page.goto(page.base_url + "/kompetens/kurser/")
    assert_accessible(page, "catalogue")
