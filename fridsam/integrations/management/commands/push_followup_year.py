"""Push a year of a municipality's follow-up records through the API, as a journal system would.

    manage.py push_followup_year --token fsk_… [--url http://127.0.0.1:8000] [--year 2026] [--cases 300]

The credential (made by a manager under Integrationer) decides the municipality and the unit.
The cases are made up, the same for the same --seed: categories, dates through the year, an
intervention on most, a closing on many. They go over HTTP to /api/v1/followup/push in calls of
at most 1 000 items, each case's record before its intervention and closing; pushing again
changes nothing. The municipality's statistics page then shows the year's computed figures (a
figure entered by hand for the year stands, ADR 0011: in the demo county, the years before this one).
By default the current year, up to today.
"""

from __future__ import annotations

import datetime
import json
import os
import random
import urllib.error
import urllib.request

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from fridsam.followup.push import MAX_ITEMS

CATEGORIES = ["adult_victim"] * 6 + ["child_exposed", "child_witnessed", "child_witnessed", "person_using_violence"]
ADULT_AGES = ["18-24", "25-44", "25-44", "45-64", "65-79"]
CHILD_AGES = ["0-5", "6-12", "13-17"]
ROUTES = ["self", "police", "health_care", "school", "relative", "other_authority"]
FORMS = ["physical", "psychological", "sexual", "economic", "digital"]


def year_of_cases(year: int, cases: int, seed: int, today: datetime.date) -> list[dict]:
    """The items of *cases* made-up cases opened in *year* (never after *today*)."""
    rng = random.Random(seed * 10_000 + year)  # noqa: S311 - made-up demo cases, not a secret
    last = min(datetime.date(year, 12, 31), today)
    days = (last - datetime.date(year, 1, 1)).days
    items = []
    for number in range(1, cases + 1):
        opened = datetime.date(year, 1, 1) + datetime.timedelta(days=rng.randint(0, max(days - 1, 0)))
        category = rng.choice(CATEGORIES)
        child = category.startswith("child")
        reference = f"JOURNAL-{year}-{number:05d}"
        record = {
            "type": "record",
            "reference": reference,
            "opened_on": opened.isoformat(),
            "route_in": rng.choice(ROUTES),
            "category": category,
            "sex": rng.choice(["female", "female", "male"]),
            "age_band": rng.choice(CHILD_AGES if child else ADULT_AGES),
            "relation": "parent" if child else rng.choice(["partner", "former_partner", "other_relative"]),
            "violence_forms": sorted(rng.sample(FORMS, rng.randint(1, 3))),
        }
        if category == "adult_victim" and rng.random() < 0.7:
            record["screening_on"] = opened.isoformat()
        items.append(record)
        start = opened + datetime.timedelta(days=rng.randint(0, 10))
        if start <= last and rng.random() < 0.8:
            housing = category == "adult_victim" and rng.random() < 0.25
            items.append(
                {
                    "type": "intervention",
                    "reference": reference,
                    "kind": "protected_housing" if housing else rng.choice(["support_talks", "childrens_talks"]),
                    "started_on": start.isoformat(),
                    "quantity": rng.randint(5, 60) if housing else rng.randint(1, 12),
                }
            )
        closed = start + datetime.timedelta(days=rng.randint(20, 200))
        if closed <= last and rng.random() < 0.6:
            items.append(
                {
                    "type": "closure",
                    "reference": reference,
                    "closed_on": closed.isoformat(),
                    "closure_reason": rng.choice(["goals_met", "declined", "referred"]),
                    "outcome": rng.choice(["ended", "ended", "reduced", "unchanged", "unknown"]),
                }
            )
    return items


def batches(items: list[dict], size: int = MAX_ITEMS) -> list[list[dict]]:
    """Calls of at most *size* items that never split a case (its closing follows its record)."""
    found, current, case = [], [], []
    for item in items:
        if item["type"] == "record" and case:
            if len(current) + len(case) > size:
                found.append(current)
                current = []
            current += case
            case = []
        case.append(item)
    if len(current) + len(case) > size:
        found.append(current)
        current = []
    current += case
    return [b for b in [*found, current] if b]


class Command(BaseCommand):
    help = "Push a year of made-up follow-up records through the API with an integration credential."

    def add_arguments(self, parser):
        parser.add_argument("--url", default="http://127.0.0.1:8000", help="Fridsam's address")
        parser.add_argument(
            "--token", default=os.environ.get("FRIDSAM_API_TOKEN", ""), help="fsk_… (or FRIDSAM_API_TOKEN)"
        )
        parser.add_argument("--year", type=int, default=timezone.localdate().year)
        parser.add_argument("--cases", type=int, default=300)
        parser.add_argument("--seed", type=int, default=1)

    def handle(self, *args, url, token, year, cases, seed, **options):
        if not token:
            raise CommandError("Give the credential's secret: --token fsk_… or FRIDSAM_API_TOKEN.")
        items = year_of_cases(year, cases, seed, timezone.localdate())
        totals: dict[str, int] = {}
        for batch in batches(items):
            request = urllib.request.Request(  # noqa: S310 - the address is the operator's own server
                url.rstrip("/") + "/api/v1/followup/push",
                data=json.dumps({"items": batch}).encode(),
                headers={"Authorization": f"Bearer {token}", "Content-Type": "application/json"},
                method="POST",
            )
            try:
                with urllib.request.urlopen(request, timeout=120) as response:  # noqa: S310
                    result = json.load(response)
            except urllib.error.HTTPError as error:
                raise CommandError(f"{error.code}: {error.read().decode(errors='replace')[:2000]}") from error
            except urllib.error.URLError as error:
                raise CommandError(f"{url}: {error.reason}") from error
            for key, value in result.items():
                totals[key] = totals.get(key, 0) + value
        summary = ", ".join(f"{key} {value}" for key, value in totals.items())
        self.stdout.write(f"{year}: {cases} cases, {len(items)} items pushed – {summary}")
