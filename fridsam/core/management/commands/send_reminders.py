"""The daily reminders job: run once a day from cron, e.g.

    15 6 * * *  cd /srv/fridsam && .venv/bin/python manage.py send_reminders

Idempotent: a second run on the same day adds and sends nothing."""

import datetime

from django.core.management.base import BaseCommand

from fridsam.core import reminders


class Command(BaseCommand):
    help = "Collect what is due for each person, show it on their start page and e-mail what is new."

    def add_arguments(self, parser):
        parser.add_argument("--date", type=datetime.date.fromisoformat, help="The day to run for (YYYY-MM-DD).")
        parser.add_argument("--no-email", action="store_true", help="Update the start pages without sending e-mail.")

    def handle(self, *args, date=None, no_email=False, **options):
        result = reminders.run(date, send=not no_email)
        self.stdout.write(
            f"reminders: {result.open} due, {result.created} new, {result.resolved} resolved, {result.emails} e-mails"
        )
