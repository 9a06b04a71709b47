import time

from django.core.management.base import BaseCommand

from fridsam.statistics.effects import recompute_effects


class Command(BaseCommand):
    help = (
        "Recompute the stored effect estimates (does the coordinator make a difference?, ADR 0028) for every "
        "county and the whole country, or those named. Estimates whose figures have not changed are kept."
    )

    def add_arguments(self, parser):
        parser.add_argument("--scope", help="a county's code, or SE for every municipality")
        parser.add_argument("--indicator", action="append", dest="indicators", help="an indicator's key (repeatable)")
        parser.add_argument("--force", action="store_true", help="recompute also what has not changed")

    def handle(self, *args, scope=None, indicators=None, force=False, **options):
        started = time.perf_counter()
        written = recompute_effects(scope=scope, indicator_keys=indicators, force=force)
        self.stdout.write(f"{written} effect estimates written in {time.perf_counter() - started:.1f} s.")
