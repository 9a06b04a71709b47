"""Re-encrypt every encrypted field under the newest key (ADR 0030, key rotation).

Put the new key first in FRIDSAM_FIELD_ENCRYPTION_KEY, keep the old ones after it (they still
read), run this command, then remove the old keys once ``--check`` says every value is under the
newest key. The rows are rewritten in one transaction, locked, so a run that is stopped leaves
every value as it was and can simply be run again. ``--readable`` only reads every value with the
configured keys (the backup drill runs it on the restored copy).
"""

from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from fridsam.core import crypto
from fridsam.core.tenancy import unscoped


class Command(BaseCommand):
    help = "Re-encrypt every encrypted field under the newest key; --check and --readable only read."

    def add_arguments(self, parser):
        parser.add_argument("--check", action="store_true", help="Only count values not under the newest key.")
        parser.add_argument("--readable", action="store_true", help="Only read every value with the configured keys.")

    def handle(self, *args, check=False, readable=False, **options):
        stale = changed = total = 0
        with unscoped(), transaction.atomic():
            for entry, manager, row, value in crypto.encrypted_values(lock=not (check or readable)):
                total += 1
                where = f"{entry.model}.{entry.field}{f'[{entry.json_key}]' if entry.json_key else ''} row {row.pk}"
                try:
                    if readable:
                        crypto.decrypt_text(value)
                        continue
                    if crypto.newest_key_reads(value):
                        continue
                    stale += 1
                    if check:
                        crypto.decrypt_text(value)  # still readable with an older key
                        continue
                    new = crypto.rotate_text(value)
                except ValueError as exc:
                    raise CommandError(f"{where}: {exc}") from exc
                if entry.json_key is not None:
                    new = {**getattr(row, entry.field), entry.json_key: new}
                    setattr(row, entry.field, new)  # the row's other key (secret, seed) keeps up
                manager.filter(pk=row.pk).update(**{entry.field: new})
                changed += 1
        if readable:
            self.stdout.write(f"{total} encrypted values readable")
        elif check:
            self.stdout.write(f"{stale} values not yet under the newest key")
            if stale:
                raise CommandError(f"{stale} values are not under the newest key: run rotate_field_encryption.")
        else:
            self.stdout.write(f"{changed} values re-encrypted under the newest key")
