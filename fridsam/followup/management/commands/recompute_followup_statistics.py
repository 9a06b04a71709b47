"""Rebuild every statistics figure computed from follow-up records (after an import of records
or a change of the indicator catalogue). The services keep them up to date otherwise."""

import time

from django.core.management.base import BaseCommand

from fridsam.core.tenancy import unscoped
from fridsam.followup import tallies


class Command(BaseCommand):
    help = "Recompute the statistics computed from case follow-up records."

    def handle(self, *args, **options):
        started = time.perf_counter()
        with unscoped():
            changed = tallies.recompute_all()
        self.stdout.write(f"{changed} figures changed in {time.perf_counter() - started:.1f} s")
