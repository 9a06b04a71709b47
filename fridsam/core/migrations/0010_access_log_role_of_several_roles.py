"""The access log's role column holds several roles joined by commas (a coordinator who is also a
county analyst is "coordinator,county_analyst", 26 characters, which PostgreSQL refused in a
column of 20). Widening a varchar changes no row on PostgreSQL. On SQLite, altering the column
rebuilds the table, and the rebuilt table has no triggers: the append-only triggers as migration
0008 left them are created again afterwards, in either direction."""

import importlib

from django.db import migrations, models

checkpoint = importlib.import_module("fridsam.core.migrations.0008_access_log_checkpoint")


def recreate_sqlite_triggers(apps, schema_editor):
    if schema_editor.connection.vendor != "sqlite":
        return
    for sql in checkpoint.SQLITE_DOWN + checkpoint.SQLITE_UP:
        schema_editor.execute(sql, params=None)


class Migration(migrations.Migration):
    dependencies = [("core", "0009_merge_checkpoint_and_object_index")]

    operations = [
        migrations.RunPython(migrations.RunPython.noop, recreate_sqlite_triggers),
        migrations.AlterField(
            model_name="accesslogentry",
            name="role",
            field=models.CharField(blank=True, max_length=200, verbose_name="role"),
        ),
        migrations.RunPython(recreate_sqlite_triggers, migrations.RunPython.noop),
    ]
