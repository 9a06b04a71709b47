"""Tenancy, enforced in one place.

Every model holding non-public data declares a :class:`ScopedManager` that names the field(s)
tying a row to its tenant (a municipality, a county or a partner organisation). Querying such a
model outside an active scope raises :class:`ScopeError`, so a forgotten filter is a crash, not a
leak. ``fridsam.accounts.middleware.TenancyMiddleware`` computes the acting user's scope once per
request from their memberships (``fridsam.accounts.selectors.scope_from_memberships``) and runs the
request inside it; it also answers 404 when a URL names a municipality outside that scope, so the
existence of foreign data is never revealed. This module is the mechanism and imports no app; the
accounts build the scope.

Scope dimensions:

* ``municipality``: organisation-level data of a municipality (units, staff, plans). Seen by the
  municipality's own staff and by the county analysts of its county.
* ``case_municipality``: case-level data (follow-up records, the access log). Seen only by the
  municipality's own coordinators, managers and social workers, never by the county.
* ``county``: data shared within a county (partner organisations, the staff directory).
* ``partner``: data of one external partner organisation.

What a user may do *within* their scope (a social worker sees only their own records, only
managers read the access log…) is decided by the permission policy of each model
(:mod:`fridsam.core.policies`).
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from contextvars import ContextVar
from dataclasses import dataclass, field

from django.apps import apps
from django.core import checks
from django.db import models
from django.db.models import Q

DIMENSIONS = ("municipality", "case_municipality", "county", "partner")


class ScopeError(Exception):
    """A scoped model was queried while no tenant scope was active."""


class _All:
    """Sentinel: every tenant of a dimension (administrators, system tasks)."""

    def __repr__(self) -> str:
        return "ALL"

    def __contains__(self, item: object) -> bool:
        return True

    def __reduce__(self) -> str:
        return "ALL"  # the one instance, also after a cached scope is unpickled (checks use ``is ALL``)


ALL = _All()


@dataclass(frozen=True)
class Scope:
    municipality: frozenset[int] | _All = frozenset()
    case_municipality: frozenset[int] | _All = frozenset()
    county: frozenset[int] | _All = frozenset()
    partner: frozenset[int] | _All = frozenset()
    label: str = field(default="", compare=False)

    def ids(self, dimension: str) -> frozenset[int] | _All:
        return getattr(self, dimension)


UNRESTRICTED = Scope(municipality=ALL, case_municipality=ALL, county=ALL, partner=ALL, label="unrestricted")
EMPTY = Scope(label="empty")

_current: ContextVar[Scope | None] = ContextVar("fridsam_scope", default=None)


def current_scope() -> Scope | None:
    return _current.get()


@contextlib.contextmanager
def tenant_scope(scope: Scope) -> Iterator[Scope]:
    token = _current.set(scope)
    try:
        yield scope
    finally:
        _current.reset(token)


def unscoped() -> contextlib.AbstractContextManager[Scope]:
    """For system code only: management commands, migrations, the administrators' admin site."""
    return tenant_scope(UNRESTRICTED)


class SystemManager(models.Manager):
    """The one escape from the scope: ``Model.system_objects``.

    For code that has already decided what the acting user may see and reads exactly that (a
    person's own rows, a row a policy has just allowed, a lock on a row being changed), and for
    system tasks. Every use outside tests is counted per file in an allow-list
    (``fridsam/core/tests/test_tenancy_guards.py``), so a new bypass fails the build until
    someone has looked at it. ``_base_manager`` is not used directly.
    """


class ScopedManager(models.Manager):
    """Manager that filters every query by the active scope.

    ``ScopedManager(municipality="unit__municipality")`` scopes by the municipality dimension
    through that lookup path. Several dimensions are alternatives: a row is visible if it
    belongs to the scope in any of them. The model also gets ``system_objects`` (a
    :class:`SystemManager`), the documented escape.
    """

    def __init__(self, **paths: str) -> None:
        # Related managers (``municipality.units``) are built from this class without arguments;
        # they take the paths of the model's default manager.
        super().__init__()
        unknown = set(paths) - set(DIMENSIONS)
        if unknown:
            raise ValueError(f"ScopedManager needs dimensions from {DIMENSIONS}, got {sorted(paths)}")
        self.scope_paths = paths

    def contribute_to_class(self, cls, name):
        super().contribute_to_class(cls, name)
        if not cls._meta.abstract and "system_objects" not in cls.__dict__:
            SystemManager().contribute_to_class(cls, "system_objects")

    def _paths(self) -> dict[str, str]:
        paths = self.scope_paths or getattr(self.model._default_manager, "scope_paths", None)
        if not paths:
            raise ValueError(f"{self.model.__name__} declares a ScopedManager without dimensions")
        return paths

    def get_queryset(self) -> models.QuerySet:
        scope = current_scope()
        if scope is None:
            raise ScopeError(
                f"{self.model.__name__} was queried outside a tenant scope. Run the code inside "
                "a request, or wrap system code in fridsam.core.tenancy.unscoped()."
            )
        qs = super().get_queryset()
        condition = Q(pk__in=[])
        for dimension, path in self._paths().items():
            ids = scope.ids(dimension)
            if ids is ALL:
                return qs
            if ids:
                lookup = Q(**{f"{path}__in": sorted(ids)})
                if _crosses_many(self.model, path):
                    # A post serving three municipalities would appear three times in a join:
                    # filter on the primary keys instead.
                    lookup = Q(pk__in=self.model._base_manager.filter(lookup).values("pk"))
                condition |= lookup
        return qs.filter(condition)


def _crosses_many(model, path: str) -> bool:
    """Does the lookup path go through a one-to-many or many-to-many relation?"""
    for name in path.split("__"):
        field = model._meta.get_field(name)
        if field.one_to_many or field.many_to_many:
            return True
        if not field.is_relation:
            return False
        model = field.related_model
    return False


# Models that point at a tenant yet hold public reference data, each with its reason. Anything
# else that points at a tenant, or at a scoped model, must be scoped itself.
UNSCOPED_BY_DESIGN = {
    "organisations.municipality": "SCB's list of municipalities: public reference data",
    "organisations.municipalitypopulation": "SCB's population figures: public",
    "public.publishedpage": "the municipality's public page: published for everyone (ADR 0013)",
}
TENANT_MODELS = {"organisations.municipality", "organisations.county", "organisations.partnerorganisation"}


def unscoped_tenant_models(models_to_check) -> list[tuple[type, str]]:
    """(model, field name) for every model that points at a tenant, or at a scoped model, and
    has no ScopedManager as its default manager."""
    found = []
    for model in models_to_check:
        if model._meta.label_lower in UNSCOPED_BY_DESIGN or isinstance(model._default_manager, ScopedManager):
            continue
        for f in model._meta.get_fields():
            target = f.related_model if f.is_relation and f.concrete else None
            if target is None or target is model:
                continue
            if target._meta.label_lower in TENANT_MODELS or isinstance(target._default_manager, ScopedManager):
                found.append((model, f.name))
                break
    return found


@checks.register(checks.Tags.security)
def every_tenant_model_is_scoped(app_configs, **kwargs):
    """Forgetting a filter must be a crash, not a leak (fridsam.E020)."""
    ours = [m for m in apps.get_models() if m.__module__.startswith("fridsam.")]
    return [
        checks.Error(
            f"{model._meta.label} points at a tenant through {name} but its default manager is not a ScopedManager.",
            hint="Declare objects = ScopedManager(<dimension>=<path>) first, or add the model to "
            "fridsam.core.tenancy.UNSCOPED_BY_DESIGN with the reason it holds public data.",
            obj=model,
            id="fridsam.E020",
        )
        for model, name in unscoped_tenant_models(ours)
    ]
