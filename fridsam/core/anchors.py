"""Anchors of the access log outside the database (ADR 0018).

``manage.py anchor_access_log`` (cron, hourly) appends one line to an append-only file
(``FRIDSAM_ACCESS_LOG_ANCHOR_FILE``) and, when ``FRIDSAM_ACCESS_LOG_ANCHOR_SYSLOG`` is set, sends
the same line to syslog, so that a copy is kept on another machine. A line is JSON:

    {"v": 1, "time": "2026-12-01T06:00:00.000000Z", "sequence": 4711, "count": 4711,
     "head_hash": "…", "key_id": "…", "mac": "…"}

``sequence`` and ``head_hash`` are the chain's newest entry, ``count`` the number of entries up to
it, ``mac`` an HMAC-SHA-256 of the other fields with the anchor key derived from the access-log key.
``verify_access_log`` reads every anchor: an entry that no longer has its anchored hash, or a chain
shorter than an anchor, fails verification. Someone with only the database can therefore neither
rewrite nor shorten the log up to the newest anchor.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import logging
import os
from dataclasses import dataclass
from datetime import UTC
from logging.handlers import SysLogHandler
from pathlib import Path

from django.utils import timezone

from fridsam.core.audit import GENESIS_HASH, current_key, key_ring
from fridsam.core.models import AccessLogCheckpoint, AccessLogEntry
from fridsam.core.tenancy import unscoped

FORMAT_VERSION = 1
SYSLOG_TAG = "fridsam-access-log-anchor: "
_SIGNED_FIELDS = ("v", "time", "sequence", "count", "head_hash", "key_id")


class AnchorError(ValueError):
    """An anchor line that cannot be trusted (malformed, altered, or signed with an unknown key)."""


@dataclass(frozen=True)
class Anchor:
    time: str
    sequence: int
    count: int
    head_hash: str
    key_id: str
    source: str = ""  # "file:line", for messages

    @property
    def label(self) -> str:
        return f"anchor of {self.time} ({self.source})" if self.source else f"anchor of {self.time}"

    def fields(self) -> dict:
        return {
            "v": FORMAT_VERSION,
            "time": self.time,
            "sequence": self.sequence,
            "count": self.count,
            "head_hash": self.head_hash,
            "key_id": self.key_id,
        }


def _mac(fields: dict, anchor_key: bytes) -> str:
    signed = {name: fields[name] for name in _SIGNED_FIELDS}
    encoded = json.dumps(signed, sort_keys=True, ensure_ascii=True, separators=(",", ":")).encode()
    return hmac.new(anchor_key, encoded, hashlib.sha256).hexdigest()


def to_line(anchor: Anchor) -> str:
    fields = anchor.fields()
    key = key_ring()[anchor.key_id][1]
    return json.dumps({**fields, "mac": _mac(fields, key.anchor_key)}, separators=(",", ":"))


def parse_line(text: str, source: str = "") -> Anchor:
    """One anchor from a line of the file or of a syslog extract (anything before the first "{",
    such as a syslog prefix, is ignored)."""
    start = text.find("{")
    if start < 0:
        raise AnchorError(f"{source}: not an anchor line")
    try:
        data = json.loads(text[start:].rstrip("\x00\r\n "))
        fields = {name: data[name] for name in _SIGNED_FIELDS}
        mac = data["mac"]
        if fields["v"] != FORMAT_VERSION:
            raise AnchorError(f"{source}: anchor format {fields['v']!r} is not known")
        anchor = Anchor(
            time=str(fields["time"]),
            sequence=int(fields["sequence"]),
            count=int(fields["count"]),
            head_hash=str(fields["head_hash"]),
            key_id=str(fields["key_id"]),
            source=source,
        )
    except (ValueError, KeyError, TypeError) as exc:
        if isinstance(exc, AnchorError):
            raise
        raise AnchorError(f"{source}: not a valid anchor line ({exc})") from exc
    found = key_ring().get(anchor.key_id)
    if found is None:
        raise AnchorError(f"{source}: anchor signed with an unknown key (key id {anchor.key_id})")
    if not hmac.compare_digest(_mac(fields, found[1].anchor_key), str(mac)):
        raise AnchorError(f"{source}: the anchor's MAC does not match: the line was altered")
    return anchor


def read_anchors(path: Path) -> list[Anchor]:
    """Every anchor in a file, in order; raises AnchorError at the first line that is not a valid
    anchor (blank lines are skipped) and FileNotFoundError if there is no file."""
    anchors = []
    with open(path, encoding="utf-8") as handle:
        for number, line in enumerate(handle, start=1):
            if line.strip():
                anchors.append(parse_line(line, source=f"{path}:{number}"))
    return anchors


def current_anchor() -> Anchor:
    """The chain's newest entry as it is now, signed with the current key."""
    key = current_key()
    with unscoped():
        head = AccessLogEntry.objects.order_by("-sequence").values("sequence", "entry_hash").first()
        sequence = head["sequence"] if head else 0
        # Entries are only appended, so counting up to the head is consistent with it even while
        # others write. Entries culled up to the newest checkpoint count as there (ADR 0032).
        cut = AccessLogCheckpoint.objects.order_by("-cut_sequence").values_list("cut_sequence", flat=True).first() or 0
        count = cut + AccessLogEntry.objects.filter(sequence__gt=cut, sequence__lte=sequence).count()
    now = timezone.now().astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")
    return Anchor(
        time=now,
        sequence=sequence,
        count=count,
        head_hash=head["entry_hash"] if head else GENESIS_HASH,
        key_id=key.key_id,
    )


def append_line(path: Path, line: str) -> None:
    """Append one line, never rewriting what is there: O_APPEND, created 0640 if missing, fsynced."""
    path.parent.mkdir(mode=0o750, parents=True, exist_ok=True)
    fd = os.open(path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o640)
    try:
        os.write(fd, (line + "\n").encode("utf-8"))
        os.fsync(fd)
    finally:
        os.close(fd)


class _StrictSysLogHandler(SysLogHandler):
    def handleError(self, record):  # logging calls this inside its except block
        raise  # the send error, instead of printing it and going on


def _syslog_address(address: str):
    if address.startswith("/"):
        return address
    host, _, port = address.rpartition(":")
    if not host:
        return (address, 514)
    return (host, int(port))


def send_to_syslog(address: str, line: str) -> None:
    handler = _StrictSysLogHandler(address=_syslog_address(address), facility=SysLogHandler.LOG_AUTH)
    handler.append_nul = False
    try:
        record = logging.LogRecord("fridsam.access_log", logging.INFO, __file__, 0, SYSLOG_TAG + line, None, None)
        handler.emit(record)
    finally:
        handler.close()


def compare_with_newest(anchor: Anchor, earlier: list[Anchor]) -> str:
    """A quick check at anchoring time: does the chain still hold the newest earlier anchor?
    Returns the problem, or "" (``verify_access_log`` checks every anchor and every entry)."""
    if not earlier:
        return ""
    newest = max(earlier, key=lambda a: a.sequence)
    if newest.sequence > anchor.sequence:
        return (
            f"the log ends at entry #{anchor.sequence} but the {newest.label} records #{newest.sequence}: "
            "the newest entries were removed"
        )
    if newest.sequence == 0:
        return ""
    with unscoped():
        stored = AccessLogEntry.objects.filter(sequence=newest.sequence).values_list("entry_hash", flat=True).first()
    if stored != newest.head_hash:
        return f"entry #{newest.sequence} differs from the {newest.label}"
    return ""
