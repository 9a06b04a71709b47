"""The demo county's statistics.

Two municipalities carry the evaluation's own tables, on coordinator start dates that match it:

* Åstad (coordinator from August 2016) has Tabell 1: investigations, placements in protected
  housing and children who witnessed violence, 2013–2018 ("-" in the table = no figure).
* Hallsberga (coordinator from the summer of 2018) has Tabell 2: actualised cases, adults and
  children together, 2016–2018 (only the total was reported those years).

Every other series is generated deterministically from the municipality's size, with a modest
rise in detection after a coordinator starts and small numbers in the small municipalities (so
that the county views show suppression).
"""

import random

FIRST_YEAR = 2016
LAST_YEAR = 2025

TABELL_1 = {  # Åstad
    "investigations": {2013: 25, 2014: 24, 2015: 17, 2016: 13, 2017: 18, 2018: 19},
    "protected_housing": {2015: 11, 2016: 10, 2017: 11, 2018: 11},
    "children_witnessed": {2013: 45, 2014: 38, 2015: 60, 2016: 51, 2017: 85, 2018: 91},
}
TABELL_2 = {"vinr_all": {2016: 96, 2017: 115, 2018: 138}}  # Hallsberga

# Base rates per 10 000 (adults for vinr_adults), before any coordinator.
BASE = {
    "vinr_adults": 38.0,
    "vinr_children_exposed": 7.0,
    "vinr_children_witnessed": 16.0,
}

# Demo Kolada ids (not real Kolada key figures): set only when the installation has none.
KOLADA_DEMO_IDS = {
    "kolada_adults_opened": "DEMO-K1",
    "kolada_adults_intervention": "DEMO-K2",
    "kolada_adults_goal_met": "DEMO-K3",
}

OBSERVATIONS = [
    # code, area, source type, date, text (the evaluation's quotes, anonymised by role)
    (
        "9904",
        "efficiency",
        "social_worker",
        "2019-03-12",
        "Innan var det bara ett enda kaos. Vi reggade knappt ärenden rätt. Nu reggar vi det direkt som våld i "
        "nära relation och får ett statistikunderlag på våld.",
    ),
    (
        "9904",
        "knowledge",
        "manager",
        "2019-03-12",
        "Det har lett till ökad kunskap så klart. Det behövs, verkligen, nån som driver frågan, som omvärldsbevakar.",
    ),
    (
        "9904",
        "coordination",
        "partner",
        "2019-04-02",
        "Det är som natt och dag före och efter samordnaren kom på plats.",
    ),
    (
        "9901",
        "proximity",
        "social_worker",
        "2025-02-18",
        "Samordnaren sitter nära oss och är ett bollplank i svåra ärenden; vi frågar oftare än förr.",
    ),
    (
        "9906",
        "coordination",
        "partner",
        "2025-05-20",
        "Om ingen håller i det kommer det inte ärenden. Under föräldraledigheten visste vi inte vem vi skulle ringa.",
    ),
    (
        "9903",
        "right_person",
        "coordinator",
        "2025-03-04",
        "Ärendena tar all tid. Det strategiska arbetet hinns inte med när tjänsten också är handläggning.",
    ),
    (
        "9905",
        "proximity",
        "social_worker",
        "2025-04-09",
        "Vi vet att det finns en samordnare men vi ser henne sällan ute på enheterna.",
    ),
]

COUNTY_REPORT_TEXT = {
    "foreword": "Länsstyrelsen följer varje år upp arbetet med kvinnofridssamordnare i länets kommuner. "
    "Rapporten bygger på kommunernas egna uppgifter i Fridsam: organisation, hälsokontroll, statistik och "
    "iakttagelser från samtal med samordnare, chefer, handläggare och samverkansparter.",
    "conclusions": "Där samordnaren finns nära handläggarna, har en plats i ledningsgruppen och ett team med "
    "experter från alla enheter syns både mer kunskap och tydligare rutiner. Där tjänsten kombineras med "
    "handläggning eller delas tunt mellan flera kommuner syns riskerna tydligast. Statistiken visar ökningar "
    "efter att samordnare började, men i flera kommuner började ökningen redan före; jämför därför alltid med "
    "trenden före starten.",
}


def series(code: str, population: dict[int, tuple[int, int]], starts: list[int]) -> dict[str, dict[int, tuple]]:
    """Generated figures for one municipality: indicator key → year → (count, denominator)."""
    rng = random.Random(f"fridsam-demo-stat-{code}")  # noqa: S311 - demo figures, not a secret
    first_start = min(starts) if starts else None
    result: dict[str, dict[int, tuple]] = {}
    for year in range(FIRST_YEAR, LAST_YEAR + 1):
        total, adults = population[year]
        years_with = max(0, year - first_start + 1) if first_start else 0
        detection = 1.0 + 0.05 * min(years_with, 5) + 0.01 * (year - FIRST_YEAR)
        noise = lambda: rng.uniform(0.88, 1.12)  # noqa: E731
        adults_cases = round(BASE["vinr_adults"] * adults / 10_000 * detection * noise())
        exposed = round(BASE["vinr_children_exposed"] * total / 10_000 * detection * noise())
        witnessed = round(BASE["vinr_children_witnessed"] * total / 10_000 * detection * noise())
        result.setdefault("vinr_adults", {})[year] = (adults_cases, None)
        result.setdefault("vinr_children_exposed", {})[year] = (exposed, None)
        result.setdefault("vinr_children_witnessed", {})[year] = (witnessed, None)
        result.setdefault("investigations", {})[year] = (round(adults_cases * 0.55 * noise()), None)
        result.setdefault("protected_housing", {})[year] = (round(adults_cases * 0.10 * noise()), None)
        result.setdefault("children_witnessed", {})[year] = (round(witnessed * 1.15 * noise()), None)
        result.setdefault("perpetrator_referrals", {})[year] = (round(adults_cases * 0.07 * detection * noise()), None)
        new_cases = adults_cases + exposed + witnessed
        screening = min(0.95, 0.35 + 0.09 * min(years_with, 6) + rng.uniform(-0.04, 0.04))
        risk = min(0.95, 0.30 + 0.10 * min(years_with, 6) + rng.uniform(-0.04, 0.04))
        result.setdefault("screening_rate", {})[year] = (round(new_cases * screening), new_cases)
        result.setdefault("risk_assessment_rate", {})[year] = (round(adults_cases * risk), adults_cases)
        staff = max(6, round(total / 1200))
        trained = min(1.0, 0.25 + 0.12 * min(years_with, 6) + rng.uniform(-0.05, 0.05))
        result.setdefault("training_coverage", {})[year] = (round(staff * trained), staff)
        result.setdefault("collaboration_agreements", {})[year] = (min(6, 1 + min(years_with, 5)), None)
    return result


def kolada_values(population: dict[int, tuple[int, int]], code: str) -> dict[str, dict[int, float]]:
    """Kolada-style rates per 10 000 adults for 2022–2024."""
    rng = random.Random(f"fridsam-demo-kolada-{code}")  # noqa: S311 - demo figures, not a secret
    result: dict[str, dict[int, float]] = {}
    for year in (2022, 2023, 2024):
        opened = round(BASE["vinr_adults"] * rng.uniform(0.9, 1.3), 1)
        result.setdefault("kolada_adults_opened", {})[year] = opened
        result.setdefault("kolada_adults_intervention", {})[year] = round(opened * rng.uniform(0.55, 0.8), 1)
        result.setdefault("kolada_adults_goal_met", {})[year] = round(opened * rng.uniform(0.2, 0.35), 1)
    return result
