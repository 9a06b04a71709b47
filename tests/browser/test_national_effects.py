"""The national actor's analyst with the national benchmark data loaded (ADR 0028, 0042): the start
page and the menu hold only the estimate over every municipality; the effect page gives an
estimate with its interval, the event-study chart with its data table, and says that the figures
are generated practice data. Each page passes axe at a laptop's width and a phone's.

The benchmark is loaded into a server of its own (``manage.py load_national_benchmark``, as the
README says), so the other browser tests keep the demo as `make run` loads it. It is smaller than
the demo's 290 municipalities, for time; the page is the same."""

import re
import subprocess
import sys

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import ROOT, assert_accessible, demo_server
from tests.browser.test_browser import log_in

SIZES = {"laptop": {"width": 1366, "height": 768}, "phone": {"width": 390, "height": 844}}


@pytest.fixture(scope="module")
def benchmark_url(live_url, tmp_path_factory):
    """A fresh demo with the national benchmark data (live_url first: it checks Chromium and axe-core)."""
    with demo_server(tmp_path_factory) as (url, env):
        subprocess.run(
            [sys.executable, "manage.py", "load_national_benchmark", "--municipalities", "120", "--counties", "8"],
            cwd=ROOT,
            env=env,
            check=True,
            timeout=900,
            capture_output=True,
        )
        yield url


@pytest.fixture(scope="module")
def sessions() -> dict[str, list]:
    """This server's own logins."""
    return {}


@pytest.fixture
def page(page, benchmark_url):
    page.base_url = benchmark_url
    return page


def _accessible_at_both_sizes(page, name):
    for size, viewport in SIZES.items():
        page.set_viewport_size(viewport)
        expect(page.get_by_role("heading", level=1)).to_be_visible()
        assert_accessible(page, f"{name}-{size}")
        width, window = page.evaluate("() => [document.documentElement.scrollWidth, window.innerWidth]")
        assert width <= window + 1, f"{name} scrolls sideways at {size}: {width} > {window}"
    page.set_viewport_size(SIZES["laptop"])


def test_the_national_analyst_reads_the_estimate_over_every_municipality(page):
    log_in(page, "demo.nationell")
    menu = page.get_by_role("navigation", name="Huvudmeny")
    assert [a.inner_text().strip() for a in menu.get_by_role("link").all()] == [
        "Start",
        "Gör samordnaren skillnad?",
        "Mitt konto",
    ]
    main = page.locator("main")
    expect(main).to_contain_text("Nationell analytiker – Nationell kvinnofridsuppföljning (demo)")
    expect(main.get_by_role("heading", name="Genererade övningsdata, inte verkliga kommuner")).to_be_visible()
    table = page.get_by_role("table", name="Skattningen över alla kommuner i landet, per indikator")
    expect(table.get_by_role("row", name=re.compile("^Aktualiserade våldsärenden, vuxna och barn"))).to_contain_text(
        "Ett samband som stämmer med samordnaren"
    )
    _accessible_at_both_sizes(page, "national-start")

    menu.get_by_role("link", name="Gör samordnaren skillnad?").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Gör samordnaren skillnad?")
    expect(page.locator(".fs-lead")).to_contain_text("Alla kommuner i landet")
    alert = page.locator("#practice-data")
    expect(alert).to_contain_text("kommuner i skattningen är övningsdata")
    expect(alert).to_contain_text("inte verkliga kommuners")
    page.get_by_label("Indikator").select_option("vinr_adults")
    page.get_by_role("button", name="Visa").click()
    expect(page.locator(".fs-lead")).to_contain_text("Aktualiserade våldsärenden, vuxna")
    # The estimate with its interval.
    facts = page.locator(".fs-facts")
    expect(facts).to_contain_text("Skattad skillnad från starten")
    expect(facts).to_contain_text(re.compile(r"95 % intervall\s*[+-]\d+,\d % till [+-]\d+,\d %"))
    # The event study: the chart, and its data in a table.
    expect(page.locator(".fs-chart-wrap svg")).to_be_visible()
    event = page.get_by_role("table", name="Skillnaden per år sedan starten")
    expect(event.locator("tbody tr").first).to_be_visible()
    assert event.locator("tbody tr").count() >= 5
    expect(event.get_by_role("row", name=re.compile(r"^0 "))).to_contain_text("till")
    _accessible_at_both_sizes(page, "national-effects")

    # Nothing of any county or municipality.
    for path in ("/lan/99/statistik/effekt/", "/kommuner/9901/", "/statistik/", "/kommuner/"):
        response = page.goto(page.base_url + path)
        assert response.status in (403, 404), f"{path} answered {response.status}"
