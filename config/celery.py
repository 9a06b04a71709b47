"""The Celery application: ``celery -A config worker`` and ``celery -A config beat`` (ADR 0029).

Its settings are the Django settings named CELERY_*; with no broker configured the tasks run
in-process (CELERY_TASK_ALWAYS_EAGER), so `make run` needs no Redis.
"""

import os
import sys

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.prod")

# Celery's Django fix-up puts the working directory first on the path; from fridsam/ (`make
# messages`) that would make fridsam/statistics the standard library's statistics.
_path = list(sys.path)
app = Celery("fridsam")
sys.path[:] = _path
app.config_from_object("django.conf:settings", namespace="CELERY")
app.conf.imports = ["fridsam.tasks.worker"]
