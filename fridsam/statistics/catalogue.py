"""The indicator catalogue in ``data/indicators.json``, synchronised into the database.

The file is the source of truth for names, units and definitions per year; the Kolada ids (set
by an administrator) and whether an indicator is active are kept when the file is loaded again.
"""

from __future__ import annotations

import json
from pathlib import Path

CATALOGUE = Path(__file__).resolve().parent / "data" / "indicators.json"
FIELDS = ("name", "description", "area", "unit", "obtained", "order")


def load_catalogue(path: Path = CATALOGUE) -> list[dict]:
    return json.loads(path.read_text(encoding="utf-8"))["indicators"]


def sync_indicators(indicator_model, definition_model, entries: list[dict] | None = None) -> int:
    """Create or update every indicator and its definitions. Takes the models so that a data
    migration can pass its historical ones. Returns the number of indicators."""
    entries = load_catalogue() if entries is None else entries
    for entry in entries:
        defaults = {name: entry[name] for name in FIELDS}
        defaults["counts_people"] = entry.get("counts_people", True)
        defaults["sum_of"] = entry.get("sum_of", [])
        indicator, _created = indicator_model.objects.update_or_create(key=entry["key"], defaults=defaults)
        for definition in entry["definitions"]:
            definition_model.objects.update_or_create(
                indicator=indicator,
                valid_from=definition["valid_from"],
                defaults={"text": definition["text"], "change_note": definition.get("change_note", "")},
            )
    # An earlier migration's historical model has no counterpart yet (migration 0006 adds it).
    has_counterpart = any(f.name == "counterpart" for f in indicator_model._meta.get_fields())
    for entry in entries:
        if has_counterpart and "counterpart" in entry:
            indicator_model.objects.filter(key=entry["key"]).update(
                counterpart=indicator_model.objects.get(key=entry["counterpart"])
            )
    return len(entries)
