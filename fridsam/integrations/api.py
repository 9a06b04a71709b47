"""The API for machine clients, ``/api/v1/`` (django-ninja, ADR 0033).

Every operation takes an integration credential (``Authorization: Bearer fsk_…``, ADR 0034), runs
in its scope and as its actor, checks its permission, counts against its rate and writes one row
to the access log under its name; a push writes a row per record besides. Errors are Swedish and
have one shape: ``{"detail": …, "errors": [{"index", "field", "message"}]}``. The schema is served
at ``/api/v1/openapi.json`` and kept in ``fridsam/integrations/openapi.json`` (a test compares them).
"""

from __future__ import annotations

import functools
import json
from pathlib import Path
from typing import Annotated, Literal

from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from ninja import Field, NinjaAPI, Query, Schema, Status
from ninja.errors import AuthenticationError, HttpError, ValidationError
from ninja.parser import Parser
from ninja.security import HttpBearer
from pydantic import ConfigDict

from fridsam.core import uploads
from fridsam.core.audit import log_access
from fridsam.core.models import AccessAction
from fridsam.followup import push as push_service
from fridsam.followup.models import (
    AgeBand,
    Category,
    ClientView,
    ClosureReason,
    InterventionKind,
    Outcome,
    Relation,
    RiskLevel,
    RouteIn,
    Sex,
    ViolenceForm,
)
from fridsam.integrations.auth import as_credential, credential_for_token, rate_limited, touch
from fridsam.integrations.models import Permission
from fridsam.integrations.statistics import figures_for, indicator_catalogue, kolada_values

CALL = "integrations.call"  # the object type of a call's row in the access log
MAX_BODY_BYTES = 5 * uploads.MB  # a thousand items are ~0.5 MB
MAX_BODY_VALUES = 60_000


class BoundedParser(Parser):
    """The body read through the bounded reader (ADR 0016): size, values and depth before parsing."""

    def parse_body(self, request: HttpRequest):
        try:
            return uploads.load_json(request.body, max_bytes=MAX_BODY_BYTES, max_values=MAX_BODY_VALUES)
        except uploads.FileError as error:
            raise HttpError(400, str(error)) from error


class RateLimited(Exception):
    def __init__(self, seconds: int):
        self.seconds = seconds


class CredentialAuth(HttpBearer):
    def authenticate(self, request, token):
        credential = credential_for_token(token)
        if credential is None:
            return None
        wait = rate_limited(credential)
        if wait:
            raise RateLimited(wait)
        return credential


class FridsamAPI(NinjaAPI):
    def get_openapi_operation_id(self, operation) -> str:
        return operation.view_func.__name__  # stable names for clients: followup_push, statistics_figures…


api = FridsamAPI(
    title="Fridsam API",
    version="1",
    description=(
        "Follow-up records pushed by a municipality's journal system, and the statistics read back. "
        "Authenticate with an integration credential: `Authorization: Bearer fsk_…`."
    ),
    urls_namespace="api",
    docs_url=None,  # the interactive page would load scripts from elsewhere (CSP, ADR 0005)
    openapi_url="/openapi.json",
    parser=BoundedParser(),
    auth=CredentialAuth(),
)


# --- Schemas -------------------------------------------------------------------------------


class Message(Schema):
    detail: str


class ItemErrorOut(Schema):
    index: int = Field(description="The item's place in `items` (0-based); a file's line in a file import.")
    field: str = Field(description="The field the reason is about; empty for the item as a whole.")
    message: str


class ErrorsOut(Schema):
    detail: str
    errors: list[ItemErrorOut] = []


def _choices(enum) -> type:
    return Literal[tuple(enum.values)]  # type: ignore[valid-type]


DateText = Annotated[str, Field(description="ÅÅÅÅ-MM-DD", json_schema_extra={"format": "date"})]


class _Item(Schema):
    model_config = ConfigDict(extra="forbid")
    reference: str = Field(description="The journal's case reference; stored only as a keyed hash.")


class RecordItem(_Item):
    type: Literal["record"]
    opened_on: DateText
    route_in: _choices(RouteIn)
    category: _choices(Category)
    sex: _choices(Sex)
    age_band: _choices(AgeBand)
    relation: _choices(Relation)
    violence_forms: list[_choices(ViolenceForm)] = []
    protected_identity: bool = False
    screening_on: DateText | None = None
    screening_instrument: str | None = Field(None, description="An instrument's identifier (key).")
    risk_assessed_on: DateText | None = None
    risk_instrument: str | None = Field(None, description="An instrument's identifier (key).")
    risk_level: _choices(RiskLevel) | None = None
    note: str = Field("", description="At most 300 characters; no names or personal identity numbers.")


class InterventionItem(_Item):
    type: Literal["intervention"]
    kind: _choices(InterventionKind)
    started_on: DateText
    ended_on: DateText | None = None
    quantity: int | None = None


class ClosureItem(_Item):
    type: Literal["closure"]
    closed_on: DateText
    closure_reason: _choices(ClosureReason)
    outcome: _choices(Outcome)
    client_view: _choices(ClientView) | None = None


PushItem = Annotated[RecordItem | InterventionItem | ClosureItem, Field(discriminator="type")]


class PushIn(Schema):
    model_config = ConfigDict(extra="forbid")
    items: list[PushItem] = Field(max_length=push_service.MAX_ITEMS)


class PushOut(Schema):
    created: int
    updated: int
    closed: int
    interventions_added: int
    interventions_changed: int
    unchanged: int


class DefinitionOut(Schema):
    valid_from: int
    text: str
    change_note: str


class IndicatorOut(Schema):
    key: str
    name: str
    description: str
    area: str
    unit: str
    obtained: str
    counts_people: bool
    kolada_kpi: str
    definitions: list[DefinitionOut]


class FigureOut(Schema):
    indicator: str
    municipality: str = Field(description="A municipality's code, or county / with / without for the county's totals.")
    year: int
    count: int | None
    denominator: int | None
    value: float | None = Field(description="The figure in the indicator's unit; null when hidden or missing.")
    hidden: bool = Field(description="Hidden to protect small numbers.")
    partial_year: bool


class FiguresOut(Schema):
    municipalities: list[str]
    years: list[int]
    figures: list[FigureOut]


class KoladaValue(Schema):
    gender: str
    count: int
    status: str
    value: float | None


class KoladaEntry(Schema):
    kpi: str
    municipality: str
    period: int
    values: list[KoladaValue]


class KoladaOut(Schema):
    count: int
    values: list[KoladaEntry]


ERRORS = {400: ErrorsOut, 401: Message, 403: Message, 422: ErrorsOut, 429: Message}


# --- Errors, in Swedish and in one shape ---------------------------------------------------------


def _log_call(request, operation: str, status: int, detail: str = "") -> None:
    credential = request.auth
    log_access(
        action=AccessAction.IMPORT if request.method == "POST" else AccessAction.READ,
        object_type=CALL,
        object_id=operation,
        municipality=credential.municipality,
        county=credential.county,
        detail=f"{request.method} {request.path} {status} {detail}".strip(),
    )


_PYDANTIC_MESSAGES = {
    "missing": lambda e: _("The field is missing."),
    "extra_forbidden": lambda e: _("The item has no such field."),
    "literal_error": lambda e: _("Choose one of: %(values)s.") % {"values": e.get("ctx", {}).get("expected", "")},
    "union_tag_invalid": lambda e: _("Give the type of the item: record, intervention or closure."),
    "union_tag_not_found": lambda e: _("Give the type of the item: record, intervention or closure."),
    "too_long": lambda e: _("At most %(max)s items per call.") % {"max": "1 000"},
}


def _item_errors(errors) -> list[dict]:
    found = []
    for error in errors:
        loc = [part for part in error.get("loc", ()) if part not in ("body", "payload")]
        index = 0
        if len(loc) >= 2 and loc[0] == "items" and isinstance(loc[1], int):
            index = loc[1]
            loc = loc[3:]  # past the index and the item's type
        elif loc[:1] == ["items"]:
            loc = loc[1:]
        names = [str(part) for part in loc if not isinstance(part, int)]
        message = _PYDANTIC_MESSAGES.get(error.get("type"), lambda e: _("The value is not valid here."))(error)
        found.append({"index": index, "field": names[-1] if names else "", "message": message})
    return found


def _push_errors(request) -> list[dict]:
    """A push the schema refused, validated item by item as the forms do: every wrong item is
    named, not only those the schema caught (the schema stops at the types)."""
    credential = request.auth
    try:
        body = BoundedParser().parse_body(request)
    except HttpError:
        return []
    items = body.get("items") if isinstance(body, dict) else None
    if not isinstance(items, list) or not items or len(items) > push_service.MAX_ITEMS:
        return []
    try:
        push_service.push(
            municipality=credential.municipality, unit=credential.unit, items=items, via=credential.name, dry_run=True
        )
    except push_service.PushRefused as refused:
        return [{"index": e.index, "field": e.field, "message": e.message} for e in refused.errors]
    return []


@api.exception_handler(ValidationError)
def validation_error(request, exc):
    errors = _item_errors(exc.errors)
    credential = getattr(request, "auth", None)
    if credential is not None:
        with as_credential(credential, request):
            if request.method == "POST" and Permission.PUSH_FOLLOWUP in credential.permissions and credential.unit_id:
                errors = _push_errors(request) or errors
            _log_call(request, "refused", 422, f"{len(errors)} errors")
    return api.create_response(
        request, {"detail": _("Nothing was saved: the call has errors."), "errors": errors}, status=422
    )


@api.exception_handler(AuthenticationError)
def authentication_error(request, exc):
    response = api.create_response(
        request, {"detail": _("A valid integration credential is needed (Authorization: Bearer …).")}, status=401
    )
    response["WWW-Authenticate"] = "Bearer"
    return response


@api.exception_handler(RateLimited)
def rate_limit_error(request, exc):
    response = api.create_response(
        request,
        {
            "detail": ngettext(
                "Too many calls: wait %(seconds)s second.", "Too many calls: wait %(seconds)s seconds.", exc.seconds
            )
            % {"seconds": exc.seconds}
        },
        status=429,
    )
    response["Retry-After"] = str(exc.seconds)
    return response


@api.exception_handler(HttpError)
def http_error(request, exc):
    body = {"detail": str(exc)}
    if exc.status_code in (400, 422):
        body["errors"] = []
    return api.create_response(request, body, status=exc.status_code)


# --- Operations ------------------------------------------------------------------------------


def operation(permission: str):
    """Run the operation in the credential's scope and as its actor, if it has *permission*;
    log the call under the credential's name."""

    def decorate(func):
        @functools.wraps(func)
        def wrapper(request, *args, **kwargs):
            credential = request.auth
            with as_credential(credential, request):
                if permission not in credential.permissions:
                    status, body, detail = 403, {"detail": _("The credential may not do this.")}, ""
                else:
                    status, body, detail = func(request, *args, **kwargs)
                _log_call(request, func.__name__, status, detail)
            touch(credential)
            return Status(status, body)

        return wrapper

    return decorate


@api.post("/followup/push", response={200: PushOut, **ERRORS}, url_name="followup_push", tags=["followup"])
@operation(Permission.PUSH_FOLLOWUP)
def followup_push(request, payload: PushIn):
    """Create and update follow-up records, interventions and closings: up to 1 000 items, all or
    none. Idempotent: the same items twice change nothing."""
    credential = request.auth
    items = [item.model_dump(exclude_unset=True) for item in payload.items]
    try:
        result = push_service.push(
            municipality=credential.municipality, unit=credential.unit, items=items, via=credential.name
        )
    except push_service.PushRefused as refused:
        errors = [{"index": e.index, "field": e.field, "message": e.message} for e in refused.errors]
        detail = ngettext("Nothing was saved: %(n)s error.", "Nothing was saved: %(n)s errors.", len(errors))
        body = {"detail": detail % {"n": len(errors)}, "errors": errors}
        return 422, body, f"{len(errors)} errors"
    counts = {
        "created": result.created,
        "updated": result.updated,
        "closed": result.closed,
        "interventions_added": result.interventions_added,
        "interventions_changed": result.interventions_changed,
        "unchanged": result.unchanged,
    }
    return 200, counts, f"{len(items)} items"


@api.get(
    "/statistics/indicators", response={200: list[IndicatorOut], **ERRORS}, url_name="indicators", tags=["statistics"]
)
@operation(Permission.READ_STATISTICS)
def statistics_indicators(request):
    """The indicator catalogue: every active indicator, its unit and its definitions by year."""
    return 200, indicator_catalogue(), ""


class YearRange(Schema):
    year_from: int | None = Field(None, ge=2000, le=2100)
    year_to: int | None = Field(None, ge=2000, le=2100)

    def years(self) -> list[int] | None:
        last = self.year_to or timezone.localdate().year
        first = self.year_from or last - 4
        if first > last or last - first > 20:
            return None
        return list(range(first, last + 1))


def _years_or_error(filters: YearRange):
    years = filters.years()
    if years is None:
        return None, (
            422,
            {"detail": _("Give at most 21 years, the first before the last."), "errors": []},
            "bad years",
        )
    return years, None


@api.get("/statistics/figures", response={200: FiguresOut, **ERRORS}, url_name="figures", tags=["statistics"])
@operation(Permission.READ_STATISTICS)
def statistics_figures(request, filters: Query[YearRange]):
    """A municipality's credential: its own figures, exact. A county's: every municipality's and the
    county's totals, small numbers hidden as on the county's pages."""
    years, error = _years_or_error(filters)
    if error:
        return error
    return 200, figures_for(request.auth, years), ""


@api.get(
    "/statistics/figures/kolada", response={200: KoladaOut, **ERRORS}, url_name="figures_kolada", tags=["statistics"]
)
@operation(Permission.READ_STATISTICS)
def statistics_figures_kolada(request, filters: Query[YearRange]):
    """The same figures in Kolada's value format (gender T; a hidden figure has value null)."""
    years, error = _years_or_error(filters)
    if error:
        return error
    return 200, kolada_values(figures_for(request.auth, years)), ""


SCHEMA_FILE = Path(__file__).resolve().parent / "openapi.json"


def schema_text() -> str:
    """The schema as served at /api/v1/openapi.json, as the repository keeps it."""
    schema = api.get_openapi_schema(path_prefix="/api/v1/")
    return json.dumps(schema, indent=2, ensure_ascii=False) + "\n"
