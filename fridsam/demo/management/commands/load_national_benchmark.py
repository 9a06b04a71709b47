import time

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from fridsam.core.tenancy import unscoped
from fridsam.demo import benchmark


class Command(BaseCommand):
    help = (
        "Load the national benchmark data: generated practice municipalities in generated counties with ten "
        "years of figures and staggered coordinator starts, marked as practice data (idempotent), then "
        "recompute the effect estimates through the background task. Demo and test databases only."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--municipalities", type=int, default=benchmark.MUNICIPALITIES, help="how many (default 290)"
        )
        parser.add_argument(
            "--counties", type=int, default=benchmark.MAX_COUNTIES, help="over how many counties (default 21)"
        )

    def handle(self, *args, municipalities, counties, **options):
        started = time.perf_counter()
        try:
            with unscoped():
                loaded = benchmark.load(municipalities=municipalities, counties=counties)
        except ValidationError as error:
            raise CommandError(" ".join(error.messages)) from None
        out = self.stdout.write
        out(
            f"National benchmark data (generated practice data, not real municipalities): "
            f"{len(loaded.counties)} counties loaded, {len(loaded.kept)} already there; "
            f"{loaded.municipalities} benchmark municipalities in the database."
        )
        if loaded.task is not None:
            output = loaded.task.result.get("output", "").strip()
            out(f"Effect estimates: task {loaded.task.pk} {loaded.task.status}. {output}".strip())
        else:
            out("Nothing new: the effect estimates stand (manage.py recompute_effects recomputes them).")
        out(f"Done in {time.perf_counter() - started:.1f} s.")
