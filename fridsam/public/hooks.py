"""What the public page shows on the pages of others: the link to manage it on the municipality
page (fridsam.organisations.panels)."""

from __future__ import annotations

from fridsam.core.policies import VIEW
from fridsam.organisations import panels
from fridsam.public.policies import public_page_policy


@panels.municipality_panel
def public_page_link(tenancy, municipality, units) -> dict:
    return {"can_manage_public_page": public_page_policy.can(tenancy, VIEW, municipality)}
