"""The monthly culling job (ADR 0031): cull every signed-off run in batches, then compute this
month's preview for every municipality using Fridsam and for the installation (the access log).
Idempotent; run it from cron daily or monthly, e.g.
``30 2 * * * cd /srv/fridsam && .venv/bin/python manage.py retention_monthly``."""

from django.core.management.base import BaseCommand, CommandError

from fridsam.core.actor import NOBODY, acting
from fridsam.core.tenancy import unscoped
from fridsam.retention.models import RunStatus
from fridsam.retention.services import run_monthly


class Command(BaseCommand):
    help = "Cull the signed-off culling runs, then preview this month's culling for every municipality."

    def handle(self, *args, **options):
        problems = []
        # The system, for every municipality: the log records who signed each run.
        with acting(NOBODY), unscoped():
            runs = list({run.pk: run for run in run_monthly(problems=problems)}.values())
            culled = [r for r in runs if r.status == RunStatus.CULLED]
            waiting = [r for r in runs if r.status == RunStatus.PREVIEWED and any(line.due for line in r.lines.all())]
        self.stdout.write(f"{len(culled)} runs culled; {len(waiting)} previews await sign-off.")
        if problems:
            raise CommandError("Not culled: " + "; ".join(problems))
