"""Load assessment instruments from definition files: ``load_instruments file.json …`` or
``load_instruments --demo`` for the three demo instruments shipped with Fridsam."""

from pathlib import Path

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from fridsam.core.tenancy import unscoped
from fridsam.followup import services
from fridsam.followup.demo_instruments import DIRECTORY as DEMO_DIR


class Command(BaseCommand):
    help = "Load assessment instrument definitions (JSON)."

    def add_arguments(self, parser):
        parser.add_argument("files", nargs="*", type=Path)
        parser.add_argument("--demo", action="store_true", help="Load Fridsam's demo instruments.")

    def handle(self, *args, files, demo, **options):
        paths = list(files) + (sorted(DEMO_DIR.glob("*.json")) if demo else [])
        if not paths:
            raise CommandError("Give definition files, or --demo.")
        with unscoped():
            for path in paths:
                try:
                    version, created = services.instrument_load(path.read_bytes())
                except (OSError, ValidationError) as error:
                    messages = error.messages if isinstance(error, ValidationError) else [str(error)]
                    raise CommandError(f"{path}:\n  " + "\n  ".join(messages)) from error
                state = "loaded" if created else "already loaded"
                self.stdout.write(f"{version.instrument.key} {version.version}: {state}")
