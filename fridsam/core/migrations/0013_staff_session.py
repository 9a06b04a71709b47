"""Sessions with the account they are logged in as (ADR 0040, amending ADR 0030).

The open sessions of Django's table are copied, each with its account read once from its data, so
that nobody is logged out by the change; the cache of ``cached_db`` keeps its keys."""

from django.contrib.auth import SESSION_KEY
from django.contrib.sessions.backends.db import SessionStore
from django.db import migrations, models
from django.utils import timezone


def copy_open_sessions(apps, schema_editor):
    Old = apps.get_model("sessions", "Session")
    New = apps.get_model("core", "StaffSession")
    decoder = SessionStore()  # the same signing salt as this project's stores (their class name)
    batch = []
    for old in Old.objects.filter(expire_date__gt=timezone.now()).iterator(chunk_size=2000):
        try:
            user_id = int(decoder.decode(old.session_data).get(SESSION_KEY))
        except (TypeError, ValueError):
            user_id = None
        batch.append(New(old.session_key, old.session_data, old.expire_date, user_id))
        if len(batch) == 2000:
            New.objects.bulk_create(batch, ignore_conflicts=True)
            batch = []
    New.objects.bulk_create(batch, ignore_conflicts=True)


class Migration(migrations.Migration):
    dependencies = [("core", "0012_access_log_seal"), ("sessions", "0001_initial")]

    operations = [
        migrations.CreateModel(
            name="StaffSession",
            fields=[
                (
                    "session_key",
                    models.CharField(max_length=40, primary_key=True, serialize=False, verbose_name="session key"),
                ),
                ("session_data", models.TextField(verbose_name="session data")),
                ("expire_date", models.DateTimeField(db_index=True, verbose_name="expire date")),
                ("user_id", models.PositiveBigIntegerField(blank=True, db_index=True, null=True)),
            ],
            options={"verbose_name": "session", "verbose_name_plural": "sessions"},
        ),
        migrations.RunPython(copy_open_sessions, migrations.RunPython.noop),
    ]
