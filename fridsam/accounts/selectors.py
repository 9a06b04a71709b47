"""Reads about users and their memberships, including the per-request tenancy."""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import cached_property

from django.core.cache import cache
from django.db.models import Q, QuerySet
from django.utils import timezone

from fridsam.accounts.models import Membership
from fridsam.core.policies import VIEW
from fridsam.core.roles import MUNICIPAL_ROLES, Role
from fridsam.core.tenancy import ALL, EMPTY, Scope, ScopeError, unscoped
from fridsam.organisations.models import Municipality
from fridsam.organisations.policies import municipality_policy


@dataclass
class Tenancy:
    """Who the acting user is, where: their active memberships and the scope they give."""

    user: object
    memberships: tuple[Membership, ...] = ()
    scope: Scope = field(default=EMPTY)
    # What a cache of what the person sees is kept under: who, their memberships' generation and
    # the day (empty: nothing is kept for them).
    key: str = ""

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

    def county_by_code(self, code: str):
        """The county of *code* if one of the memberships names it (loaded with them), else None:
        the policies ask before they look it up. Whether it may be seen is theirs to decide."""
        return next((m.county for m in self.memberships if m.county_id and m.county.code == code), None)

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

    def municipality_or_404(self, code: str) -> Municipality:
        """The municipality of *code* if the user may see its page; 404 otherwise (for the pages of
        the layers below, which know no organisation: the access log review)."""
        return municipality_policy.get_or_404(self, VIEW, code=code)


def scope_from_memberships(memberships: Iterable) -> Scope:
    """Build the scope of a user from their active memberships."""
    municipality: set[int] = set()
    case_municipality: set[int] = set()
    county: set[int] = set()
    partner: set[int] = set()
    analyst_counties: set[int] = set()
    for m in memberships:
        if m.role == Role.ADMINISTRATOR:
            # Accounts and reference data everywhere; never case-level data.
            return Scope(municipality=ALL, county=ALL, partner=ALL, label="administrator")
        if m.role == Role.COUNTY_ANALYST:
            analyst_counties.add(m.county_id)
            county.add(m.county_id)
        elif m.role == Role.PARTNER:
            partner.add(m.partner_organisation_id)
            county.add(m.county_id)
        elif m.role == Role.ARCHIVIST:
            # The municipality's organisation data (its rules, holds and culling runs): no
            # case-level data (ADR 0031).
            municipality.add(m.municipality_id)
            county.add(m.county_id)
        elif m.role in MUNICIPAL_ROLES:
            municipality.add(m.municipality_id)
            case_municipality.add(m.municipality_id)
            county.add(m.county_id)
        elif m.role == Role.NATIONAL_ANALYST:
            # Nothing of any tenant: what a national analyst reads (the estimates over every
            # municipality) is held by no scoped model, and its policy decides (ADR 0042).
            continue
        else:
            # A role nobody has decided the scope of sees nothing, loudly (fails closed).
            raise ScopeError(f"no scope is defined for the role {m.role!r}")
    if analyst_counties:
        with unscoped():
            municipality.update(
                Municipality.objects.filter(county_id__in=analyst_counties).values_list("id", flat=True)
            )
    return Scope(
        municipality=frozenset(municipality),
        case_municipality=frozenset(case_municipality),
        county=frozenset(county),
        partner=frozenset(partner),
        label="user",
    )


def tenancy_for_user(*, user) -> Tenancy:
    """The person's tenancy today. Every request asks, so it is cached (ADR 0044) under a key that
    changes whenever what it is built from changes: the person's generation, bumped in the same
    transaction as any change to their memberships or to the municipalities of a county they
    analyse (fridsam.accounts.generations), and the day (memberships start and end by date). A request
    that read the person before such a change uses the key of before it; none after it can."""
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return Tenancy(user=user)
    key = _tenancy_key(user)
    cached = cache.get(key)
    if cached is None:
        with unscoped():
            memberships = tuple(
                Membership.objects.active()
                .filter(user=user)
                .select_related(
                    "county",
                    "municipality",
                    "municipality__county",
                    "unit",
                    "partner_organisation",
                    "national_organisation",
                )
            )
        cached = (memberships, scope_from_memberships(memberships))
        cache.set(key, cached, TENANCY_CACHE_SECONDS)
    memberships, scope = cached
    return Tenancy(user=user, memberships=memberships, scope=scope, key=key)


TENANCY_CACHE_SECONDS = 3600


def _tenancy_key(user) -> str:
    joined = user.date_joined.timestamp() if user.date_joined else 0  # a new account never reuses an old key
    return f"tenancy:{user.pk}:{joined:.6f}:{user.tenancy_generation}:{timezone.localdate().isoformat()}"


def staff(municipality_ids, on: datetime.date):
    """Active staff memberships of the municipalities (unscoped: callers check the policy)."""
    return Membership.system_objects.filter(
        Q(valid_until__isnull=True) | Q(valid_until__gte=on),
        municipality_id__in=list(municipality_ids),
        role__in=MUNICIPAL_ROLES,
        valid_from__lte=on,
    )


def municipality_staff(*, municipality) -> QuerySet[Membership]:
    return (
        Membership.objects.active()
        .filter(municipality=municipality)
        .select_related("user", "unit")
        .order_by("role", "user__last_name", "user__first_name")
    )


def partner_contacts(partners) -> dict[int, list[Membership]]:
    """The contact persons (active partner memberships) of the partner organisations, in one query."""
    found: dict[int, list[Membership]] = {}
    ids = [p.pk for p in partners]
    if not ids:
        return found
    for membership in (
        Membership.objects.active().filter(role=Role.PARTNER, partner_organisation_id__in=ids).select_related("user")
    ):
        found.setdefault(membership.partner_organisation_id, []).append(membership)
    return found
