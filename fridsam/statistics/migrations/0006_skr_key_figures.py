import django.db.models.deletion
import django.utils.timezone
from django.conf import settings
from django.db import migrations, models


def load(apps, schema_editor):
    from fridsam.statistics.catalogue import sync_indicators

    sync_indicators(apps.get_model("statistics", "Indicator"), apps.get_model("statistics", "IndicatorDefinition"))


class Migration(migrations.Migration):
    """SKR's three key figures computed from case follow-up join the catalogue, each beside the
    imported Kolada figure it is the counterpart of, and which of them a municipality reports (ADR 0037)."""

    dependencies = [
        ("organisations", "0005_phone_number_validator"),
        ("statistics", "0005_date_bounds"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AddField(
            model_name="indicator",
            name="counterpart",
            field=models.ForeignKey(
                blank=True,
                null=True,
                on_delete=django.db.models.deletion.SET_NULL,
                related_name="computed_as",
                to="statistics.indicator",
                verbose_name="national counterpart",
            ),
        ),
        migrations.CreateModel(
            name="KeyFigureReporting",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("indicator_keys", models.JSONField(blank=True, default=list, verbose_name="key figures reported")),
                ("updated_at", models.DateTimeField(default=django.utils.timezone.now, verbose_name="updated")),
                (
                    "municipality",
                    models.OneToOneField(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="key_figure_reporting",
                        to="organisations.municipality",
                    ),
                ),
                (
                    "updated_by",
                    models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.SET_NULL,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                    ),
                ),
            ],
            options={
                "verbose_name": "key figures reported",
                "verbose_name_plural": "key figures reported",
            },
        ),
        migrations.RunPython(load, migrations.RunPython.noop),
    ]
