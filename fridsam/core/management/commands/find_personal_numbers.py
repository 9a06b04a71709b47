"""Look through every stored free text for a personal identity number (ADR 0016/issue 15's
normalisation): text saved before a separator was recognised stays in the database until someone
removes it. Prints where (model, field, row), never the number; exits non-zero if any is found.
The access log cannot be changed: what it holds is reported, so that the data-protection officer
can record it."""

from django.core.management.base import BaseCommand, CommandError

from fridsam.core.free_text import _free_text_model_fields, fridsam_models
from fridsam.core.models import AccessLogEntry
from fridsam.core.tenancy import unscoped
from fridsam.core.validators import contains_personal_identity_number


def stored_personal_numbers(chunk_size: int = 2000):
    """(model label, field name, primary key) of every stored free text holding a number."""
    with unscoped():
        for model in fridsam_models():
            fields = [f.name for f in _free_text_model_fields(model)]
            if model is AccessLogEntry:
                fields = ["purpose", "detail", "object_id"]
            if not fields:
                continue
            rows = model._default_manager.values_list("pk", *fields).order_by("pk")
            for pk, *values in rows.iterator(chunk_size=chunk_size):
                for name, value in zip(fields, values, strict=True):
                    if value and contains_personal_identity_number(str(value)):
                        yield model._meta.label, name, pk


class Command(BaseCommand):
    help = "Find stored free texts that hold a personal identity number; print where, never the number."

    def handle(self, *args, **options):
        found = 0
        for label, name, pk in stored_personal_numbers():
            found += 1
            self.stdout.write(f"{label}.{name} id={pk}")
        if found:
            raise CommandError(f"{found} stored texts hold a personal identity number: remove them.")
        self.stdout.write("No stored text holds a personal identity number.")
