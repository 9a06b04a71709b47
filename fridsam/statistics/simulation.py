"""Simulated municipalities for the effect estimate (fridsam.statistics.effects, ADR 0028): their
own level, a common year effect, noise, staggered coordinator starts and a known effect.

Two generators, one model of the figures:

* :func:`panel` gives the estimate's input directly, without the database (the simulation test
  and the benchmark's coverage over many seeds). The outcome is the logarithm of a rate, as the
  estimate reads the stored figures, so an effect of +15 % from the start is log(1.15) in every
  treated year, and the truth the interval must cover is that number. ``trend`` gives the
  municipalities that start a trend of their own, in every year before and after (a diverging
  pre-trend the check must flag).
* :func:`store_county` writes a county into the database as Fridsam holds one: municipalities,
  population, coordinator posts through the coordination services (the coordinators are accounts
  that cannot log in) and figures per indicator, year and municipality (counts in proportion to the
  population). The benchmark at 290 municipalities and the national benchmark data of the demo
  (``manage.py load_national_benchmark``, fridsam.demo.benchmark) are made with it.

Everything it makes is generated: never load it into a database of real municipalities' figures
except as marked practice data (``is_demo``), as the demo's benchmark does.
"""

from __future__ import annotations

import datetime
import math
import random
from collections.abc import Callable

from fridsam.accounts.services import user_create
from fridsam.coordination import services as coordination
from fridsam.organisations.models import County, Municipality, MunicipalityPopulation
from fridsam.statistics.effects import DIMENSIONS, Panel
from fridsam.statistics.models import Indicator, IndicatorValue, Unit

FIRST_YEAR = 2013


def panel(
    seed: int,
    *,
    municipalities: int = 290,
    years: int = 12,
    effect: float = 0.15,
    trend: float = 0.0,
    never_share: float = 0.3,
    noise: float = 0.10,
) -> Panel:
    rng = random.Random(seed)  # noqa: S311 - simulated figures, not a secret
    span = list(range(FIRST_YEAR, FIRST_YEAR + years))
    year_effect, level = {}, 0.0
    for y in span:
        level += rng.gauss(0.02, 0.03)
        year_effect[y] = level
    outcome, cohort, organisation = {}, {}, {}
    for m in range(municipalities):
        base = rng.gauss(3.5, 0.5)  # about 33 per 10 000, from 12 to 90
        start = None if rng.random() < never_share else rng.randint(span[2], span[-1] + 2)
        cohort[m] = start
        if start is not None:
            organisation[m] = {d: rng.choice(levels) for d, levels in DIMENSIONS.items()}
        for j, y in enumerate(span):
            value = base + year_effect[y] + rng.gauss(0.0, noise)
            if start is not None:
                value += trend * j
                if y >= start:
                    value += math.log1p(effect)
            outcome[(m, y)] = value
    return Panel(outcome, cohort, organisation)


def _default_code(code: str, i: int, municipalities: int) -> str:
    return f"{code}{i:02d}" if municipalities < 100 else f"{code[0]}{i:03d}"


def store_county(
    code: str,
    municipalities: int,
    years: range,
    *,
    seed: int = 1,
    effect: float = 0.15,
    indicator_keys: tuple[str, ...] | None = None,
    county_name: str | None = None,
    municipality_code: Callable[[int], str] | None = None,
    municipality_name: Callable[[str, int], str] | None = None,
    is_demo: bool = False,
    shared_share: float = 0.0,
    left_share: float = 0.0,
    username_prefix: str = "sim",
) -> County:
    """A county in the database with staggered coordinator posts and stored figures for
    *indicator_keys* (default: every active indicator that is not a sum of others): counts in
    proportion to the population, a municipality's own level, a common year effect, noise and
    *effect* from the first full year. About 30 % of the municipalities never have a coordinator.

    ``shared_share``: the share of the municipalities with a coordinator that share one with the
    next of them (a post of 50 % in each, started on the same day); ``left_share``: the share whose
    coordinator left, two to four years after the start (the treatment ends there, ADR 0028). Both
    0 by default, when the draws are those the benchmark has always made. The coordinators are
    accounts without a usable password (``<username_prefix>.<municipality code>``). Call it as system
    code (outside any tenant's scope) and in a transaction. Returns the county."""
    rng = random.Random(seed)  # noqa: S311 - simulated figures, not a secret
    county = County.objects.create(code=code, name=county_name or f"Simuleringslän {code}", is_demo=is_demo)
    code_of = municipality_code or (lambda i: _default_code(code, i, municipalities))
    name_of = municipality_name or (lambda _code, i: f"Kommun {i:03d}")
    created = Municipality.objects.bulk_create(
        [
            Municipality(code=code_of(i), name=name_of(code_of(i), i), county=county, is_demo=is_demo)
            for i in range(municipalities)
        ]
    )
    populations = {}
    rows = []
    for m in created:
        total = rng.randint(3_000, 120_000)
        for y in years:
            populations[(m.pk, y)] = total
            rows.append(MunicipalityPopulation(municipality=m, year=y, total=total, adults=int(total * 0.79)))
    MunicipalityPopulation.objects.bulk_create(rows)
    starts: dict[int, int] = {}  # municipality → its first full year with a coordinator
    ends: dict[int, int] = {}  # municipality → the last year counted with one (the coordinator left)
    posts: dict[int, tuple] = {}  # municipality → (start, end, duties, share) of the post it has first
    partner_of: dict[int, Municipality] = {}  # the municipality sharing the post of the key's (its second)
    previous = None
    for m in created:
        if rng.random() < 0.3:
            continue
        if previous is not None and shared_share and rng.random() < shared_share:
            # Shares the post of the municipality before it: the same start, the same coordinator.
            partner_of[previous.pk] = m
            starts[m.pk] = starts[previous.pk]
            previous = None
            continue
        start = datetime.date(rng.randint(years[2], years[-1] + 1), rng.choice((2, 5, 9)), 1)
        starts[m.pk] = start.year + (1 if start.month > 7 else 0)
        end = None
        if left_share and rng.random() < left_share:
            end = datetime.date(start.year + rng.randint(2, 4), 6, 30)
            if end.year >= years[-1]:
                end = None
            else:
                ends[m.pk] = end.year
        duties = rng.choice(("none", "case_handling"))
        share = 50 if duties == "case_handling" or rng.random() < 0.5 else 100
        posts[m.pk] = (start, end, duties, share)
        previous = m
    for m in created:
        if m.pk not in posts:
            continue
        start, end, duties, share = posts[m.pk]
        shared = partner_of.get(m.pk)
        if shared is not None:
            duties, share = "none", 50  # half the person's time in each of the two
            ends.pop(m.pk, None)
            end = None
        coordinator = user_create(
            username=f"{username_prefix}.{m.code}",
            first_name="Samordnare",
            last_name=m.name,
            password=None,
        )
        coordination.post_create(
            coordinator=coordinator,
            assignments=[
                coordination.Assignment(m, share, True),
                *([coordination.Assignment(shared, share, True)] if shared is not None else []),
            ],
            start_date=start,
            end_date=end,
            placement_level="ifo",
            combined_duties=duties,
            combined_duties_percent=50 if duties == "case_handling" else None,
            consultation_support=True,
        )
    year_effect = {y: 0.02 * (y - years[0]) + rng.gauss(0, 0.03) for y in years}
    indicators = [i for i in Indicator.objects.filter(is_active=True) if not i.sum_of]
    if indicator_keys is not None:
        indicators = [i for i in indicators if i.key in indicator_keys]
    values = []
    for indicator in indicators:
        for m in created:
            base = rng.gauss(0.0, 0.3)
            for y in years:
                factor = math.exp(base + year_effect[y] + rng.gauss(0, 0.08))
                if m.pk in starts and starts[m.pk] <= y <= ends.get(m.pk, y):
                    factor *= 1 + effect
                population = populations[(m.pk, y)]
                if indicator.unit == Unit.PERCENT:
                    denominator = max(10, population // 300)
                    count = min(denominator, round(denominator * 0.4 * factor))
                    values.append(
                        IndicatorValue(
                            municipality=m, indicator=indicator, year=y, count=count, denominator=denominator
                        )
                    )
                elif indicator.counts_people:
                    values.append(
                        IndicatorValue(
                            municipality=m, indicator=indicator, year=y, count=round(20 * population / 10_000 * factor)
                        )
                    )
                else:
                    values.append(IndicatorValue(municipality=m, indicator=indicator, year=y, count=round(6 * factor)))
    IndicatorValue.objects.bulk_create(values, batch_size=5_000)
    return county
