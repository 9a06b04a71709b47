"""The test suite: `make test`. Runs on SQLite by default, on PostgreSQL with DATABASE_URL."""

from .base import *  # noqa: F403
from .base import DATABASES, FRIDSAM_ACCESS_LOG_DEV_KEY, env

SECRET_KEY = "test-only-key-not-secret-0123456789abcdef0123456789abcdef"  # noqa: S105 - tests only
DEBUG = False
ALLOWED_HOSTS = ["127.0.0.1", "localhost", "testserver"]
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3" and not env("DATABASE_URL"):
    DATABASES["default"]["NAME"] = ":memory:"
    DATABASES["default"]["OPTIONS"].pop("init_command", None)
FRIDSAM_ALLOW_DEMO = True
WHITENOISE_USE_FINDERS = True
STATIC_ROOT = None  # static files are served from the apps (WhiteNoise finders)
# Attachments written by tests go to a throwaway directory, never into var/.
import tempfile  # noqa: E402
from pathlib import Path  # noqa: E402

MEDIA_ROOT = tempfile.mkdtemp(prefix="fridsam-test-files-")
# The access log is keyed with the public development key; anchors go to a throwaway directory.
FRIDSAM_ACCESS_LOG_KEY = FRIDSAM_ACCESS_LOG_DEV_KEY
FRIDSAM_ACCESS_LOG_OLD_KEYS = []
FRIDSAM_ACCESS_LOG_ANCHOR_FILE = Path(tempfile.mkdtemp(prefix="fridsam-test-anchors-")) / "access-log-anchors.jsonl"
FRIDSAM_ACCESS_LOG_ANCHOR_SYSLOG = ""
# Static files are looked up when asked for, instead of every test client's handler scanning them.
WHITENOISE_AUTOREFRESH = True
FRIDSAM_ARCHIVE_DIR = Path(tempfile.mkdtemp(prefix="fridsam-test-archive-"))
