"""One whole task of the README without a mouse: the social worker registers a new case under
*Ärendeuppföljning* with Tab, Shift+Tab, Enter, Space, the arrow keys and typing only. At every
step the element that has the focus is on the screen and shows it (an outline or a box-shadow of
its own), as WCAG 2.4.7 asks; the skip link leads past the menu."""

import re
import time

from playwright.sync_api import expect

from tests.browser.test_browser import log_in

# What has the focus: where it is, whether it is on the screen and what shows the focus.
FOCUSED = """() => {
  const e = document.activeElement;
  if (!e || e === document.body || e === document.documentElement) return null;
  const r = e.getBoundingClientRect(), s = getComputedStyle(e);
  const label = (e.labels && e.labels.length ? e.labels[0].innerText : '') || e.getAttribute('aria-label')
    || (e.tagName === 'SELECT' ? '' : e.innerText) || e.id;
  return {
    tag: e.tagName.toLowerCase(), type: e.type || '', id: e.id, label: label.trim().replace(/\\s+/g, ' '),
    inMain: !!e.closest('main'),
    onScreen: r.width > 0 && r.height > 0 && r.bottom > 0 && r.right > 0 && r.top < innerHeight
      && r.left < innerWidth && s.visibility !== 'hidden' && parseFloat(s.opacity) > 0,
    outline: s.outlineStyle !== 'none' && parseFloat(s.outlineWidth) > 0 ? s.outlineStyle + ' ' + s.outlineWidth : '',
    boxShadow: s.boxShadow !== 'none' ? s.boxShadow : '',
  };
}"""


def focused(page) -> dict:
    """The focused element, failing unless it is on the screen and shows a focus indicator."""
    element = page.evaluate(FOCUSED)
    assert element is not None, f"the focus is lost on {page.url}"
    assert element["onScreen"], f"the focused element is not on the screen: {element}"
    assert element["outline"] or element["boxShadow"], f"the focused element shows no focus: {element}"
    return element


def press(page, key: str) -> dict:
    page.keyboard.press(key)
    return focused(page)


def _is(element: dict, label: str | re.Pattern) -> bool:
    text = element["label"]
    return bool(label.search(text)) if isinstance(label, re.Pattern) else text == label


def tab_to(page, label: str | re.Pattern, *, back: bool = False, limit: int = 60) -> dict:
    """Tab (Shift+Tab when *back*) until the focus is on the element labelled *label*, checking
    every element passed on the way."""
    for _ in range(limit):
        element = press(page, "Shift+Tab" if back else "Tab")
        if _is(element, label):
            return element
    raise AssertionError(f"no element labelled {label!r} within {limit} presses of Tab on {page.url}")


def choose(page, label: str, option: str) -> None:
    """Tab to the list *label* and pick *option* with the arrow keys."""
    name = re.compile("^" + re.escape(label) + r"( \(|$)")  # the label, perhaps "(obligatorisk)"
    select = page.get_by_label(name)
    tab_to(page, name)
    for _ in range(30):
        if select.evaluate("s => s.options[s.selectedIndex].text") == option:
            return
        press(page, "ArrowDown")
    raise AssertionError(f"{option!r} is not among the choices of {label!r}")


def skip_to_main(page) -> dict:
    """The first Tab of a page reaches the skip link, and Enter on it leads into the content: the
    next Tab is on the content's first link or field, which is returned."""
    # A key pressed while the new page is still loading goes to the one before it.
    page.wait_for_function("document.readyState === 'complete' && document.hasFocus()")
    link = press(page, "Tab")
    assert link["label"] == "Hoppa till huvudinnehållet", link
    page.keyboard.press("Enter")
    first = press(page, "Tab")
    assert first["inMain"], f"after the skip link the next Tab is in the main content, not on {first}"
    return first


def test_a_social_worker_registers_a_case_with_the_keyboard_only(page):
    log_in(page, "demo.socialsekreterare")  # the session is open: the start page
    expect(page.get_by_role("heading", level=1)).to_contain_text("Välkommen")

    # The skip link, then back up (Shift+Tab) through the menu to "Ärendeuppföljning".
    skip_to_main(page)
    tab_to(page, "Ärendeuppföljning", back=True)
    page.keyboard.press("Enter")
    page.wait_for_url(page.base_url + "/uppfoljning/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Ärendeuppföljning")

    if not _is(skip_to_main(page), "Registrera ett ärende"):
        tab_to(page, "Registrera ett ärende")
    page.keyboard.press("Enter")
    page.wait_for_url(page.base_url + "/uppfoljning/ny/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Registrera ett ärende")

    # The form, field by field: typing, the arrow keys in the lists, Space for the boxes.
    if not _is(skip_to_main(page), re.compile(r"^Ärendenummer i journalsystemet")):
        tab_to(page, re.compile(r"^Ärendenummer i journalsystemet"))
    reference = f"IFO-TANGENT-{time.time_ns()}"  # a case the municipality does not follow yet
    page.keyboard.type(reference)
    choose(page, "Väg in", "Polisen")
    choose(page, "Kategori", "Vuxen som utsatts för våld")
    choose(page, "Kön", "Kvinna eller flicka")
    choose(page, "Ålder", "25–44 år")
    choose(page, "Relation till den som utövar våld", "Tidigare partner")
    box = tab_to(page, "Fysiskt")
    assert box["type"] == "checkbox"
    page.keyboard.press("Space")
    expect(page.get_by_label("Fysiskt", exact=True)).to_be_checked()
    tab_to(page, "Psykiskt")
    page.keyboard.press("Space")
    tab_to(page, "Fysiskt", back=True)  # Shift+Tab back to check the first box is still ticked
    expect(page.get_by_label("Fysiskt", exact=True)).to_be_checked()
    expect(page.get_by_label("Psykiskt", exact=True)).to_be_checked()
    tab_to(page, "Registrera")
    page.keyboard.press("Enter")

    expect(page.locator("main")).to_contain_text("Ärendet är registrerat")
    expect(page.locator("main")).not_to_contain_text(reference)
    expect(page.locator("main")).to_contain_text("Tidigare partner")
    expect(page.locator("main")).to_contain_text("Fysiskt, Psykiskt")
    # The form was reached through the skip link: its #main is kept over the redirect, so the new
    # record's page starts in its content, and the focus is shown there too.
    assert page.url.endswith("#main"), page.url
    page.wait_for_function("document.readyState === 'complete' && document.hasFocus()")
    assert press(page, "Tab")["inMain"]
