"""What the log review shows on the pages of others: the notice to staff on the start page that
their reads are logged and reviewed (with the routine), and the review in a manager's menu."""

from __future__ import annotations

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from fridsam.core.navigation import items
from fridsam.core.roles import MUNICIPAL_ROLES, Role
from fridsam.core.start import Section, section


@section("log_review")
def notice(tenancy) -> list[Section]:
    """No query: the municipalities come from the memberships the request already holds."""
    municipalities = tenancy.municipalities_with_role(*MUNICIPAL_ROLES)
    if not municipalities:
        return []
    return [Section("logreview/start/notice.html", {"municipalities": municipalities})]


@items("log_review")
def log_review_items(tenancy):
    managed = tenancy.municipalities_with_role(Role.MANAGER)
    return [
        (
            _("Log review")
            if len(managed) == 1
            else _("Log review: %(municipality)s") % {"municipality": municipality.name},
            reverse("logreview:index", kwargs={"municipality_code": municipality.code}),
        )
        for municipality in managed
    ]
