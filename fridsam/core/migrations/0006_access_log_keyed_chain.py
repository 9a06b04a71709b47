"""The access log's chain is keyed from here on (ADR 0018).

``key_id`` names the key of an entry's HMAC-SHA-256; the entries already in the database keep an
empty ``key_id`` and their SHA-256 hashes, which stay verifiable before the first keyed entry. No
existing row is changed: adding the column is not an UPDATE.

On SQLite, adding (or, backwards, removing) a NOT NULL column rebuilds the table, and the rebuilt
table has no triggers: the append-only triggers of migration 0002 are created again afterwards, in
either direction.
"""

import importlib

from django.db import migrations, models

append_only = importlib.import_module("fridsam.core.migrations.0002_access_log_append_only")


def recreate_sqlite_triggers(apps, schema_editor):
    if schema_editor.connection.vendor != "sqlite":
        return
    for sql in append_only.SQLITE_DOWN + append_only.SQLITE_UP:
        schema_editor.execute(sql, params=None)


class Migration(migrations.Migration):
    dependencies = [("core", "0005_access_action_denied")]

    operations = [
        migrations.RunPython(migrations.RunPython.noop, recreate_sqlite_triggers),
        migrations.AddField(
            model_name="accesslogentry",
            name="key_id",
            field=models.CharField(blank=True, default="", max_length=16, verbose_name="key id"),
        ),
        migrations.RunPython(recreate_sqlite_triggers, migrations.RunPython.noop),
    ]
