"""The project's configuration package: imported first by every process (manage.py, the WSGI
servers, the Celery worker and beat, the tests), before any of them loads NumPy."""

import os

# One BLAS thread per process (issue 22). The effect estimate (statistics.effects, ADR 0028) runs
# hundreds of small regressions, for which OpenBLAS's threads only spin and wait for each other:
# on 2 cores one indicator took 2,45 s of CPU with them and 1,89 s without. The servers and
# workers are several processes anyway, so the cores are used. OpenBLAS reads these when NumPy
# first loads it, hence here; a deployment may still set its own.
for _name in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS"):
    os.environ.setdefault(_name, "1")

# The Celery application is loaded with Django, so that tasks sent by the web servers use its settings.
from .celery import app as celery_app  # noqa: E402

__all__ = ("celery_app",)
