import pyotp
from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from fridsam.demo.users import demo_totp_secret


class Command(BaseCommand):
    help = "Print the current TOTP code of a demo account (demo data only)."

    def add_arguments(self, parser):
        parser.add_argument("username")

    def handle(self, *args, username, **options):
        if not getattr(settings, "FRIDSAM_ALLOW_DEMO", False):
            raise CommandError("Demo accounts are not available with these settings.")
        self.stdout.write(pyotp.TOTP(demo_totp_secret(username)).now())
