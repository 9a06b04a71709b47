import django.core.validators
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("followup", "0002_date_bounds"),
        ("organisations", "0005_phone_number_validator"),
    ]

    operations = [
        migrations.AddField(
            model_name="followuprecord",
            name="children_in_household",
            field=models.PositiveSmallIntegerField(
                blank=True,
                null=True,
                validators=[django.core.validators.MaxValueValidator(20)],
                verbose_name="children in the household",
            ),
        ),
        migrations.AddField(
            model_name="followuprecord",
            name="police_report",
            field=models.CharField(
                blank=True,
                choices=[("yes", "Yes"), ("no", "No"), ("unknown", "Not known")],
                max_length=10,
                verbose_name="reported to the police",
            ),
        ),
        migrations.AddField(
            model_name="intervention",
            name="children_placed",
            field=models.PositiveSmallIntegerField(
                blank=True,
                null=True,
                validators=[django.core.validators.MaxValueValidator(20)],
                verbose_name="children placed with the parent",
            ),
        ),
        migrations.AddField(
            model_name="intervention",
            name="children_with_own_decision",
            field=models.PositiveSmallIntegerField(
                blank=True,
                null=True,
                validators=[django.core.validators.MaxValueValidator(20)],
                verbose_name="of them with their own decision",
            ),
        ),
        migrations.AddField(
            model_name="intervention",
            name="schooling",
            field=models.CharField(
                blank=True,
                choices=[
                    ("same_school", "The child goes to the same school, with safe transport"),
                    ("new_school", "A new school near the housing"),
                    ("at_the_housing", "Teaching at the housing or remote teaching, decided with the school"),
                    ("not_secured", "Not yet secured"),
                    ("not_school_age", "No child of school age"),
                ],
                max_length=20,
                verbose_name="schooling",
            ),
        ),
        migrations.AlterField(
            model_name="followuprecord",
            name="closure_reason",
            field=models.CharField(
                blank=True,
                choices=[
                    ("goals_met", "The goals were met"),
                    ("goals_partly_met", "The goals were partly met"),
                    ("declined", "The person declined further support"),
                    ("moved", "Moved to another municipality"),
                    ("referred", "Continued elsewhere"),
                    ("no_contact", "Contact was lost"),
                    ("other", "Other"),
                ],
                max_length=20,
                verbose_name="reason for closing",
            ),
        ),
        migrations.AddConstraint(
            model_name="intervention",
            constraint=models.CheckConstraint(
                condition=models.Q(
                    ("children_with_own_decision__isnull", True),
                    ("children_with_own_decision__lte", models.F("children_placed")),
                    _connector="OR",
                ),
                name="intervention_own_decisions_within_children",
            ),
        ),
    ]
