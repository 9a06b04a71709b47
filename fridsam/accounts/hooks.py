"""What the accounts show on the pages of others: the administrator's start page
(fridsam.core.start), "My account" in the menu (fridsam.core.navigation), the staff on the
municipality page and the contact persons of the partner directory (fridsam.organisations.panels)."""

from __future__ import annotations

from allauth.mfa.models import Authenticator
from django.db.models import Count, Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from fridsam.accounts import selectors
from fridsam.accounts.models import Membership, User
from fridsam.core import crypto
from fridsam.core.navigation import items
from fridsam.core.start import Section, section
from fridsam.organisations import panels
from fridsam.organisations.models import County, Municipality

# TOTP secrets and recovery-code seeds, encrypted at rest by the MFA adapter (fridsam.core.crypto).
crypto.register("mfa.Authenticator", "data", json_key="secret")
crypto.register("mfa.Authenticator", "data", json_key="seed")


@section("administrator")
def administrator(tenancy) -> list[Section]:
    if not tenancy.is_administrator:
        return []
    users = User.objects.aggregate(
        active=Count("id", filter=Q(is_active=True)),
        inactive=Count("id", filter=Q(is_active=False)),
    )
    with_totp = Authenticator.objects.filter(type=Authenticator.Type.TOTP, user__is_active=True).count()
    return [
        Section(
            "core/start/administrator.html",
            {
                "users": users,
                "without_two_factor": users["active"] - with_totp,
                "memberships": Membership.objects.active().count(),
                "counties": County.objects.count(),
                "municipalities": Municipality.objects.count(),
            },
        )
    ]


@items("account")
def account_item(tenancy):
    return [(_("My account"), reverse("accounts:profile"))]


@panels.municipality_panel
def staff(tenancy, municipality, units) -> dict:
    return {"staff": selectors.municipality_staff(municipality=municipality)}


panels.partner_contacts(selectors.partner_contacts)
