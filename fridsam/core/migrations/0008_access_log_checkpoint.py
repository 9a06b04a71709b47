"""Checkpoints of the access log, and deletion only up to the newest one (ADR 0032).

The checkpoints are append-only like the log. The log's DELETE trigger now lets a row be deleted
when its sequence is at or below the newest checkpoint's cut, and refuses every other DELETE as
before; UPDATE and (on PostgreSQL) TRUNCATE stay refused. A checkpoint someone inserts by hand opens
the door to deleting rows, but not to doing so unseen: ``verify_access_log`` checks each
checkpoint's signature, made with a key that is never in the database.
"""

import importlib

from django.db import migrations, models

append_only = importlib.import_module("fridsam.core.migrations.0002_access_log_append_only")

LOG = "core_accesslogentry"
CHECKPOINT = "core_accesslogcheckpoint"

SQLITE_DELETE_AT_CUT = f"""CREATE TRIGGER accesslog_no_delete BEFORE DELETE ON {LOG}
    WHEN OLD.sequence > COALESCE((SELECT MAX(cut_sequence) FROM {CHECKPOINT}), 0)
    BEGIN SELECT RAISE(ABORT, 'the access log is append-only: DELETE rejected'); END;"""  # noqa: S608 - constant names
SQLITE_UNCONDITIONAL_DELETE = append_only.SQLITE_UP[1]

# What the access log's triggers are from this migration on (SQLite), for whoever recreates them
# (a table rebuild drops them; the tests switch them off as an attacker could).
SQLITE_UP = [append_only.SQLITE_UP[0], SQLITE_DELETE_AT_CUT]
SQLITE_DOWN = append_only.SQLITE_DOWN

SQLITE_CHECKPOINT_UP = [
    f"""CREATE TRIGGER accesslog_checkpoint_no_update BEFORE UPDATE ON {CHECKPOINT}
        BEGIN SELECT RAISE(ABORT, 'the access log checkpoints are append-only: UPDATE rejected'); END;""",
    f"""CREATE TRIGGER accesslog_checkpoint_no_delete BEFORE DELETE ON {CHECKPOINT}
        BEGIN SELECT RAISE(ABORT, 'the access log checkpoints are append-only: DELETE rejected'); END;""",
]
SQLITE_CHECKPOINT_DOWN = [
    "DROP TRIGGER IF EXISTS accesslog_checkpoint_no_update;",
    "DROP TRIGGER IF EXISTS accesslog_checkpoint_no_delete;",
]

POSTGRES_UP = [
    f"""CREATE OR REPLACE FUNCTION fridsam_access_log_delete_at_cut() RETURNS trigger AS $$
       BEGIN
         IF OLD.sequence <= COALESCE((SELECT MAX(cut_sequence) FROM {CHECKPOINT}), 0) THEN
           RETURN OLD;
         END IF;
         RAISE EXCEPTION 'the access log is append-only: DELETE rejected'
           USING ERRCODE = 'insufficient_privilege';
       END;
       $$ LANGUAGE plpgsql;""",  # noqa: S608 - constant names
    f"DROP TRIGGER IF EXISTS accesslog_no_update_delete ON {LOG};",
    f"""CREATE TRIGGER accesslog_no_update BEFORE UPDATE ON {LOG}
        FOR EACH ROW EXECUTE FUNCTION fridsam_access_log_append_only();""",
    f"""CREATE TRIGGER accesslog_delete_at_cut BEFORE DELETE ON {LOG}
        FOR EACH ROW EXECUTE FUNCTION fridsam_access_log_delete_at_cut();""",
    f"""CREATE TRIGGER accesslog_checkpoint_no_update_delete BEFORE UPDATE OR DELETE ON {CHECKPOINT}
        FOR EACH ROW EXECUTE FUNCTION fridsam_access_log_append_only();""",
    f"""CREATE TRIGGER accesslog_checkpoint_no_truncate BEFORE TRUNCATE ON {CHECKPOINT}
        FOR EACH STATEMENT EXECUTE FUNCTION fridsam_access_log_append_only();""",
]
POSTGRES_DOWN = [
    f"DROP TRIGGER IF EXISTS accesslog_checkpoint_no_truncate ON {CHECKPOINT};",
    f"DROP TRIGGER IF EXISTS accesslog_checkpoint_no_update_delete ON {CHECKPOINT};",
    f"DROP TRIGGER IF EXISTS accesslog_delete_at_cut ON {LOG};",
    f"DROP TRIGGER IF EXISTS accesslog_no_update ON {LOG};",
    f"""CREATE TRIGGER accesslog_no_update_delete BEFORE UPDATE OR DELETE ON {LOG}
        FOR EACH ROW EXECUTE FUNCTION fridsam_access_log_append_only();""",
    "DROP FUNCTION IF EXISTS fridsam_access_log_delete_at_cut();",
]


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor == "sqlite":
        statements = ["DROP TRIGGER IF EXISTS accesslog_no_delete;", SQLITE_DELETE_AT_CUT, *SQLITE_CHECKPOINT_UP]
    else:
        statements = POSTGRES_UP
    for sql in statements:
        schema_editor.execute(sql, params=None)


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor == "sqlite":
        statements = [
            *SQLITE_CHECKPOINT_DOWN,
            "DROP TRIGGER IF EXISTS accesslog_no_delete;",
            SQLITE_UNCONDITIONAL_DELETE,
        ]
    else:
        statements = POSTGRES_DOWN
    for sql in statements:
        schema_editor.execute(sql, params=None)


class Migration(migrations.Migration):
    dependencies = [("core", "0007_verbose_names")]

    operations = [
        migrations.CreateModel(
            name="AccessLogCheckpoint",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("cut_sequence", models.PositiveBigIntegerField(unique=True, verbose_name="last culled entry")),
                ("cut_hash", models.CharField(max_length=64, verbose_name="its hash")),
                ("cut_key_id", models.CharField(blank=True, default="", max_length=16)),
                ("culled_before", models.DateTimeField(verbose_name="entries older than")),
                ("removed", models.PositiveBigIntegerField(verbose_name="entries culled")),
                ("created_at", models.DateTimeField(verbose_name="time")),
                ("reason", models.CharField(max_length=200, verbose_name="reason")),
                ("key_id", models.CharField(max_length=16, verbose_name="key id")),
                ("mac", models.CharField(max_length=64)),
            ],
            options={
                "verbose_name": "access log checkpoint",
                "verbose_name_plural": "access log checkpoints",
                "ordering": ["-cut_sequence"],
            },
        ),
        migrations.RunPython(forwards, backwards),
    ]
