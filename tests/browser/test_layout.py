"""The layout at a phone's width (390 × 844) and a laptop's (1366 × 768): no page scrolls sideways,
the main menu collapses behind a button on the phone, nothing spills out of its card on the laptop,
and the health-check matrix keeps its municipality column and its header row in view while it
scrolls. The pages are those of README's tour, plus the wide tables."""

import re

import pytest
from playwright.sync_api import expect

from fridsam.healthcheck.rules import RULES
from tests.browser.conftest import assert_accessible
from tests.browser.test_browser import log_in

PHONE = {"width": 390, "height": 844}
LAPTOP = {"width": 1366, "height": 768}

# Who opens which page. A path, or (path, link): open the path and follow the link of that name,
# or the first link that CSS selector finds (pages whose address holds a database key).
TOUR = {
    "demo.lansanalytiker": [
        "/",
        "/lan/99/halsokontroll/",
        "/halsokontroll/regler/",
        "/lan/99/statistik/",
        "/lan/99/statistik/rangordning/",
        "/lan/99/statistik/effekt/",
        "/lan/99/rapport/2025/",
        "/lan/99/statistik/skr/",
    ],
    "demo.chef": [
        "/",
        "/kommuner/9901/",
        "/kommuner/9901/kompetens/",
        "/kommuner/9901/kompetens/over-tid/",
        "/kommuner/9901/kompetens/sjalvskattning/",
        "/rutiner/",
        ("/rutiner/", "Checklista: skyddsbedömning av barn"),
        ("/handlingsplaner/", "Handlingsplan mot våld i nära relationer"),
        "/kommuner/9901/loggkontroll/",
        "/kommuner/9901/loggkontroll/plan/",
        "/kommuner/9901/loggkontroll/vem-har-last/?id=1",
        "/kommuner/9901/loggkontroll/vad-har-last/",
    ],
    "demo.samordnare": [
        "/kommuner/9906/",
        "/kommuner/9906/statistik/",
        ("/kommuner/9906/statistik/", re.compile("Registrera uppgifter för")),
        "/statistik/import/",
        "/skyddat-boende/",
        "/skyddat-boende/?adult_group=women&adults=1&child_1_age=7&child_1_sex=girl"
        "&child_2_age=4&child_2_sex=boy&pets=on",
        "/bostadsbyte/",
        "/bostadsbyte/balans/",
    ],
    "demo.socialsekreterare": [
        "/uppfoljning/",
        "/uppfoljning/ny/",
        ("/uppfoljning/", "main table a[href^='/uppfoljning/']"),
        "/bollplank/",
    ],
    "anna.lind": [
        "/enkater/samordnare/",
        "/bollplank/",
        "/samverkan/",
        ("/samverkan/", "Samverkansgruppen mot våld i nära relationer, Åstad"),
        "/samverkan/overenskommelser/",
        "/kommuner/9901/oppna-jamforelser/",
        "/kommuner/9901/statistik/skr/",
        "/stod/9901/",
        "/tillganglighet/",
    ],
    "demo.partner": ["/"],
    "frida.alm": ["/", "/samverkan/remisser/", "/enkater/samverkanspart/"],
    "nora.nystrom": ["/", "/kompetens/", "/kompetens/sjalvskattning/"],
    "sara.holm": ["/kommuner/9903/kompetensplan/", "/kommuner/9903/offentlig-sida/"],
}

# Everything inside a card lies within it (hidden things, what is clipped by a scrolling box
# inside the card, and visually hidden text for screen readers left aside).
SPILLS = """() => {
  const spills = [];
  for (const card of document.querySelectorAll('.ds-card, .fs-card, .fs-check-group')) {
    if (!card.checkVisibility()) continue;
    const box = card.getBoundingClientRect();
    for (const el of card.querySelectorAll('*')) {
      if (!el.checkVisibility({visibilityProperty: true})) continue;
      const r = el.getBoundingClientRect();
      if (r.width <= 1 || r.height <= 1) continue;
      let clipped = false;
      for (let p = el.parentElement; p && p !== card; p = p.parentElement) {
        if (getComputedStyle(p).overflowX !== 'visible') { clipped = true; break; }
      }
      if (clipped) continue;
      if (r.left < box.left - 1 || r.right > box.right + 1 || r.top < box.top - 1 || r.bottom > box.bottom + 1) {
        const text = (el.textContent || '').trim().slice(0, 40);
        spills.push(`${el.tagName.toLowerCase()}.${el.className} «${text}» [${Math.round(r.left)}–`
          + `${Math.round(r.right)}] outside ${card.className} [${Math.round(box.left)}–${Math.round(box.right)}]`);
      }
    }
  }
  return spills;
}"""

SIDEWAYS = "() => [document.documentElement.scrollWidth, window.innerWidth]"

# Tables whose right edge a person cannot reach: wider than the window and in no box that scrolls
# (the page not scrolling sideways is not enough: an ancestor may cut the table off).
CLIPPED_TABLES = """() => {
  const out = [];
  for (const t of document.querySelectorAll('main table')) {
    if (!t.offsetParent) continue;
    let box = t, reachable = t.getBoundingClientRect().right <= window.innerWidth + 1;
    while (!reachable && box && box !== document.body) {
      const s = getComputedStyle(box);
      if (['auto', 'scroll'].includes(s.overflowX) && box.getBoundingClientRect().right <= window.innerWidth + 1
          && box.scrollWidth > box.clientWidth) reachable = true;
      box = box.parentElement;
    }
    if (!reachable) out.push((t.caption ? t.caption.textContent : t.querySelector('th')?.textContent || '').trim());
  }
  return out;
}"""

# A table that scrolls sideways in its box says so in the line above it (tables.js).
UNANNOUNCED_SCROLLS = """() => {
  const out = {unannounced: [], announced: 0};
  for (const t of document.querySelectorAll('main table')) {
    if (!t.offsetParent) continue;
    const box = t.closest('.fs-matrix-wrap') || t;
    if (box.scrollWidth <= box.clientWidth + 1) continue;
    const hint = box.previousElementSibling;
    if (hint && hint.classList.contains('fs-scroll-hint') && hint.checkVisibility()) out.announced++;
    else out.unannounced.push((t.caption ? t.caption.textContent : t.querySelector('th')?.textContent || '').trim());
  }
  return out;
}"""


def _visit(page, target):
    if isinstance(target, tuple):
        path, link = target
        page.goto(page.base_url + path)
        if isinstance(link, str) and link.startswith("main "):
            page.locator(link).first.click()
        else:
            page.locator("main").get_by_role("link", name=link).first.click()
        expect(page).not_to_have_url(page.base_url + path)
    else:
        page.goto(page.base_url + target)
    expect(page.get_by_role("heading", level=1).first).to_be_visible()
    return page.url


def _assert_menu_collapsed(page):
    nav = page.get_by_role("navigation", name="Huvudmeny")
    if page.locator("[data-fs-nav]").count() == 0:  # the public pages have no menu
        return
    toggle = nav.get_by_role("button", name="Meny")
    expect(toggle).to_be_visible()
    expect(toggle).to_have_attribute("aria-expanded", "false")
    expect(nav.get_by_role("link").first).to_be_hidden()


@pytest.mark.parametrize("username", list(TOUR))
def test_no_page_scrolls_sideways_on_a_phone_and_the_menu_is_collapsed(page, username):
    page.set_viewport_size(PHONE)
    log_in(page, username)
    announced = 0
    for target in TOUR[username]:
        url = _visit(page, target)
        scroll_width, width = page.evaluate(SIDEWAYS)
        assert scroll_width <= width, f"{url} scrolls sideways at {width} px: {scroll_width} px wide"
        assert page.evaluate(CLIPPED_TABLES) == [], f"{url}: tables cut off at {width} px"
        page.wait_for_load_state()  # tables.js has run
        scrolls = page.evaluate(UNANNOUNCED_SCROLLS)
        assert scrolls["unannounced"] == [], f"{url}: tables scroll without saying so"
        announced += scrolls["announced"]
        _assert_menu_collapsed(page)
    assert announced > 0  # every role's tour has a table wider than a phone: the check bites


@pytest.mark.parametrize("username", list(TOUR))
def test_nothing_spills_out_of_its_card_on_a_laptop(page, username):
    page.set_viewport_size(LAPTOP)
    log_in(page, username)
    for target in TOUR[username]:
        url = _visit(page, target)
        assert page.evaluate(SIDEWAYS)[0] <= LAPTOP["width"], url
        nav = page.get_by_role("navigation", name="Huvudmeny")
        if page.locator("[data-fs-nav]").count():  # on a laptop the whole menu shows, no button
            expect(nav.get_by_role("link").first).to_be_visible()
            expect(nav.get_by_role("button", name="Meny")).to_be_hidden()
        assert page.evaluate(SPILLS) == [], url


def test_the_menu_collapses_behind_a_button_that_works_with_the_keyboard(page):
    page.set_viewport_size(PHONE)
    log_in(page, "demo.chef")
    nav = page.get_by_role("navigation", name="Huvudmeny")
    toggle = nav.get_by_role("button", name="Meny")
    links = nav.get_by_role("link")
    expect(toggle).to_have_attribute("aria-expanded", "false")
    expect(links.first).to_be_hidden()
    assert toggle.get_attribute("aria-controls") == "fs-nav-list"
    assert_accessible(page, "layout-menu-collapsed")

    toggle.click()
    expect(toggle).to_have_attribute("aria-expanded", "true")
    expect(nav.get_by_role("link", name="Kommuner")).to_be_visible()
    expect(links.last).to_be_visible()
    assert_accessible(page, "layout-menu-expanded")
    nav.get_by_role("link", name="Kommuner").click()
    expect(page).to_have_url(re.compile(r"/kommuner/$"))
    expect(nav.get_by_role("button", name="Meny")).to_have_attribute("aria-expanded", "false")

    # By keyboard alone: Tab reaches the button with a visible focus, Enter opens, Escape closes
    # and gives the focus back to the button.
    page.locator("body").press("Home")
    for _ in range(12):
        page.keyboard.press("Tab")
        if toggle.evaluate("button => button === document.activeElement"):
            break
    expect(toggle).to_be_focused()
    assert toggle.evaluate("button => button.matches(':focus-visible')")
    assert toggle.evaluate("button => getComputedStyle(button).outlineStyle") != "none"
    page.keyboard.press("Enter")
    expect(toggle).to_have_attribute("aria-expanded", "true")
    page.keyboard.press("Tab")
    expect(links.first).to_be_focused()
    page.keyboard.press("Escape")
    expect(toggle).to_have_attribute("aria-expanded", "false")
    expect(toggle).to_be_focused()
    expect(links.first).to_be_hidden()

    # On a laptop the menu is simply there.
    page.set_viewport_size(LAPTOP)
    expect(toggle).to_be_hidden()
    expect(links.first).to_be_visible()


def _first_column_in_view(wrap):
    """Where the first column's cells and the header row lie against the scrolled box."""
    return wrap.evaluate(
        """wrap => {
          const box = wrap.getBoundingClientRect();
          const cells = [...wrap.querySelectorAll('tr > :first-child')].map(c => c.getBoundingClientRect());
          const head = wrap.querySelector('thead tr > :nth-child(2)').getBoundingClientRect();
          return {
            scrollLeft: wrap.scrollLeft, scrollTop: wrap.scrollTop,
            columnLeft: Math.max(...cells.map(r => Math.abs(r.left - box.left))),
            headTop: head.top - box.top,
          };
        }"""
    )


def test_the_matrix_keeps_its_first_column_and_header_in_view(page, server_shell):
    """20 rules and 49 municipalities (the largest county) at 1366 × 768: every rule is on the
    screen at once; scrolled down and sideways, the municipalities and the rules stay in view."""
    server_shell(
        "from fridsam.accounts.models import Membership\n"
        "from fridsam.organisations.models import County\n"
        "m = Membership.system_objects.filter(user__username='demo.lansanalytiker').first()\n"
        "m.pk = None\n"
        "m.county = County.objects.get(code='14')\n"
        "m.save()\n"
    )
    try:
        page.set_viewport_size(LAPTOP)
        log_in(page, "demo.lansanalytiker")
        page.goto(page.base_url + "/lan/14/halsokontroll/")
        wrap = page.get_by_role("region", name="Kommunerna och varje regels bedömning")
        table = wrap.get_by_role("table")
        expect(table.locator("tbody tr")).to_have_count(49)
        headers = table.locator("thead th")
        expect(headers).to_have_count(len(RULES) + 1)
        expect(headers.nth(1)).to_have_attribute("title", re.compile(r"\w"))
        assert "HK01" in headers.nth(1).inner_text()
        # All the rules fit: the box does not scroll sideways, and it is at most a screen high.
        assert wrap.evaluate("w => w.scrollWidth <= w.clientWidth"), "the matrix does not fit 1366 px"
        assert wrap.evaluate("w => w.getBoundingClientRect().height") <= LAPTOP["height"]
        wrap.scroll_into_view_if_needed()
        wrap.evaluate("w => w.scrollTo(0, w.scrollHeight)")
        expect(table.locator("tbody tr").last.locator("th")).to_be_in_viewport()
        state = _first_column_in_view(wrap)
        assert state["scrollTop"] > 0 and abs(state["headTop"]) <= 1, state
        assert_accessible(page, "layout-matrix-49")

        # Verdicts opened at the right edge widen their columns until the matrix scrolls sideways:
        # scrolled to the far right, the municipality column stays where it was.
        last = table.locator("tbody tr").last
        cells = last.locator("td:has(summary)")
        for n in range(1, 6):
            cell = cells.nth(cells.count() - n)
            cell.locator("summary").click()
            expect(cell.locator(".fs-cell-details__body")).to_be_visible()
            if wrap.evaluate("w => w.scrollWidth > w.clientWidth"):
                break
        wrap.evaluate("w => w.scrollTo(w.scrollWidth, w.scrollHeight)")
        expect(last.locator("th")).to_be_in_viewport()
        state = _first_column_in_view(wrap)
        assert state["scrollLeft"] > 0 and state["columnLeft"] <= 1 and abs(state["headTop"]) <= 1, state
    finally:
        server_shell(
            "from fridsam.accounts.models import Membership\n"
            "Membership.system_objects.filter(user__username='demo.lansanalytiker', county__code='14').delete()\n"
        )

    # On a phone the matrix scrolls inside its box, never the page, and the names stay.
    page.set_viewport_size(PHONE)
    page.goto(page.base_url + "/lan/99/halsokontroll/")
    wrap = page.get_by_role("region", name="Kommunerna och varje regels bedömning")
    wrap.scroll_into_view_if_needed()
    wrap.evaluate("w => w.scrollTo(w.scrollWidth, 0)")
    state = _first_column_in_view(wrap)
    assert state["scrollLeft"] > 0 and state["columnLeft"] <= 1, state
    expect(wrap.get_by_role("link", name="Salvik")).to_be_in_viewport()
    scroll_width, width = page.evaluate(SIDEWAYS)
    assert scroll_width <= width


def test_the_county_statistics_headers_do_not_overlap(page):
    page.set_viewport_size(LAPTOP)
    log_in(page, "demo.lansanalytiker")
    page.goto(page.base_url + "/lan/99/statistik/")
    wrap = page.locator(".fs-matrix-wrap").filter(has=page.locator("table.fs-compare"))
    overlaps = wrap.evaluate(
        """wrap => {
          const heads = [...wrap.querySelectorAll('thead th')];
          const out = [];
          for (const th of heads) {
            const cell = th.getBoundingClientRect();
            for (const el of th.querySelectorAll('*')) {
              const r = el.getBoundingClientRect();
              if (r.width && (r.left < cell.left - 1 || r.right > cell.right + 1)) out.push(el.textContent.trim());
            }
            if (th.scrollWidth > th.clientWidth + 1) out.push(th.textContent.trim());
          }
          return out;
        }"""
    )
    assert overlaps == []
    wrap.scroll_into_view_if_needed()
    wrap.evaluate("w => w.scrollTo(w.scrollWidth, 0)")
    state = _first_column_in_view(wrap)
    assert state["scrollLeft"] > 0 and state["columnLeft"] <= 1, state
    expect(wrap.get_by_role("link", name="Åstad")).to_be_in_viewport()


def _assert_prints_without_menu_or_buttons(page):
    page.emulate_media(media="print")
    expect(page.get_by_role("navigation", name="Huvudmeny")).to_be_hidden()
    expect(page.get_by_role("heading", level=1)).to_be_visible()
    buttons = page.locator("button, .ds-button, form").evaluate_all(
        "els => els.filter(e => e.checkVisibility()).map(e => e.textContent.trim())"
    )
    assert buttons == [], (page.url, buttons)
    for table in page.locator("main table").all():  # whole: nothing is cut off at the right
        assert table.evaluate("t => t.scrollWidth <= t.clientWidth + 1 && getComputedStyle(t).display === 'table'")
        assert table.evaluate("t => t.getBoundingClientRect().right <= document.documentElement.clientWidth + 1")
    page.emulate_media(media="screen")


def test_printed_pages_have_no_menu_no_buttons_and_whole_tables(page):
    """The municipality page, a collaboration meeting's minutes and an action plan, as printed."""
    log_in(page, "anna.lind")
    _visit(page, "/kommuner/9901/")
    _assert_prints_without_menu_or_buttons(page)
    _visit(page, ("/samverkan/", "Samverkansgruppen mot våld i nära relationer, Åstad"))
    page.locator("main table a[href*='/mote/']").first.click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("2026")
    _assert_prints_without_menu_or_buttons(page)
    log_in(page, "demo.chef")
    _visit(page, ("/handlingsplaner/", "Handlingsplan mot våld i nära relationer"))
    _assert_prints_without_menu_or_buttons(page)


@pytest.mark.parametrize("viewport", [LAPTOP, PHONE], ids=["1366", "390"])
def test_the_effect_page_reads_well_and_passes_axe(page, viewport):
    """Does the coordinator make a difference? (ADR 0028): the demo county's ten municipalities
    give an honest "too little data", in words; the page holds at both widths."""
    page.set_viewport_size(viewport)
    log_in(page, "demo.lansanalytiker")
    page.goto(page.base_url + "/statistik/")
    page.get_by_role("link", name="Gör samordnaren skillnad?", exact=True).first.click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Gör samordnaren skillnad?")
    page.get_by_label("Indikator").select_option("vinr_all")
    page.get_by_role("button", name="Visa").click()
    expect(page.get_by_role("heading", level=2, name="För lite underlag")).to_be_visible()
    expect(page.locator("main")).to_contain_text("kan sällan säga mer än varje kommuns egen läsning")
    assert page.evaluate(SIDEWAYS)[0] <= viewport["width"]
    assert_accessible(page, f"effects-{viewport['width']}")
