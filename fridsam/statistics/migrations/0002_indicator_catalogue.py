from django.db import migrations


def load(apps, schema_editor):
    from fridsam.statistics.catalogue import sync_indicators

    sync_indicators(apps.get_model("statistics", "Indicator"), apps.get_model("statistics", "IndicatorDefinition"))


class Migration(migrations.Migration):
    dependencies = [("statistics", "0001_initial")]

    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
