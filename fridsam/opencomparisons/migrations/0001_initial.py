
import django.core.validators
import django.db.models.deletion
import django.utils.timezone
import fridsam.core.validators
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):

    initial = True

    dependencies = [
        ('organisations', '0005_phone_number_validator'),
        ('routines', '0005_verbose_names'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.CreateModel(
            name='ConfirmedAnswer',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('year', models.PositiveSmallIntegerField(validators=[django.core.validators.MinValueValidator(2000), django.core.validators.MaxValueValidator(2100)], verbose_name='year')),
                ('question', models.CharField(max_length=40, verbose_name='question')),
                ('answer', models.CharField(choices=[('yes', 'Yes'), ('no', 'No')], max_length=5, verbose_name='answer')),
                ('proposed', models.CharField(blank=True, choices=[('yes', 'Yes'), ('no', 'No')], max_length=5, verbose_name='proposed by Fridsam')),
                ('evidence', models.JSONField(blank=True, default=list, verbose_name='evidence')),
                ('reason', models.CharField(blank=True, max_length=300, validators=[fridsam.core.validators.validate_no_personal_identity_number], verbose_name='why the answer differs')),
                ('confirmed_at', models.DateTimeField(default=django.utils.timezone.now, verbose_name='confirmed')),
                ('confirmed_by', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL)),
                ('document', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to='routines.document', verbose_name='routine')),
                ('municipality', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='+', to='organisations.municipality')),
            ],
            options={
                'verbose_name': 'confirmed answer',
                'verbose_name_plural': 'confirmed answers',
                'ordering': ['municipality', '-year', 'question'],
                'constraints': [models.UniqueConstraint(fields=('municipality', 'year', 'question'), name='open_comparison_answer_unique')],
            },
        ),
    ]
