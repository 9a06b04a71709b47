"""What core itself shows on the start page and in the menu (see fridsam.core.start and
fridsam.core.navigation; every domain has a hooks.py like this one)."""

from __future__ import annotations

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from fridsam.core.navigation import items
from fridsam.core.reminders import open_for
from fridsam.core.roles import Role
from fridsam.core.start import Section, section


@section("reminders")
def reminders(tenancy) -> list[Section]:
    """What the daily reminders job found due for the user (training, introduction, reviews,
    routines to read, action-plan activities)."""
    if not tenancy.is_authenticated or not tenancy.memberships:
        return []
    due = open_for(tenancy.user)
    if not due:
        return []
    return [Section("core/start/reminders.html", {"items": due, "today": timezone.localdate()})]


@items("start")
def start_item(tenancy):
    return [(_("Start"), reverse("core:start"))]


@items("access_log")
def access_log_items(tenancy):
    managed = tenancy.municipalities_with_role(Role.MANAGER)
    return [
        (
            _("Access log review")
            if len(managed) == 1
            else _("Access log: %(municipality)s") % {"municipality": municipality.name},
            reverse("core:access_log", kwargs={"municipality_code": municipality.code}),
        )
        for municipality in managed
    ]


@items("administration")
def administration_item(tenancy):
    return [(_("Administration"), reverse("admin:index"))] if tenancy.is_administrator else []
