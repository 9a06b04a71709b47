"""The menu: retention and culling, per municipality of an archivist or manager; the access log's
culling for administrators."""

from __future__ import annotations

from django.urls import reverse
from django.utils.translation import gettext as _

from fridsam.core.navigation import items
from fridsam.core.roles import Role
from fridsam.retention.policies import RETENTION_ROLES


@items("retention")
def retention_items(tenancy):
    municipalities = tenancy.municipalities_with_role(*RETENTION_ROLES)
    entries = [
        (
            _("Retention and culling")
            if len(municipalities) == 1
            else _("Culling: %(municipality)s") % {"municipality": m.name},
            reverse("retention:overview", kwargs={"municipality_code": m.code}),
        )
        for m in municipalities
    ]
    managed = tenancy.municipalities_with_role(Role.MANAGER)
    entries += [
        (
            _("When staff leave")
            if len(managed) == 1
            else _("Staff who leave: %(municipality)s") % {"municipality": m.name},
            reverse("retention:staff", kwargs={"municipality_code": m.code}),
        )
        for m in managed
    ]
    if tenancy.is_administrator:
        entries.append((_("Culling of the access log"), reverse("retention:installation")))
    return entries
