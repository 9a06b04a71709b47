"""The effect estimate (ADR 0028): the simulation that proves the estimator, the stored results,
and the page that reads them.

The simulation is the issue's: 290 municipalities × 12 years, staggered starts, municipality and
year effects, noise and a known effect of +15 % from the start. A few seeds run in the suite (they
take a few seconds each); `make bench` runs a hundred of each (tests/benchmarks/test_effects.py)
and prints the coverage.
"""

import math

import pytest
from django.urls import reverse

from fridsam.accounts.tests import factories as account_factories
from fridsam.core.roles import Role
from fridsam.core.tenancy import unscoped
from fridsam.statistics import effects, simulation
from fridsam.statistics.models import EffectEstimate, EffectVerdict, Indicator

SEEDS = range(5)
TRUTH = math.log1p(0.15)


def _run(seeds, **kwargs):
    return [
        effects.estimate(simulation.panel(seed, **kwargs), seed=seed, boot=199, groups=False, never_treated=False)
        for seed in seeds
    ]


def test_an_effect_of_15_percent_is_covered_and_found_without_bias():
    results = _run(SEEDS)
    covered = sum(r.overall.lower <= TRUTH <= r.overall.upper for r in results)
    assert covered >= len(SEEDS) - 1  # ≥ 90 % of a 95 % interval (the benchmark runs a hundred seeds)
    mean = sum(r.overall.estimate for r in results) / len(results)
    assert abs(mean - TRUTH) < 0.01  # unbiased within simulation error (one estimate's s.e. ≈ 0.01)
    assert all(r.verdict == EffectVerdict.ASSOCIATION for r in results)
    assert all(r.treated >= effects.MIN_TREATED and r.never_treated >= effects.MIN_COMPARISON for r in results)


def test_without_an_effect_the_interval_covers_zero():
    results = _run(SEEDS, effect=0.0)
    assert sum(r.overall.covers_zero for r in results) >= len(SEEDS) - 1
    assert sum(r.verdict == EffectVerdict.NONE_SEEN for r in results) >= len(SEEDS) - 1


def test_a_diverging_trend_before_the_start_is_flagged():
    # 5 % a year of their own, before and after the start: the check (against the never-treated)
    # flags it. A trend of 3 % a year is at the edge of what 290 municipalities can show.
    for result in [
        effects.estimate(simulation.panel(seed, effect=0.0, trend=0.05), seed=seed, boot=0, groups=False)
        for seed in range(2)
    ]:
        assert result.pre_trend_flagged and result.verdict == EffectVerdict.PRE_TREND
        assert result.pre_trend_mean > 0.02


def test_a_county_of_ten_municipalities_never_makes_a_confident_claim():
    # Ten clusters cannot give a trustworthy clustered interval: too little data, whatever the draw.
    for seed in range(10):
        result = effects.estimate(simulation.panel(seed, municipalities=10), seed=seed, boot=199, groups=False)
        assert result.verdict == EffectVerdict.TOO_LITTLE and result.overall is None


def test_the_groups_of_the_organisation_are_estimated_when_large_enough_and_named_when_not():
    panel = simulation.panel(0, municipalities=120, years=8)
    result = effects.estimate(panel, seed=0, boot=0, never_treated=False)
    assert {(g.dimension, g.level) for g in result.groups} == {
        (d, level) for d, levels in effects.DIMENSIONS.items() for level in levels
    }
    assert all(g.interval is not None for g in result.groups if g.municipalities >= effects.MIN_GROUP)
    small = simulation.panel(0, municipalities=30, years=8)
    result = effects.estimate(small, seed=0, boot=0, never_treated=False)
    assert any(g.interval is None and g.municipalities < effects.MIN_GROUP for g in result.groups)


def test_a_group_of_every_treated_municipality_reads_the_main_fit_as_a_fit_of_its_own_would():
    # Every post the municipality's own: the group "own" is the main estimate's sample, so its
    # interval comes from the main fit; it must be the one fitting the group again gives.
    panel = simulation.panel(1, municipalities=80, years=8)
    for organisation in panel.organisation.values():
        organisation["shared"] = "own"
    result = effects.estimate(panel, seed=1, boot=0, never_treated=False)
    own = next(g for g in result.groups if g.level == "own")
    assert own.municipalities == result.treated >= effects.MIN_GROUP
    years = sorted({y for _m, y in panel.outcome})
    usable = effects._treated_usable(panel, years)
    last = years[-1]
    keep = {m: g for m, g in panel.cohort.items() if g is None or m in usable or g > last}
    trimmed = effects.Panel(
        {k: v for k, v in panel.outcome.items() if k[0] in keep},
        {m: (None if g is not None and g > last else g) for m, g in keep.items()},
    )
    simple, _events, _att = effects._fit(
        effects._frame(trimmed), "not_yet_treated", boot=0, seed=1, event=False, pre_years=0
    )
    assert own.interval == effects._interval(simple.iloc[0])


def test_an_event_year_with_too_few_municipalities_is_not_shown():
    result = effects.estimate(simulation.panel(0, municipalities=60), seed=0, boot=0, groups=False)
    assert all((e.interval is None) == (e.municipalities < effects.MIN_SHOWN) for e in result.event)


# -- Stored, and read by the page ------------------------------------------------------------


@pytest.fixture
def county(db):
    with unscoped():
        return simulation.store_county("77", 40, range(2014, 2024), indicator_keys=("vinr_adults", "investigations"))


def test_recompute_stores_aggregates_only_and_keeps_what_has_not_changed(county):
    written = effects.recompute_effects(scope=county.code, indicator_keys=["vinr_adults"])
    assert written == 1
    with unscoped():
        stored = EffectEstimate.objects.get(scope=county.code, indicator__key="vinr_adults")
        codes = list(county.municipalities.values_list("code", flat=True))
    assert stored.verdict in EffectVerdict.values
    text = str(stored.result)
    assert not any(f"'{code}'" in text for code in codes)  # no municipality is named in the result
    assert effects.recompute_effects(scope=county.code, indicator_keys=["vinr_adults"]) == 0
    assert effects.recompute_effects(scope=county.code, indicator_keys=["vinr_adults"], force=True) == 1


def test_the_command_writes_the_estimates(county):
    from django.core.management import call_command

    call_command("recompute_effects", "--scope", county.code, "--indicator", "vinr_adults")
    with unscoped():
        assert EffectEstimate.objects.filter(scope=county.code).count() == 1


def test_the_county_analyst_reads_the_page_and_others_do_not(county, login, client):
    effects.recompute_effects(scope=county.code, indicator_keys=["vinr_adults"])
    with unscoped():
        analyst = account_factories.staff(Role.COUNTY_ANALYST, county=county)
        other_county = simulation.store_county("76", 3, range(2014, 2024), indicator_keys=())
        outsider = account_factories.staff(Role.COUNTY_ANALYST, county=other_county)
        municipal = account_factories.staff(Role.COORDINATOR, municipality=county.municipalities.first())
        names = list(county.municipalities.values_list("name", flat=True))
    url = reverse("statistics:effects", args=[county.code]) + "?indikator=vinr_adults"
    login(analyst)
    response = client.get(url)
    assert response.status_code == 200
    page = response.content.decode()
    assert "<svg" in page and "<table" in page
    assert response.context["reading"].verdict in EffectVerdict.values
    assert not any(name in page for name in names)  # nothing per municipality
    index = client.get(reverse("statistics:index")).content.decode()
    assert reverse("statistics:effects", args=[county.code]) in index
    # The estimate over every municipality is the national actor's (ADR 0042), not a county's.
    assert f'href="{reverse("statistics:national_effects")}"' not in index
    assert client.get(reverse("statistics:national_effects")).status_code == 404
    for user in (outsider, municipal):
        login(user)
        assert client.get(url).status_code == 404
    assert client.get(reverse("statistics:national_effects")).status_code == 404


def test_the_national_analyst_reads_the_national_estimate_and_no_county(county, world, login, client):
    effects.recompute_effects(indicator_keys=["vinr_adults"])
    with unscoped():
        names = list(county.municipalities.values_list("name", flat=True))
    login(world.national)
    response = client.get(reverse("statistics:national_effects") + "?indikator=vinr_adults")
    assert response.status_code == 200
    reading = response.context["reading"]
    assert reading.effect and reading.interval and "<svg" in reading.chart and reading.event
    page = response.content.decode()
    assert "<svg" in page and "<table" in page
    assert not any(name in page for name in names)  # nothing per municipality
    assert reading.practice is None  # the simulated county is not marked as practice data
    # Their own county's page, the county overview, every municipality's page: refused.
    for url in (
        reverse("statistics:effects", args=[county.code]),
        reverse("statistics:county", args=[county.code]),
        reverse("statistics:index"),
        reverse("statistics:municipality", args=[county.municipalities.first().code]),
        reverse("organisations:municipality_list"),
    ):
        assert client.get(url).status_code in (403, 404), url
    # The start page and the menu: the estimate per indicator, and only that.
    start = client.get(reverse("core:start"))
    menu = [(item.label, item.url) for item in start.context["navigation"]]
    assert ("Gör samordnaren skillnad?", reverse("statistics:national_effects")) in menu
    assert {url for _label, url in menu} == {
        reverse("core:start"),
        reverse("statistics:national_effects"),
        reverse("accounts:profile"),
    }
    text = start.content.decode()
    assert "Nationell uppföljning" in text and "?indikator=vinr_adults" in text
    assert "Ingen roll" not in text


def test_the_practice_data_is_said_to_be_generated(county, world, login, client):
    with unscoped():
        county.municipalities.update(is_demo=True)
    effects.recompute_effects(indicator_keys=["vinr_adults"])
    login(world.national)
    response = client.get(reverse("statistics:national_effects") + "?indikator=vinr_adults")
    assert "Alla 40 kommuner i skattningen är övningsdata" in response.content.decode()
    with unscoped():
        county.municipalities.filter(code__gt=f"{county.code}19").update(is_demo=False)
    effects.recompute_effects(indicator_keys=["vinr_adults"])  # the marks changed: computed again
    response = client.get(reverse("statistics:national_effects") + "?indikator=vinr_adults")
    assert "20 av de 40 kommunerna i skattningen är övningsdata" in response.content.decode()


def test_an_indicator_not_computed_yet_says_so(county, login, client):
    with unscoped():
        analyst = account_factories.staff(Role.COUNTY_ANALYST, county=county)
    login(analyst)
    response = client.get(reverse("statistics:effects", args=[county.code]) + "?indikator=investigations")
    assert response.status_code == 200 and response.context["reading"] is None
    assert Indicator.objects.filter(key="investigations").exists()
