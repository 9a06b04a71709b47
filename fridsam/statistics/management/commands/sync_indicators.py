from django.core.management.base import BaseCommand

from fridsam.core.tenancy import unscoped
from fridsam.statistics.catalogue import sync_indicators
from fridsam.statistics.models import Indicator, IndicatorDefinition


class Command(BaseCommand):
    help = "Load the indicator catalogue (fridsam/statistics/data/indicators.json) into the database."

    def handle(self, *args, **options):
        with unscoped():
            count = sync_indicators(Indicator, IndicatorDefinition)
        self.stdout.write(f"{count} indicators synchronised.")
