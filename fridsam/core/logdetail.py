"""The access log's details as a reviewer reads them.

A detail is written by the code that logs (``year=2026``, ``submitted``, the filters of a log
review as a query string) and is never changed afterwards: the chain of hashes covers it. This
module only says the known patterns in the reader's language when the log is shown; a detail of
no known pattern is shown as it was written.
"""

from __future__ import annotations

import re
from urllib.parse import parse_qsl

from django.apps import apps
from django.core.exceptions import FieldDoesNotExist
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext, pgettext, pgettext_lazy

from fridsam.core.models import AccessAction, AccessLogEntry
from fridsam.core.roles import Role

# A detail that is one word (or a few): what happened, or why a record was shown.
WORDS = {
    "submitted": gettext_lazy("sent for approval"),
    "returned": gettext_lazy("sent back"),
    "approved": gettext_lazy("approved"),
    "archived": gettext_lazy("archived"),
    "particulars": gettext_lazy("the particulars"),
    "reviewed unchanged": gettext_lazy("reviewed, no changes needed"),
    "note": gettext_lazy("the note"),
    "done": gettext_lazy("marked as done"),
    "token": gettext_lazy("a new calendar address"),
    "address": gettext_lazy("the address was shown"),
    "withdrawn": gettext_lazy("withdrawn"),
    "withdraw": gettext_lazy("withdrawn"),
    "accept": gettext_lazy("accepted"),
    "allocate": gettext_lazy("allocated"),
    "moved_in": gettext_lazy("moved in"),
    "closed": gettext_lazy("closed"),
    "reopened": gettext_lazy("reopened"),
    "owner": gettext_lazy("a new owner"),
    "reply": gettext_lazy("an answer"),
    "intervention": gettext_lazy("an intervention"),
    "user account": gettext_lazy("the user account"),
    "valid_until": gettext_lazy("the end of the role"),
    "followed up": gettext_lazy("followed up"),
    "received": gettext_lazy("marked as received"),
    "statistics": gettext_lazy("the statistics"),
    "signed": gettext_lazy("signed"),
    # Why a record was shown on a page other than its own.
    "change": gettext_lazy("for a change"),
    "close": gettext_lazy("for closing"),
    "reopen": gettext_lazy("for reopening"),
    "reassign": gettext_lazy("for a new owner"),
    "assessment": gettext_lazy("for an assessment"),
    "consultation": gettext_lazy("for a consultation"),
    "referral": gettext_lazy("for a referral"),
    "consultation form": gettext_lazy("the consultation form"),
}

# ``key=value`` details: what each key is called.
KEYS = {
    "year": gettext_lazy("year"),
    "requirement": gettext_lazy("requirement"),
    "step": gettext_lazy("step"),
    "person": gettext_lazy("person"),
    "from": gettext_lazy("from"),
    "version": gettext_lazy("version"),
    "approved": gettext_lazy("approved version"),
    "document": gettext_lazy("document"),
    "sub_goal": gettext_lazy("sub-goal"),
    "activity": gettext_lazy("activity"),
    "assessment": gettext_lazy("goal and year"),
    "share": gettext_lazy("share of a post (%)"),
    "seat": gettext_lazy("seat in the management group"),
    "members": gettext_lazy("members"),
    "role": gettext_lazy("role"),
    "user": gettext_lazy("user"),
    "file": gettext_lazy("file"),
    "created": gettext_lazy("new"),
    "already": gettext_lazy("already recorded"),
}

# The filters of a log review (the access log's own query string).
FILTERS = {
    "username": gettext_lazy("user"),
    "action": pgettext_lazy("access log", "action"),
    "object_type": gettext_lazy("object type"),
    "date_from": gettext_lazy("from date"),
    "date_to": gettext_lazy("to date"),
    "sida": gettext_lazy("page"),
}

PAIR = re.compile(r"^(\w+)=(.*)$")


def _yes_no(value: str) -> str:
    return {"True": _("yes"), "False": _("no")}.get(value, value)


def _model(object_type: str):
    try:
        return apps.get_model(object_type)
    except (LookupError, ValueError):
        return None


def _has_field(model, name: str) -> bool:
    try:
        model._meta.get_field(name)
    except (FieldDoesNotExist, AttributeError):
        return False
    return True


def _field_label(model, name: str) -> str:
    try:
        return str(model._meta.get_field(name).verbose_name)
    except (FieldDoesNotExist, AttributeError):
        return name


def _choice_label(model, value: str) -> str | None:
    """The label of *value* among the choices of the object's fields, if it is one."""
    for field in model._meta.get_fields() if model is not None else ():
        for key, label in getattr(field, "flatchoices", None) or ():
            if key == value:
                return str(label)
    return None


def _value(key: str, value: str) -> str:
    if key == "seat":
        return _yes_no(value)
    if key == "role" and value in Role.values:
        return str(Role(value).label)
    if key == "assessment" and ":" in value:
        goal, year = value.split(":", 1)
        return _("goal %(goal)s, %(year)s") % {"goal": goal, "year": year}
    return value


def _pairs(detail: str) -> list[tuple[str, str]] | None:
    """``key=value; key=value`` with only known keys, else None."""
    pairs = []
    for part in detail.split("; "):
        match = PAIR.match(part)
        if match is None or match.group(1) not in KEYS:
            return None
        pairs.append((match.group(1), match.group(2)))
    return pairs


def _filters(detail: str) -> str | None:
    """The filters of a log review, named; None when the detail is no such query string."""
    try:
        pairs = parse_qsl(detail, keep_blank_values=True, strict_parsing=True)
    except ValueError:
        return None
    if not pairs or any(key not in FILTERS for key, v in pairs):
        return None
    shown = []
    for key, value in pairs:
        if not value:
            continue
        if key == "action" and value in AccessAction.values:
            value = str(AccessAction(value).label)
        elif key == "object_type":
            value = AccessLogEntry(object_type=value).object_type_label
        shown.append(f"{FILTERS[key]}: {value}")
    return _("filters: %(filters)s") % {"filters": ", ".join(shown)} if shown else _("no filters")


def _ids(ids: str) -> str:
    return ", ".join(f"#{i}" for i in ids.split(",") if i)


PATTERNS = [
    (re.compile(r"^published v(\d+)$"), lambda m, e: _("published version %(n)s") % {"n": m[1]}),
    (
        re.compile(r"^page (\d+): ([\d,]*)$"),
        lambda m, e: _("page %(page)s: %(ids)s") % {"page": m[1], "ids": _ids(m[2]) or "–"},
    ),
    (
        re.compile(r"^(\d+) records$"),
        lambda m, e: ngettext("%(n)s record", "%(n)s records", int(m[1])) % {"n": m[1]},
    ),
    (re.compile(r"^search by reference: found$"), lambda m, e: _("search by case reference: found")),
    (re.compile(r"^search by reference: no match$"), lambda m, e: _("search by case reference: no match")),
    (
        re.compile(r"^record (\d+)$"),
        lambda m, e: pgettext("follow-up record", "record %(n)s") % {"n": m[1]},
    ),
    (
        re.compile(r"^(\d+) own, (\d+) in the queue$"),
        lambda m, e: _("own: %(own)s, in the queue: %(queue)s") % {"own": m[1], "queue": m[2]},
    ),
    (
        re.compile(r"^(\d+)/(\d+)$"),
        lambda m, e: (
            ngettext(
                "proposals for %(placed)s of %(total)s applicant",
                "proposals for %(placed)s of %(total)s applicants",
                int(m[2]),
            )
            % {"placed": m[1], "total": m[2]}
            if e.object_type == "housing.matchrun"
            else None
        ),
    ),
    (
        re.compile(r"^fields: (.+)$"),
        lambda m, e: (
            _("fields: %(fields)s")
            % {"fields": ", ".join(_field_label(_model(e.object_type), f) for f in m[1].split(", "))}
        ),
    ),
    (re.compile(r"^attempted username: (.*)$"), lambda m, e: _("attempted username: %(name)s") % {"name": m[1]}),
    (
        re.compile(r"^intervention (\w+)$"),
        lambda m, e: (
            _("intervention: %(kind)s") % {"kind": _choice_label(_model("followup.intervention"), m[1]) or m[1]}
        ),
    ),
    (
        re.compile(r"^instrument (\S+) (\S+)$"),
        lambda m, e: _("instrument %(key)s, version %(version)s") % {"key": m[1], "version": m[2]},
    ),
    (
        re.compile(r"^(\S+) (\S+) record (\d+)$"),
        lambda m, e: (
            _("instrument %(key)s, version %(version)s, follow-up record %(record)s")
            % {"key": m[1], "version": m[2], "record": m[3]}
        ),
    ),
    (
        re.compile(r"^([\w-]+:[\w-]+) (\d{3})$"),
        lambda m, e: _("refused (%(status)s) on the page %(page)s") % {"status": m[2], "page": m[1]},
    ),
    # The log review's questions and verdicts (ADR 0039).
    (
        re.compile(r"^who read (\S+) (\S+)$"),
        lambda m, e: (
            _("who has read %(object)s #%(id)s")
            % {"object": AccessLogEntry(object_type=m[1]).object_type_label, "id": m[2]}
        ),
    ),
    (re.compile(r"^what read (.+)$"), lambda m, e: _("what %(person)s has read") % {"person": m[1]}),
    (re.compile(r"^entry (\d+)$"), lambda m, e: _("the access-log entry #%(n)s") % {"n": m[1]}),
    (re.compile(r"^\d+(,\d+)*$"), lambda m, e: _ids(m[0])),
]


def readable_detail(entry: AccessLogEntry) -> str:
    """The entry's detail in the reader's language, where it follows a known pattern."""
    detail = entry.detail
    if not detail:
        return ""
    if detail.startswith("admin: "):
        return _("in the administration: %(detail)s") % {"detail": _readable(entry, detail[len("admin: ") :])}
    return _readable(entry, detail)


def _readable(entry: AccessLogEntry, detail: str) -> str:
    if not detail:
        return ""
    if detail in WORDS:
        return str(WORDS[detail])
    if entry.object_type == "core.accesslogentry":
        filters = _filters(detail)
        if filters is not None:
            return filters
    pairs = _pairs(detail)
    if pairs is not None:
        return ", ".join(f"{KEYS[key]}: {_value(key, value)}" for key, value in pairs)
    for pattern, say in PATTERNS:
        match = pattern.match(detail)
        said = say(match, entry) if match is not None else None
        if said is not None:
            return said
    model = _model(entry.object_type)
    label = _choice_label(model, detail)
    if label is not None:  # e.g. the kind of an absence
        return label
    names = detail.split(", ")
    if model is not None and all(_has_field(model, n) for n in names):  # the fields a change touched
        return _("fields: %(fields)s") % {"fields": ", ".join(_field_label(model, n) for n in names)}
    return detail
