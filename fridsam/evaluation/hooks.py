"""What the evaluation shows on the pages of others: the coordinator's yearly questionnaire on the
municipality page (fridsam.organisations.panels)."""

from __future__ import annotations

from fridsam.evaluation.selectors import coordinator_responses_for
from fridsam.organisations import panels


@panels.municipality_panel
def questionnaire(tenancy, municipality, units) -> dict:
    return {"responses": coordinator_responses_for(municipality=municipality)}
