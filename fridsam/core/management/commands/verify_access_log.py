from django.core.management.base import BaseCommand, CommandError

from fridsam.core.audit import verify_chain


class Command(BaseCommand):
    help = "Verify the access log's hash chain; name the first broken link."

    def handle(self, *args, **options):
        report = verify_chain()
        if not report.ok:
            raise CommandError(
                f"Access log broken at entry #{report.first_broken_sequence}: {report.reason} "
                f"({report.checked} entries before it are intact)."
            )
        self.stdout.write(self.style.SUCCESS(f"Access log intact: {report.checked} entries verified."))
