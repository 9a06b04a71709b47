"""The quality criteria of protected housing, kept as data (data/criteria.json)."""

from __future__ import annotations

import json
from pathlib import Path

CRITERIA_FILE = Path(__file__).resolve().parent / "data" / "criteria.json"


def sync_criteria(criterion_model) -> int:
    """Create or update the criteria from the file; criteria no longer in it are kept but inactive
    (old assessments still name them)."""
    rows = json.loads(CRITERIA_FILE.read_text(encoding="utf-8"))
    keys = []
    for row in rows:
        keys.append(row["key"])
        criterion_model.objects.update_or_create(
            key=row["key"],
            defaults={
                "label": row["label"],
                "help_text": row.get("help_text", ""),
                "required": row.get("required", True),
                "order": row.get("order", 0),
                "active": True,
            },
        )
    criterion_model.objects.exclude(key__in=keys).update(active=False)
    return len(rows)
