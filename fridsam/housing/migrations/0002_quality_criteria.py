from django.db import migrations


def load(apps, schema_editor):
    from fridsam.housing.criteria import sync_criteria

    sync_criteria(apps.get_model("housing", "Criterion"))


class Migration(migrations.Migration):
    dependencies = [("housing", "0001_initial")]

    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
