"""What the integrations show elsewhere: "Integrations" in the menu of a municipality's managers
and a county's analysts (fridsam.core.navigation)."""

from __future__ import annotations

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from fridsam.core.navigation import items
from fridsam.integrations.policies import credential_policy


@items("integrations")
def integrations_items(tenancy):
    if credential_policy.can(tenancy, "add"):
        return [(_("Integrations"), reverse("integrations:credential_list"))]
    return []
