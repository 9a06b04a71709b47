from django.core.management.base import BaseCommand

from fridsam.core.tenancy import unscoped
from fridsam.demo import data
from fridsam.demo.services import demo_county_load
from fridsam.demo.users import demo_totp_secret


class Command(BaseCommand):
    help = "Load the demo county (idempotent) and print the demo accounts with their TOTP secrets."

    def add_arguments(self, parser):
        parser.add_argument("--quiet", action="store_true", help="Do not print the accounts.")

    def handle(self, *args, quiet=False, **options):
        with unscoped():
            county = demo_county_load()
        if quiet:
            return
        out = self.stdout.write
        out("")
        out(f"Demo county loaded: {county.name}")
        out(f"Demo accounts (password for all: {data.DEMO_PASSWORD})")
        out(f"  {'role':<16} {'username':<24} TOTP secret (add to an authenticator app)")
        for role, username in data.DEMO_ACCOUNTS:
            out(f"  {role:<16} {username:<24} {demo_totp_secret(username)}")
        out("Current six-digit code for an account: .venv/bin/python manage.py demo_totp <username>")
        out("")
