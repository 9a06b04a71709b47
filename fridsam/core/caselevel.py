"""Case-level URLs: which views show case-level data, and the refused attempts on them.

A view that shows case-level data (a follow-up record, a consultation, an applicant's page, the
access log…) is declared once, with :func:`case_level` on the view. The declaration names the
model and the URL argument (or query parameter) that names the object. From the declarations:

* :func:`case_level_urls` is the registry, by URL name, built from the URLconf;
* :class:`CaseLevelDeniedMiddleware` writes one ``denied`` row to the access log when a logged-in
  user gets 403 or 404 from a registered URL, with the URL name and the object id asked for;
* ``tests/test_case_level_logging.py`` renders every registered URL and requires a log row
  naming the object, and fails for a URL that reads case-level tables without a declaration.

Which models are case-level is derived from their managers (:func:`case_level_models`): the
``case_municipality`` scope dimension, plus the few models that a policy narrows to case level
inside a wider scope (:data:`DECLARED`). The view itself writes its READ/LIST row through its
selector; the declaration does not log reads, it only makes them checkable. ADR 0021.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass

from django.apps import apps
from django.urls import URLPattern, URLResolver, get_resolver, get_urlconf

from fridsam.core.audit import log_access
from fridsam.core.models import AccessAction
from fridsam.core.tenancy import ScopedManager

# Models whose scope is wider than case level but whose policy lets only the responsible
# municipality (and, for referrals, the addressed partner) see them.
DECLARED = {
    "housing.applicant": "an applicant's page is for the responsible municipality only (ADR 0012)",
    "collaboration.referral": "the municipality's staff and the addressed partner, never the county (ADR 0013)",
}


def case_level_models() -> list[type]:
    """Every model holding case-level data, derived from the scoped managers."""
    result = []
    for model in apps.get_models():
        manager = model._default_manager
        if (
            isinstance(manager, ScopedManager) and "case_municipality" in manager.scope_paths
        ) or model._meta.label_lower in DECLARED:
            result.append(model)
    return result


@dataclass(frozen=True)
class CaseLevelView:
    """How a view shows case-level data.

    ``model``: "app_label.model" of what it shows. ``kwarg``: the URL argument naming the object;
    ``query``: or the query parameter naming it. ``many``: a list or an export (LIST/EXPORT rows).
    ``optional``: the view is case-level only when ``query`` is given (a form that may be about
    a record).
    """

    model: str
    kwarg: str = ""
    query: str = ""
    many: bool = False
    optional: bool = False

    def applies(self, request) -> bool:
        return not self.optional or bool(request.GET.get(self.query))

    def object_id(self, request, kwargs) -> str:
        if self.kwarg:
            return str(kwargs.get(self.kwarg, ""))[:64]
        if self.query:
            return request.GET.get(self.query, "")[:64]
        return ""


def case_level(model: str, *, kwarg: str = "", query: str = "", many: bool = False, optional: bool = False):
    """Declare that a view shows case-level data of ``model`` (see :class:`CaseLevelView`)."""
    spec = CaseLevelView(model=model.lower(), kwarg=kwarg, query=query, many=many, optional=optional)
    if optional and not query:
        raise ValueError("an optional case-level view needs the query parameter that makes it case-level")

    def decorate(view):
        view.case_level = spec
        return view

    return decorate


def _walk(patterns, namespace=None):
    for p in patterns:
        if isinstance(p, URLResolver):
            ns = p.namespace
            full = f"{namespace}:{ns}" if namespace and ns else (ns or namespace)
            yield from _walk(p.url_patterns, full)
        elif isinstance(p, URLPattern) and p.name:
            yield (f"{namespace}:{p.name}" if namespace else p.name), p


@functools.lru_cache(maxsize=4)
def _registry(urlconf) -> dict[str, CaseLevelView]:
    found: dict[str, CaseLevelView] = {}
    for name, pattern in _walk(get_resolver(urlconf).url_patterns):
        spec = getattr(pattern.callback, "case_level", None)
        if spec is not None:
            found.setdefault(name, spec)
    return found


def case_level_urls() -> dict[str, CaseLevelView]:
    """The registry: every URL name whose view declares that it shows case-level data."""
    return _registry(get_urlconf())


def log_denied(request, status: int) -> None:
    """One ``denied`` row for a refused attempt on a case-level URL by a logged-in user.

    Nothing is looked up: the row holds what was asked (URL name, object id, status), written in
    the asking user's own municipality, so it reads the same whether or not the object exists.
    """
    match = getattr(request, "resolver_match", None)
    user = getattr(request, "user", None)
    if match is None or user is None or not user.is_authenticated:
        return
    spec = case_level_urls().get(match.view_name)
    if spec is None or not spec.applies(request):
        return
    tenancy = getattr(request, "tenancy", None)
    memberships = tenancy.memberships if tenancy is not None else ()
    municipalities = {m.municipality_id: m.municipality for m in memberships if m.municipality_id}
    county = next((m.county for m in memberships if m.county_id), None)
    for municipality in sorted(municipalities.values(), key=lambda m: m.pk) or [None]:
        log_access(
            action=AccessAction.DENIED,
            object_type=spec.model,
            object_id=spec.object_id(request, match.kwargs),
            municipality=municipality,
            county=county if municipality is None else None,
            detail=f"{match.view_name} {status}",
        )


class CaseLevelDeniedMiddleware:
    """Logs refused attempts (403, 404) on case-level URLs; after TenancyMiddleware.

    It sees the response, not the exception, so a 404 from the tenancy check of the URL, from a
    policy's ``get_or_404`` or a 403 from ``check`` are all caught in this one place.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if response.status_code in (403, 404):
            log_denied(request, response.status_code)
        return response
