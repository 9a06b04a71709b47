"""Write the API's OpenAPI schema to the file kept in the repository (or check that it is current)."""

import json

from django.core.management.base import BaseCommand, CommandError

from fridsam.integrations.api import SCHEMA_FILE, schema_text


class Command(BaseCommand):
    help = "Write fridsam/integrations/openapi.json from the API (--check: fail if it differs)."

    def add_arguments(self, parser):
        parser.add_argument("--check", action="store_true")

    def handle(self, *args, check=False, **options):
        text = schema_text()
        if check:
            if not SCHEMA_FILE.exists() or json.loads(SCHEMA_FILE.read_text()) != json.loads(text):
                raise CommandError(f"{SCHEMA_FILE} is not the served schema: run manage.py api_schema")
            return
        SCHEMA_FILE.write_text(text, encoding="utf-8")
        self.stdout.write(f"wrote {SCHEMA_FILE}")
