"""Verify the access log: every entry's keyed hash and link, and the chain against every anchor
outside the database (ADR 0018). Exits non-zero, naming the first broken entry, on failure. A
successful verification is recorded, signed: the next cut of the log verifies only what follows it
(ADR 0041)."""

from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from fridsam.core.anchors import AnchorError, read_anchors
from fridsam.core.audit import record_verification, verify_chain


class Command(BaseCommand):
    help = "Verify the access log's keyed hash chain and its anchors; name the first broken entry."

    def add_arguments(self, parser):
        parser.add_argument(
            "--anchors",
            action="append",
            metavar="FILE",
            help="An anchor file, or a copy of its lines from syslog (repeatable; default: "
            "FRIDSAM_ACCESS_LOG_ANCHOR_FILE).",
        )
        parser.add_argument(
            "--no-anchors",
            action="store_true",
            help="Check only the chain (removal of the newest entries then goes unnoticed).",
        )

    def handle(self, *args, anchors=None, no_anchors=False, **options):
        paths = [] if no_anchors else [Path(p) for p in anchors or [settings.FRIDSAM_ACCESS_LOG_ANCHOR_FILE]]
        found, missing = [], []
        for path in paths:
            try:
                found.extend(read_anchors(path))
            except FileNotFoundError:
                missing.append(path)
            except AnchorError as exc:
                raise CommandError(f"Access log cannot be verified: {exc}.") from exc
        if anchors and missing:
            raise CommandError(f"Access log cannot be verified: no anchor file {missing[0]}.")

        report = verify_chain(anchors=found)
        if not report.ok:
            if report.first_broken_sequence is None:
                raise CommandError(f"Access log cannot be verified: {report.reason}.")
            raise CommandError(
                f"Access log broken at entry #{report.first_broken_sequence}: {report.reason} "
                f"({report.checked} entries before it are intact)."
            )
        record_verification(report)
        summary = f"{report.checked} entries verified"
        if report.start:
            summary += f" from the checkpoint after entry #{report.start} (the entries before it were culled)"
        if report.legacy:
            summary += f" ({report.legacy} from before the keyed chain, with SHA-256 only)"
        if report.sealed:
            summary += f" ({report.sealed} with a former staff member's name pseudonymised, against their seals)"
        if no_anchors:
            self.stdout.write(
                self.style.WARNING(
                    f"Access log chain intact: {summary}; not compared with anchors, so removal of "
                    "the newest entries was not checked."
                )
            )
            return
        if not found and report.checked:
            raise CommandError(
                f"Access log not verified against an anchor: no anchor in {', '.join(map(str, paths))}. "
                f"The chain is intact ({summary}), but removal of the newest entries cannot be ruled out; "
                "run manage.py anchor_access_log regularly (ADR 0018), or pass --no-anchors."
            )
        newest = report.newest_anchor
        where = f"; the newest, of {newest.time}, at entry #{newest.sequence}" if newest else ""
        message = f"Access log intact: {summary}, consistent with {report.anchors_checked} anchors{where}."
        self.stdout.write(self.style.SUCCESS(message))
