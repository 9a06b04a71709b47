"""Sweden's 21 counties and 290 municipalities (SCB, valid 2026), shipped with the code."""

from django.db import migrations


def load(apps, schema_editor):
    from fridsam.organisations.services import reference_data_load

    reference_data_load(
        county_model=apps.get_model("organisations", "County"),
        municipality_model=apps.get_model("organisations", "Municipality"),
    )


class Migration(migrations.Migration):
    dependencies = [("organisations", "0001_initial")]
    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
