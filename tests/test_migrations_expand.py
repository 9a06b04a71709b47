"""Every migration is safe to run before the code that needs it (docs/operations.md, *Upgrading
without downtime*): it expands the schema, and the code still running on the old one keeps working.
A contraction — dropping or renaming a column or a table, making a column NOT NULL, narrowing its
type — belongs to a later release, once no code using the old shape runs, and is named here with
the release that may run it."""

from __future__ import annotations

import pytest
from django.db import connection, migrations
from django.db.migrations.loader import MigrationLoader

pytestmark = pytest.mark.django_db

CONTRACTING = (
    migrations.RemoveField,
    migrations.DeleteModel,
    migrations.RenameField,
    migrations.RenameModel,
    migrations.AlterModelTable,
)
# (app, migration): why it may contract. None so far.
ALLOWED: dict[tuple[str, str], str] = {}


def _narrows(old, new) -> str:
    """Why changing field *old* into *new* would break the code that still uses *old*, or ""."""
    if old.null and not new.null:
        return "NOT NULL on an existing column"
    if old.is_relation or new.is_relation:
        return "" if type(old) is type(new) else "a link becomes another kind of field"
    before, after = old.db_type(connection), new.db_type(connection)
    if before == after:
        return ""
    longer = getattr(old, "max_length", None) and getattr(new, "max_length", None) and new.max_length > old.max_length
    if longer and type(old) is type(new):
        return ""
    return f"its type changes from {before} to {after}"


def test_every_migration_of_fridsam_only_expands_the_schema():
    loader = MigrationLoader(connection, ignore_no_migrations=True)
    found = []
    for key, migration in sorted(loader.disk_migrations.items()):
        if not migration.__module__.startswith("fridsam.") or key in ALLOWED:
            continue
        state = loader.project_state(key, at_end=False)
        for operation in migration.operations:
            if isinstance(operation, CONTRACTING):
                found.append(f"{key[0]}.{key[1]}: {operation.describe()}")
            elif isinstance(operation, migrations.AlterField):
                model = state.models[key[0], operation.model_name_lower]
                reason = _narrows(model.fields[operation.name], operation.field)
                if reason:
                    found.append(f"{key[0]}.{key[1]}: {operation.describe()}: {reason}")
            operation.state_forwards(key[0], state)
    assert found == [], "contracting migrations (see docs/operations.md):\n" + "\n".join(found)


def test_what_counts_as_narrowing_a_column():
    from django.db import models

    assert _narrows(models.CharField(max_length=20, null=True), models.CharField(max_length=20)) == (
        "NOT NULL on an existing column"
    )
    assert "type changes" in _narrows(models.CharField(max_length=20), models.CharField(max_length=10))
    assert "type changes" in _narrows(models.IntegerField(), models.CharField(max_length=10))
    assert _narrows(models.CharField(max_length=10), models.CharField(max_length=20, null=True)) == ""
    assert _narrows(models.CharField(max_length=10), models.CharField(max_length=10, help_text="x")) == ""
