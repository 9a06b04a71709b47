"""Anchor the access log outside the database: run from cron, e.g. every hour,

    5 * * * *  cd /srv/fridsam && .venv/bin/python manage.py anchor_access_log

Appends the chain's newest entry (sequence, hash, count; with an HMAC) to the append-only anchor
file and, when FRIDSAM_ACCESS_LOG_ANCHOR_SYSLOG is set, to syslog (ADR 0018). Removal of entries
newer than the newest anchor cannot be detected, so the interval is the window an intruder has."""

from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from fridsam.core.anchors import (
    AnchorError,
    append_line,
    compare_with_newest,
    current_anchor,
    read_anchors,
    send_to_syslog,
    to_line,
)


class Command(BaseCommand):
    help = "Append the access log's head (sequence, hash, count) to the anchor file and syslog."

    def add_arguments(self, parser):
        parser.add_argument("--file", help="The anchor file (default: FRIDSAM_ACCESS_LOG_ANCHOR_FILE).")

    def handle(self, *args, file=None, **options):
        path = Path(file or settings.FRIDSAM_ACCESS_LOG_ANCHOR_FILE)
        problem = ""
        try:
            earlier = read_anchors(path)
        except FileNotFoundError:
            earlier = []
        except AnchorError as exc:
            earlier, problem = [], f"the anchor file holds an invalid line: {exc}"
        anchor = current_anchor()
        line = to_line(anchor)
        try:
            append_line(path, line)
        except OSError as exc:
            raise CommandError(f"Access log not anchored: cannot append to {path}: {exc}") from exc
        self.stdout.write(f"Access log anchored at entry #{anchor.sequence} ({anchor.count} entries) in {path}.")
        syslog = settings.FRIDSAM_ACCESS_LOG_ANCHOR_SYSLOG
        if syslog:
            try:
                send_to_syslog(syslog, line)
            except OSError as exc:
                raise CommandError(f"Anchor written to {path}, but not sent to syslog at {syslog}: {exc}") from exc
        problem = problem or compare_with_newest(anchor, earlier)
        if problem:
            raise CommandError(
                f"Anchor written, but the access log does not match an earlier anchor: {problem}. "
                "Run manage.py verify_access_log."
            )
