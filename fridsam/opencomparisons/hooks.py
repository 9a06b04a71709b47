"""The open comparisons survey on the municipality page (fridsam.organisations.panels)."""

from __future__ import annotations

from fridsam.core.policies import VIEW
from fridsam.opencomparisons.policies import open_comparisons_policy
from fridsam.organisations import panels


@panels.municipality_panel
def open_comparisons_link(tenancy, municipality, units) -> dict:
    return {"can_answer_open_comparisons": open_comparisons_policy.can(tenancy, VIEW, municipality)}
