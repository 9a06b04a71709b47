"""A former staff member's name in the access log is replaced by their pseudonym (ADR 0040).

The log stays append-only, with one exception: an entry not yet sealed may have its ``username``
and ``detail`` changed once, together with its ``seal`` (the MAC, made with a key outside the
database, of the entry as it then reads and of its unchanged hash). Every other column — the hash
and the link above all — stays as it was written, which the trigger checks; that the new values are
Fridsam's, and not someone's with only the database, ``verify_access_log`` checks with the seal.

The column is nullable, so adding it rewrites no row: on PostgreSQL it is instant, and on SQLite
it is an ``ALTER TABLE ADD COLUMN`` that keeps the table and its triggers (they are created again
all the same, as the earlier migrations did)."""

import importlib

from django.db import migrations, models

checkpoint = importlib.import_module("fridsam.core.migrations.0008_access_log_checkpoint")

LOG = "core_accesslogentry"
# Every column but username, detail and seal.
KEPT = (
    "id",
    "sequence",
    "occurred_at",
    "user_id",
    "role",
    "organisation",
    "municipality_id",
    "county_id",
    "action",
    "object_type",
    "object_id",
    "purpose",
    "ip_address",
    "prev_hash",
    "entry_hash",
    "key_id",
)

SQLITE_UPDATE_ONLY_TO_SEAL = f"""CREATE TRIGGER accesslog_no_update BEFORE UPDATE ON {LOG}
    WHEN NOT (OLD.seal IS NULL AND NEW.seal IS NOT NULL AND {" AND ".join(f"NEW.{c} IS OLD.{c}" for c in KEPT)})
    BEGIN SELECT RAISE(ABORT, 'the access log is append-only: UPDATE rejected'); END;"""

# What the access log's triggers are from this migration on (SQLite), for whoever recreates them
# (a table rebuild drops them; the tests switch them off as an attacker could).
SQLITE_UP = [SQLITE_UPDATE_ONLY_TO_SEAL, checkpoint.SQLITE_DELETE_AT_CUT]
SQLITE_DOWN = checkpoint.SQLITE_DOWN

POSTGRES_UP = [
    f"""CREATE OR REPLACE FUNCTION fridsam_access_log_update_only_to_seal() RETURNS trigger AS $$
       BEGIN
         IF OLD.seal IS NULL AND NEW.seal IS NOT NULL
            AND ({", ".join(f"NEW.{c}" for c in KEPT)}) IS NOT DISTINCT FROM ({", ".join(f"OLD.{c}" for c in KEPT)})
         THEN
           RETURN NEW;
         END IF;
         RAISE EXCEPTION 'the access log is append-only: UPDATE rejected'
           USING ERRCODE = 'insufficient_privilege';
       END;
       $$ LANGUAGE plpgsql;""",
    f"DROP TRIGGER IF EXISTS accesslog_no_update ON {LOG};",
    f"""CREATE TRIGGER accesslog_no_update BEFORE UPDATE ON {LOG}
        FOR EACH ROW EXECUTE FUNCTION fridsam_access_log_update_only_to_seal();""",
]
POSTGRES_DOWN = [
    f"DROP TRIGGER IF EXISTS accesslog_no_update ON {LOG};",
    f"""CREATE TRIGGER accesslog_no_update BEFORE UPDATE ON {LOG}
        FOR EACH ROW EXECUTE FUNCTION fridsam_access_log_append_only();""",
    "DROP FUNCTION IF EXISTS fridsam_access_log_update_only_to_seal();",
]


def forwards(apps, schema_editor):
    statements = SQLITE_DOWN + SQLITE_UP if schema_editor.connection.vendor == "sqlite" else POSTGRES_UP
    for sql in statements:
        schema_editor.execute(sql, params=None)


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor == "sqlite":
        statements = checkpoint.SQLITE_DOWN + checkpoint.SQLITE_UP
    else:
        statements = POSTGRES_DOWN
    for sql in statements:
        schema_editor.execute(sql, params=None)


def recreate_earlier_sqlite_triggers(apps, schema_editor):
    """Backwards, removing the column rebuilds the SQLite table without triggers."""
    if schema_editor.connection.vendor == "sqlite":
        for sql in checkpoint.SQLITE_DOWN + checkpoint.SQLITE_UP:
            schema_editor.execute(sql, params=None)


class Migration(migrations.Migration):
    dependencies = [("core", "0011_access_log_verification")]

    operations = [
        migrations.RunPython(migrations.RunPython.noop, recreate_earlier_sqlite_triggers),
        migrations.AddField(
            model_name="accesslogentry",
            name="seal",
            field=models.CharField(blank=True, max_length=81, null=True, verbose_name="pseudonymisation seal"),
        ),
        migrations.RunPython(forwards, backwards),
    ]
