"""A drawn read's link to its access-log entry without a database constraint (ADR 0041).

Culling the log sets the links of a batch to null in one statement before deleting it; with the
constraint, each deleted log row also looked this table up (5 000 rows: 110 ms with it, 7–20 ms
without). The index stays: the null-setting finds the batch's reads by it."""

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("core", "0013_staff_session"),
        ("logreview", "0001_initial"),
    ]

    operations = [
        migrations.AlterField(
            model_name="reviewitem",
            name="entry",
            field=models.ForeignKey(
                blank=True,
                db_constraint=False,
                null=True,
                on_delete=django.db.models.deletion.SET_NULL,
                related_name="+",
                to="core.accesslogentry",
                verbose_name="access log entry",
            ),
        ),
    ]
