from django.db import migrations


def load(apps, schema_editor):
    from fridsam.statistics.catalogue import sync_indicators

    sync_indicators(apps.get_model("statistics", "Indicator"), apps.get_model("statistics", "IndicatorDefinition"))


class Migration(migrations.Migration):
    """Referrals to partners, counted from the referrals registered in Fridsam, join the catalogue."""

    dependencies = [("statistics", "0003_computed_indicators")]

    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
