"""Simulated panels for the effect estimate (fridsam.statistics.effects): municipalities with their
own level, a common year effect, noise, staggered starts and a known effect.

The outcome is the logarithm of a rate, as the estimate reads the stored figures, so an effect of
+15 % from the start is log(1.15) in every treated year, and the truth the interval must cover is
that number. ``trend`` gives the municipalities that start a trend of their own, in every year
before and after (a diverging pre-trend the check must flag).
"""

from __future__ import annotations

import math
import random

from fridsam.statistics.effects import DIMENSIONS, Panel

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
    rng = random.Random(seed)
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


def store_county(
    code: str,
    municipalities: int,
    years: range,
    *,
    seed: int = 1,
    effect: float = 0.15,
    indicator_keys: tuple[str, ...] | None = None,
):
    """A county in the database with staggered coordinator posts (through the coordination
    services) and stored figures for *indicator_keys* (default: every active indicator): counts in
    proportion to the population, a municipality's own level, a common year effect, noise and
    *effect* from the first full year. Returns the county."""
    import datetime

    from fridsam.accounts.tests import factories as account_factories
    from fridsam.coordination import services as coordination
    from fridsam.core.roles import Role
    from fridsam.organisations.models import County, Municipality, MunicipalityPopulation
    from fridsam.statistics.models import Indicator, IndicatorValue, Unit

    rng = random.Random(seed)
    county = County.objects.create(code=code, name=f"Simuleringslän {code}")
    created = Municipality.objects.bulk_create(
        [
            Municipality(
                code=f"{code}{i:02d}" if municipalities < 100 else f"{code[0]}{i:03d}",
                name=f"Kommun {i:03d}",
                county=county,
            )
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
    starts = {}
    for i, m in enumerate(created):
        if rng.random() < 0.3:
            continue
        start = datetime.date(rng.randint(years[2], years[-1] + 1), rng.choice((2, 5, 9)), 1)
        starts[m.pk] = start.year + (1 if start.month > 7 else 0)
        coordinator = account_factories.staff(Role.MANAGER, municipality=m, with_totp=False)
        duties = rng.choice(("none", "case_handling"))
        share = 50 if duties == "case_handling" or rng.random() < 0.5 else 100
        coordination.post_create(
            coordinator=coordinator,
            assignments=[coordination.Assignment(m, share, True)],
            start_date=start,
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
                if m.pk in starts and y >= starts[m.pk]:
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
