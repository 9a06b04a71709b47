"""Load assessment instruments from definition files: ``load_instruments file.json …``. The three
demo instruments are in fridsam/demo/instruments/ (``load_demo`` loads them with the demo county)."""

from pathlib import Path

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from fridsam.core.tenancy import unscoped
from fridsam.followup import services


class Command(BaseCommand):
    help = "Load assessment instrument definitions (JSON)."

    def add_arguments(self, parser):
        parser.add_argument("files", nargs="+", type=Path)

    def handle(self, *args, files, **options):
        paths = list(files)
        with unscoped():
            for path in paths:
                try:
                    version, created = services.instrument_load(path.read_bytes())
                except (OSError, ValidationError) as error:
                    messages = error.messages if isinstance(error, ValidationError) else [str(error)]
                    raise CommandError(f"{path}:\n  " + "\n  ".join(messages)) from error
                state = "loaded" if created else "already loaded"
                self.stdout.write(f"{version.instrument.key} {version.version}: {state}")
