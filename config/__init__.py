# The Celery application is loaded with Django, so that tasks sent by the web servers use its settings.
from .celery import app as celery_app

__all__ = ("celery_app",)
