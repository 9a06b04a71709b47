"""Production: behind a TLS-terminating reverse proxy, PostgreSQL via DATABASE_URL."""

from django.core.exceptions import ImproperlyConfigured

from .base import *  # noqa: F403
from .base import FRIDSAM_REDIS_URL, STORAGES, env, env_bool

SECRET_KEY = env("DJANGO_SECRET_KEY")
if not SECRET_KEY:
    raise ImproperlyConfigured("DJANGO_SECRET_KEY must be set in production.")

if not env("FRIDSAM_CASE_REFERENCE_SECRET"):
    raise ImproperlyConfigured("FRIDSAM_CASE_REFERENCE_SECRET must be set in production.")

if not env("FRIDSAM_ACCESS_LOG_KEY"):
    raise ImproperlyConfigured("FRIDSAM_ACCESS_LOG_KEY must be set in production (it keys the access log, ADR 0018).")

DEBUG = False
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
# The client's address (login limits per source, ADR 0019) is read from X-Forwarded-For as set by
# this many proxies in front of Fridsam.
ALLAUTH_TRUSTED_PROXY_COUNT = int(env("FRIDSAM_TRUSTED_PROXY_COUNT", "1") or 1)
SECURE_SSL_REDIRECT = env_bool("DJANGO_SECURE_SSL_REDIRECT", True)
SECURE_HSTS_SECONDS = int(env("DJANGO_HSTS_SECONDS", "31536000") or 31536000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = True
SECURE_HSTS_PRELOAD = env_bool("DJANGO_HSTS_PRELOAD", True)
SESSION_COOKIE_SECURE = True
CSRF_COOKIE_SECURE = True
LANGUAGE_COOKIE_SECURE = True
SESSION_COOKIE_NAME = "__Host-fridsam_session"
CSRF_COOKIE_NAME = "__Host-csrftoken"
STORAGES = {
    **STORAGES,
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}

# Password-reset mail goes through the municipality's mail relay.
EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
EMAIL_HOST = env("DJANGO_EMAIL_HOST", "localhost")
EMAIL_PORT = int(env("DJANGO_EMAIL_PORT", "25") or 25)
EMAIL_HOST_USER = env("DJANGO_EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = env("DJANGO_EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env_bool("DJANGO_EMAIL_USE_TLS", False)

# --- Several servers (ADR 0030) ---------------------------------------------------------------
# With FRIDSAM_REDIS_URL the cache is Redis, shared by every server (the login limits, the
# suppression pattern), answering a miss while Redis is away; sessions are read from it and
# written through to the database (every 3 minutes of activity, fridsam.core.sessions), so a
# restart of Redis logs nobody out. Without it (one server): the database cache.
if FRIDSAM_REDIS_URL:
    CACHES = {
        "default": {
            "BACKEND": "fridsam.core.cache.ResilientRedisCache",
            "LOCATION": FRIDSAM_REDIS_URL,
            "KEY_PREFIX": env("FRIDSAM_CACHE_PREFIX", "fridsam"),
            "TIMEOUT": 300,
            "OPTIONS": {"socket_connect_timeout": 1, "socket_timeout": 1, "retry_on_timeout": False},
        }
    }
    SESSION_ENGINE = "fridsam.core.sessions_cached"  # cached_db with the account of each session
