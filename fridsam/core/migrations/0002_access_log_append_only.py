"""The database itself refuses UPDATE and DELETE on the access log (and TRUNCATE on PostgreSQL)."""

from django.db import migrations

TABLE = "core_accesslogentry"

SQLITE_UP = [
    f"""CREATE TRIGGER accesslog_no_update BEFORE UPDATE ON {TABLE}
        BEGIN SELECT RAISE(ABORT, 'the access log is append-only: UPDATE rejected'); END;""",
    f"""CREATE TRIGGER accesslog_no_delete BEFORE DELETE ON {TABLE}
        BEGIN SELECT RAISE(ABORT, 'the access log is append-only: DELETE rejected'); END;""",
]
SQLITE_DOWN = ["DROP TRIGGER IF EXISTS accesslog_no_update;", "DROP TRIGGER IF EXISTS accesslog_no_delete;"]

POSTGRES_UP = [
    """CREATE OR REPLACE FUNCTION fridsam_access_log_append_only() RETURNS trigger AS $$
       BEGIN
         RAISE EXCEPTION 'the access log is append-only: % rejected', TG_OP
           USING ERRCODE = 'insufficient_privilege';
       END;
       $$ LANGUAGE plpgsql;""",
    f"""CREATE TRIGGER accesslog_no_update_delete BEFORE UPDATE OR DELETE ON {TABLE}
        FOR EACH ROW EXECUTE FUNCTION fridsam_access_log_append_only();""",
    f"""CREATE TRIGGER accesslog_no_truncate BEFORE TRUNCATE ON {TABLE}
        FOR EACH STATEMENT EXECUTE FUNCTION fridsam_access_log_append_only();""",
]
POSTGRES_DOWN = [
    f"DROP TRIGGER IF EXISTS accesslog_no_update_delete ON {TABLE};",
    f"DROP TRIGGER IF EXISTS accesslog_no_truncate ON {TABLE};",
    "DROP FUNCTION IF EXISTS fridsam_access_log_append_only();",
]


def _run(statements_by_vendor):
    def run(apps, schema_editor):
        statements = statements_by_vendor.get(schema_editor.connection.vendor)
        if statements is None:
            raise RuntimeError(f"no append-only trigger for database {schema_editor.connection.vendor}")
        for sql in statements:
            schema_editor.execute(sql, params=None)

    return run


class Migration(migrations.Migration):
    dependencies = [("core", "0001_initial")]
    operations = [
        migrations.RunPython(
            _run({"sqlite": SQLITE_UP, "postgresql": POSTGRES_UP}),
            _run({"sqlite": SQLITE_DOWN, "postgresql": POSTGRES_DOWN}),
        )
    ]
