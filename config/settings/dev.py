"""Local development: `make run`. Never use in production."""

from .base import *  # noqa: F403
from .base import FRIDSAM_ACCESS_LOG_DEV_KEY, env

DEBUG = env("DJANGO_DEBUG", "0") == "1"
SECRET_KEY = env("DJANGO_SECRET_KEY") or "dev-only-insecure-key-do-not-use-in-production-9f2c1e7a"
ALLOWED_HOSTS = ["127.0.0.1", "localhost"]
FRIDSAM_ALLOW_DEMO = True
FRIDSAM_ACCESS_LOG_KEY = env("FRIDSAM_ACCESS_LOG_KEY") or FRIDSAM_ACCESS_LOG_DEV_KEY
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = True
STATIC_ROOT = None  # static files are served from the apps (WhiteNoise finders)
