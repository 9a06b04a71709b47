"""The national benchmark data (nationella jämförelsedata): generated practice data for the effect
estimate over every municipality in the country (ADR 0028, 0042).

A county's ten municipalities can only say "too little data"; the estimate needs a country's worth.
This loads 290 generated municipalities in 21 generated counties (as many as Sweden has), with ten
years of figures for every indicator (2016–2025, the demo's years) and coordinator posts with
staggered starts, some shared between two municipalities and some ended, from the same simulation
the tests and the benchmark use (:func:`fridsam.statistics.simulation.store_county`). The figures
carry a difference of +15 % from the first full year with a coordinator, so that the estimate has
something to find; they are nobody's figures.

Honesty: every county and municipality is marked as practice data (``is_demo``) and named so
("Övningslän 70 (genererade jämförelsedata)", "Övningskommun 7001"); the effect page says how many of
the municipalities in an estimate are practice data (``effect_reading.practice_note``). The codes
(counties 70–90) are codes no county of SCB's has, nor the demo county (99).

Idempotent: a county already loaded is left as it is, so a second run changes nothing; the demo
county is never touched. Afterwards the estimates are recomputed by the same task as the nightly
one (``recompute_effects`` as a task of the kind "command", fridsam.tasks), which rewrites only
those whose input changed: the national one and the new counties'. The task is submitted when
counties were loaded, or when the national estimate does not count the benchmark's municipalities
yet (a recompute that failed, or was queued and not run); otherwise nothing is submitted.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from fridsam.demo import statistics_data
from fridsam.organisations.models import County, Municipality
from fridsam.statistics.effects import NATIONAL, Estimate
from fridsam.statistics.models import EffectEstimate
from fridsam.statistics.simulation import store_county
from fridsam.tasks import services as task_services
from fridsam.tasks.models import Task

FIRST_COUNTY_CODE = 70  # 70–90: no county of SCB's (01–25), nor the demo county (99)
MAX_COUNTIES = 21
MUNICIPALITIES = 290
YEARS = range(statistics_data.FIRST_YEAR, statistics_data.LAST_YEAR + 1)  # the demo's ten years
EFFECT = 0.15  # the difference the generated figures carry from the first full year with a coordinator
SHARED_SHARE = 0.15  # of the municipalities with a coordinator: sharing one with another municipality
LEFT_SHARE = 0.08  # of the coordinators: left two to four years after the start
COUNTY_NAME = "Övningslän {code} (genererade jämförelsedata)"
MUNICIPALITY_NAME = "Övningskommun {code}"
USERNAME_PREFIX = "ovning"  # the generated coordinators: ovning.7001, … (no usable password)
RECOMPUTE_KEY = "recompute_effects:national_benchmark"
INDICATOR = "vinr_all"  # the effect page's first indicator


@dataclass
class Loaded:
    counties: list[str]  # the codes loaded by this run
    kept: list[str]  # the codes there already, left as they were
    municipalities: int  # municipalities of the benchmark in the database, after the run
    task: Task | None  # the recompute, submitted when anything was loaded


def county_codes(counties: int) -> list[str]:
    return [str(FIRST_COUNTY_CODE + i) for i in range(counties)]


def is_benchmark(county: County) -> bool:
    return county.is_demo and county.name == COUNTY_NAME.format(code=county.code)


def sizes(municipalities: int, counties: int) -> list[int]:
    """*municipalities* spread over *counties* as evenly as they go (14 and 13 for 290 over 21)."""
    return [municipalities // counties + (1 if i < municipalities % counties else 0) for i in range(counties)]


def national_estimate_counts(municipalities: int) -> bool:
    """Does the stored national estimate (of the indicator the page opens on, the sum of actualised
    cases) count at least this many municipalities of practice data?"""
    stored = EffectEstimate.objects.filter(scope=NATIONAL, indicator__key=INDICATOR).first()
    return stored is not None and Estimate.from_json(stored.result).practice >= municipalities


def load(*, municipalities: int = MUNICIPALITIES, counties: int = MAX_COUNTIES, recompute: bool = True) -> Loaded:
    """Load the benchmark's counties that are not there yet, then (``recompute``) submit the
    recompute of the effect estimates. Only where the demo may be loaded (FRIDSAM_ALLOW_DEMO)."""
    if not getattr(settings, "FRIDSAM_ALLOW_DEMO", False):
        raise ImproperlyConfigured("The benchmark data may not be loaded with these settings (FRIDSAM_ALLOW_DEMO).")
    if not 1 <= counties <= MAX_COUNTIES:
        raise ValidationError(_("The number of counties must be at least 1 and at most %(n)s.") % {"n": MAX_COUNTIES})
    if not counties <= municipalities <= 99 * counties:
        raise ValidationError(
            _("The number of municipalities must be at least the number of counties (%(n)s) and at most 99 times it.")
            % {"n": counties}
        )
    codes = county_codes(counties)
    existing = {c.code: c for c in County.objects.filter(code__in=codes)}
    foreign = [code for code, county in existing.items() if not is_benchmark(county)]
    if foreign:
        raise ValidationError(
            _("The county codes %(codes)s are taken by counties that are not benchmark data: nothing was loaded.")
            % {"codes": ", ".join(sorted(foreign))}
        )
    loaded = []
    with transaction.atomic():
        for code, size in zip(codes, sizes(municipalities, counties), strict=True):
            if code in existing:
                continue
            store_county(
                code,
                size,
                YEARS,
                seed=int(code),
                effect=EFFECT,
                county_name=COUNTY_NAME.format(code=code),
                municipality_code=lambda i, code=code: f"{code}{i + 1:02d}",
                municipality_name=lambda municipality_code, _i: MUNICIPALITY_NAME.format(code=municipality_code),
                is_demo=True,
                shared_share=SHARED_SHARE,
                left_share=LEFT_SHARE,
                username_prefix=USERNAME_PREFIX,
            )
            loaded.append(code)
    benchmark_ids = [c.pk for c in County.objects.filter(code__in=codes) if is_benchmark(c)]
    total = Municipality.objects.filter(county_id__in=benchmark_ids).count()
    task = None
    if recompute and (loaded or not national_estimate_counts(total)):
        # The nightly recompute's task (config/settings/base.py), now: without a broker it runs at once.
        task = task_services.submit(
            kind="command",
            label="Effektskattningar efter nationella jämförelsedata",
            params={"command": "recompute_effects"},
            key=RECOMPUTE_KEY,
        )
        task.refresh_from_db()
    return Loaded(counties=loaded, kept=sorted(existing), municipalities=total, task=task)
