from django.db import migrations


def load(apps, schema_editor):
    from fridsam.statistics.catalogue import sync_indicators

    sync_indicators(apps.get_model("statistics", "Indicator"), apps.get_model("statistics", "IndicatorDefinition"))


class Migration(migrations.Migration):
    """The indicators computed from case follow-up (protected-housing nights, closed with the
    violence ended) join the catalogue."""

    dependencies = [("statistics", "0002_indicator_catalogue")]

    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
