"""Reads about users and their memberships, including the per-request tenancy."""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cached_property

from fridsam.accounts.models import Membership, Role
from fridsam.core.tenancy import ALL, EMPTY, Scope, scope_from_memberships, unscoped
from fridsam.organisations.models import Municipality


@dataclass
class Tenancy:
    """Who the acting user is, where: their active memberships and the scope they give."""

    user: object
    memberships: tuple[Membership, ...] = ()
    scope: Scope = field(default=EMPTY)

    @cached_property
    def roles(self) -> frozenset[str]:
        return frozenset(m.role for m in self.memberships)

    @property
    def is_authenticated(self) -> bool:
        return bool(getattr(self.user, "is_authenticated", False))

    @property
    def is_administrator(self) -> bool:
        return Role.ADMINISTRATOR in self.roles

    def has_role(self, *roles: str, municipality: Municipality | int | None = None) -> bool:
        municipality_id = getattr(municipality, "pk", municipality)
        return any(
            m.role in roles and (municipality_id is None or m.municipality_id == municipality_id)
            for m in self.memberships
        )

    def memberships_with_role(self, *roles: str) -> list[Membership]:
        return [m for m in self.memberships if m.role in roles]

    def municipalities_with_role(self, *roles: str) -> list[Municipality]:
        seen: dict[int, Municipality] = {}
        for m in self.memberships:
            if m.role in roles and m.municipality_id is not None:
                seen.setdefault(m.municipality_id, m.municipality)
        return sorted(seen.values(), key=lambda mun: mun.name)

    def can_see_municipality(self, municipality: Municipality | int) -> bool:
        return getattr(municipality, "pk", municipality) in self.scope.municipality

    def can_see_municipality_code(self, code: str) -> bool:
        if self.scope.municipality is ALL:
            return True
        if not self.scope.municipality:
            return False
        return Municipality.objects.filter(code=code, pk__in=self.scope.municipality).exists()


def tenancy_for_user(*, user) -> Tenancy:
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return Tenancy(user=user)
    with unscoped():
        memberships = tuple(
            Membership.objects.active()
            .filter(user=user)
            .select_related("county", "municipality", "municipality__county", "unit", "partner_organisation")
        )
    return Tenancy(user=user, memberships=memberships, scope=scope_from_memberships(memberships))
