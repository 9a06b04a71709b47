"""A first culling of a large access log within minutes (ADR 0041).

- Where the last whole verification reached, signed: a cut of the log made after it verifies only
  what follows.
- On PostgreSQL the DELETE guard of migration 0008 becomes one check per statement instead of per
  row: an AFTER DELETE statement trigger looks at the deleted rows (a transition table) and refuses
  the statement, rolling it back, if any lies above the newest checkpoint's cut. The rule is the same;
  a batch of 5 000 culled rows costs one look-up of the checkpoint instead of 5 000 (measured: 65 ms
  a batch before, 15 ms after). SQLite has no statement triggers and keeps the row trigger.
"""

from django.db import migrations, models

LOG = "core_accesslogentry"
CHECKPOINT = "core_accesslogcheckpoint"

POSTGRES_UP = [
    f"""CREATE OR REPLACE FUNCTION fridsam_access_log_delete_only_up_to_cut() RETURNS trigger AS $$
       BEGIN
         IF EXISTS (
           SELECT 1 FROM culled
           WHERE culled.sequence > COALESCE((SELECT MAX(cut_sequence) FROM {CHECKPOINT}), 0)
         ) THEN
           RAISE EXCEPTION 'the access log is append-only: DELETE rejected'
             USING ERRCODE = 'insufficient_privilege';
         END IF;
         RETURN NULL;
       END;
       $$ LANGUAGE plpgsql;""",  # noqa: S608 - constant names
    f"DROP TRIGGER IF EXISTS accesslog_delete_at_cut ON {LOG};",
    f"""CREATE TRIGGER accesslog_delete_at_cut AFTER DELETE ON {LOG}
        REFERENCING OLD TABLE AS culled
        FOR EACH STATEMENT EXECUTE FUNCTION fridsam_access_log_delete_only_up_to_cut();""",
]
POSTGRES_DOWN = [
    f"DROP TRIGGER IF EXISTS accesslog_delete_at_cut ON {LOG};",
    f"""CREATE TRIGGER accesslog_delete_at_cut BEFORE DELETE ON {LOG}
        FOR EACH ROW EXECUTE FUNCTION fridsam_access_log_delete_at_cut();""",
    "DROP FUNCTION IF EXISTS fridsam_access_log_delete_only_up_to_cut();",
]


def _run(statements):
    def run(apps, schema_editor):
        if schema_editor.connection.vendor == "postgresql":
            for sql in statements:
                schema_editor.execute(sql, params=None)

    return run


class Migration(migrations.Migration):
    dependencies = [("core", "0010_access_log_role_of_several_roles")]

    operations = [
        migrations.CreateModel(
            name="AccessLogVerification",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("sequence", models.PositiveBigIntegerField(verbose_name="last entry verified")),
                ("entry_hash", models.CharField(max_length=64, verbose_name="its hash")),
                ("entry_key_id", models.CharField(blank=True, default="", max_length=16)),
                ("start", models.PositiveBigIntegerField(verbose_name="verified from")),
                ("checked", models.PositiveBigIntegerField(verbose_name="entries verified")),
                ("verified_at", models.DateTimeField(verbose_name="time")),
                ("key_id", models.CharField(max_length=16, verbose_name="key id")),
                ("mac", models.CharField(max_length=64)),
            ],
            options={
                "verbose_name": "access log verification",
                "verbose_name_plural": "access log verifications",
                "ordering": ["-verified_at", "-pk"],
            },
        ),
        migrations.RunPython(_run(POSTGRES_UP), _run(POSTGRES_DOWN)),
    ]
