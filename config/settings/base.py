"""Settings shared by every environment.

Everything that differs between deployments comes from environment variables; see
docs/architecture.md and the README.
"""

import os
from pathlib import Path

import dj_database_url
from celery.schedules import crontab
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent.parent


def env(name: str, default: str | None = None) -> str | None:
    return os.environ.get(name, default)


def env_bool(name: str, default: bool = False) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name: str, default: str = "") -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


SECRET_KEY = env("DJANGO_SECRET_KEY")
DEBUG = False
ALLOWED_HOSTS = env_list("DJANGO_ALLOWED_HOSTS", "127.0.0.1,localhost")
CSRF_TRUSTED_ORIGINS = env_list("DJANGO_CSRF_TRUSTED_ORIGINS")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "allauth",
    "allauth.account",
    "allauth.mfa",
    "allauth.socialaccount",
    "allauth.socialaccount.providers.openid_connect",
    "allauth.socialaccount.providers.saml",
    "fridsam.core",
    "fridsam.accounts",
    "fridsam.tasks",
    "fridsam.organisations",
    "fridsam.coordination",
    "fridsam.evaluation",
    "fridsam.healthcheck",
    "fridsam.statistics",
    "fridsam.reports",
    "fridsam.followup",
    "fridsam.housing",
    "fridsam.public",
    "fridsam.collaboration",
    "fridsam.competence",
    "fridsam.routines",
    "fridsam.integrations",
    "fridsam.retention",
    "fridsam.logreview",
    "fridsam.opencomparisons",
    "fridsam.demo",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    # Outside everything that may answer on its own (WhiteNoise, APPEND_SLASH, CSRF failures,
    # the login redirect): every response gets the headers.
    "fridsam.core.security.SecurityHeadersMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "fridsam.core.sessions.IdleTimeoutMiddleware",  # renews the session every 3 minutes, not every request
    "fridsam.core.i18n.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "fridsam.core.security.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    "django.contrib.auth.middleware.LoginRequiredMiddleware",
    "fridsam.accounts.middleware.TwoFactorRequiredMiddleware",
    "fridsam.accounts.middleware.TenancyMiddleware",
    "fridsam.core.caselevel.CaseLevelDeniedMiddleware",  # refused case-level reads are logged (ADR 0021)
    "django.contrib.messages.middleware.MessageMiddleware",
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "fridsam" / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "django.template.context_processors.i18n",
                "fridsam.core.context_processors.layout",
            ],
        },
    },
]

# --- Database -------------------------------------------------------------------------------
# SQLite (a file inside the checkout) is the embedded default; production uses PostgreSQL via
# DATABASE_URL=postgres://user:password@host:5432/name.
DEFAULT_SQLITE_PATH = BASE_DIR / "var" / "fridsam.sqlite3"
# DATABASE_CONN_MAX_AGE > 0 keeps a connection per server thread; each request checks it before its
# first query (CONN_HEALTH_CHECKS), so a restarted PostgreSQL costs no request once it is back.
# While it is away, a page is a 503 of its own (fridsam.core.outage, ADR 0043).
DATABASES = {
    "default": dj_database_url.parse(
        env("DATABASE_URL") or f"sqlite:///{DEFAULT_SQLITE_PATH}",
        conn_max_age=int(env("DATABASE_CONN_MAX_AGE", "0") or 0),
        conn_health_checks=env_bool("DATABASE_CONN_HEALTH_CHECKS", True),
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # IMMEDIATE transactions serialise writers (the access-log chain relies on it); WAL lets
    # readers continue while one request writes.
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        {"transaction_mode": "IMMEDIATE", "init_command": "PRAGMA journal_mode=WAL;", "timeout": 20}
    )
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# Rate limits (login lockout) are kept in the cache, so it must be shared by all workers.
CACHES = {
    "default": {
        "BACKEND": "django.core.cache.backends.db.DatabaseCache",
        "LOCATION": "fridsam_cache",
    }
}

# --- Background tasks (ADR 0029) -----------------------------------------------------------
# Celery with Redis: FRIDSAM_BROKER_URL (or FRIDSAM_REDIS_URL), e.g. redis://127.0.0.1:6379/0. Without
# one the tasks run in-process, at once (`make run`, the tests): nothing to start besides Django.
FRIDSAM_REDIS_URL = env("FRIDSAM_REDIS_URL", "")
CELERY_BROKER_URL = env("FRIDSAM_BROKER_URL") or FRIDSAM_REDIS_URL or None
CELERY_TASK_ALWAYS_EAGER = not CELERY_BROKER_URL
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_TASK_IGNORE_RESULT = True  # a task's state and result are its row (fridsam.tasks.models.Task)
CELERY_TASK_SERIALIZER = CELERY_RESULT_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
# A task is acknowledged when it has run, so one whose worker died is delivered again (and the
# runner redoes it whole; every kind is idempotent). One task at a time per worker process.
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
# A page that queues a task while Redis is away must not wait long for it: two quick tries, then
# the row stays queued and the re-dispatch sends it when Redis is back (ADR 0043).
CELERY_BROKER_CONNECTION_TIMEOUT = 2
CELERY_TASK_PUBLISH_RETRY_POLICY = {"max_retries": 2, "interval_start": 0, "interval_step": 0.2, "interval_max": 0.5}
# A task not acknowledged within this time (its worker was killed) is delivered again; longer
# than any task runs (the county report at 290 municipalities: 20 s).
_VISIBILITY_SECONDS = int(env("FRIDSAM_TASK_VISIBILITY_SECONDS", "3600") or 3600)
# Each worker looks for such tasks every few seconds (kombu's default scans only every tenth
# sweep, about every 100 s, which would leave a short visibility timeout waiting that long).
CELERY_BROKER_TRANSPORT_OPTIONS = {
    "visibility_timeout": _VISIBILITY_SECONDS,
    "unacked_restore_interval": max(1, min(10, _VISIBILITY_SECONDS // 5)),
    "unacked_restore_throttle": 1,
}
CELERY_TIMEZONE = "Europe/Stockholm"
CELERY_WORKER_HIJACK_ROOT_LOGGER = False
CELERY_TASK_DEFAULT_QUEUE = env("FRIDSAM_TASK_QUEUE", "fridsam")  # one installation's queue on a shared Redis
# A running task whose worker has said nothing for this long is taken again by the next delivery.
FRIDSAM_TASK_STALE_MINUTES = float(env("FRIDSAM_TASK_STALE_MINUTES", "30") or 30)
# The schedule, run by `celery -A config beat` (one beat per installation; a second adds nothing, as
# each run is queued once per period). Every entry is an idempotent management command.
# Queued rows that never reached the queue (Redis was away) or whose message was lost with it
# are sent again by beat this often (fridsam.tasks.worker.redispatch, ADR 0043); a queued row is
# sent again after FRIDSAM_TASK_RESEND_MINUTES without a worker taking it.
FRIDSAM_TASK_REDISPATCH_SECONDS = float(env("FRIDSAM_TASK_REDISPATCH_SECONDS", "60") or 60)
FRIDSAM_TASK_RESEND_MINUTES = float(env("FRIDSAM_TASK_RESEND_MINUTES", "15") or 15)
CELERY_BEAT_SCHEDULE = {
    "redispatch-queued-tasks": {
        "task": "fridsam.tasks.redispatch",
        "schedule": FRIDSAM_TASK_REDISPATCH_SECONDS,
        "options": {"expires": FRIDSAM_TASK_REDISPATCH_SECONDS},  # ticks do not pile up for a busy worker
    },
    "reminders": {
        "task": "fridsam.tasks.scheduled",
        "schedule": crontab(minute=15, hour=6),
        "args": ("send_reminders", "daily"),
    },
    "anchor-access-log": {
        "task": "fridsam.tasks.scheduled",
        "schedule": crontab(minute=5),
        "args": ("anchor_access_log", "hourly"),
    },
    "verify-access-log": {
        "task": "fridsam.tasks.scheduled",
        "schedule": crontab(minute=30, hour=2),
        "args": ("verify_access_log", "daily"),
    },
    "recompute-followup-statistics": {
        "task": "fridsam.tasks.scheduled",
        "schedule": crontab(minute=0, hour=3, day_of_month=1),
        "args": ("recompute_followup_statistics", "monthly"),
    },
    # The effect estimates (ADR 0028) of every county and the country: those whose figures did not
    # change since the last run are kept, so a night without imports costs little.
    "recompute-effects": {
        "task": "fridsam.tasks.scheduled",
        "schedule": crontab(minute=30, hour=3),
        "args": ("recompute_effects", "daily"),
    },
    # Retention (ADR 0031): the month's preview for each municipality, and culling what was signed.
    "retention-monthly": {
        "task": "fridsam.tasks.scheduled",
        "schedule": crontab(minute=0, hour=4, day_of_month=2),
        "args": ("retention_monthly", "monthly"),
    },
}
# Culling (ADR 0031) deletes this many items per transaction; a batch is all or nothing, and a run
# stopped between batches is taken up by the next job where it stopped (ADR 0043).
FRIDSAM_CULLING_BATCH_SIZE = int(env("FRIDSAM_CULLING_BATCH_SIZE", "500") or 500)
# The county report waits for a worker; a larger import than this goes to one too (smaller ones
# are imported while the page waits, as they take well under a second).
FRIDSAM_IMPORT_INLINE_BYTES = int(env("FRIDSAM_IMPORT_INLINE_BYTES", str(512 * 1024)) or 512 * 1024)

# --- Authentication -------------------------------------------------------------------------
AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    "django.contrib.auth.backends.ModelBackend",
    "allauth.account.auth_backends.AuthenticationBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 12}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "account_login"
CSRF_FAILURE_VIEW = "fridsam.core.views.csrf_failure"
LOGIN_REDIRECT_URL = "core:start"

ACCOUNT_ADAPTER = "fridsam.accounts.adapters.AccountAdapter"
ACCOUNT_LOGIN_METHODS = {"username"}
ACCOUNT_SIGNUP_FIELDS = ["username*", "password1*", "password2*"]
ACCOUNT_EMAIL_VERIFICATION = "none"
ACCOUNT_PREVENT_ENUMERATION = True
ACCOUNT_LOGOUT_ON_GET = False
ACCOUNT_LOGOUT_ON_PASSWORD_CHANGE = False
ACCOUNT_SESSION_REMEMBER = False
LOGIN_FAILURE_LIMIT = int(env("FRIDSAM_LOGIN_FAILURE_LIMIT", "5") or 5)
LOGIN_LOCKOUT_MINUTES = int(env("FRIDSAM_LOGIN_LOCKOUT_MINUTES", "15") or 15)
ACCOUNT_RATE_LIMITS = {
    # After LOGIN_FAILURE_LIMIT failed passwords for one username from one address, that address
    # may not try the account again until the window has passed (ADR 0019); an address is also
    # throttled over all accounts. The second factor is limited per account (MFA's own limit).
    "login_failed": f"20/m/ip,{LOGIN_FAILURE_LIMIT}/{LOGIN_LOCKOUT_MINUTES * 60}s/key",
}

# Federated login (ADR 0035): each organisation's own identity provider, OpenID Connect or SAML 2.0,
# configured by an administrator (accounts.IdentityProvider); allauth runs the protocols.
SOCIALACCOUNT_ADAPTER = "fridsam.accounts.federation.adapter.SocialAccountAdapter"
SOCIALACCOUNT_PROVIDERS = {
    "openid_connect": {"provider_class": "fridsam.accounts.federation.providers.OpenIDConnectProvider"},
    "saml": {"provider_class": "fridsam.accounts.federation.providers.SAMLProvider"},
}
SOCIALACCOUNT_AUTO_SIGNUP = True  # a new person gets an account without any role (ADR 0035)
SOCIALACCOUNT_EMAIL_AUTHENTICATION = False  # an e-mail address never links an identity by itself
SOCIALACCOUNT_EMAIL_VERIFICATION = "none"
SOCIALACCOUNT_STORE_TOKENS = False
SOCIALACCOUNT_LOGIN_ON_GET = False  # leaving for the IdP is a POST (CSRF)
# How far the IdP's clock may be from ours (SAML NotBefore/NotOnOrAfter, OIDC iat/exp), in seconds.
FRIDSAM_FEDERATION_CLOCK_SKEW_SECONDS = int(env("FRIDSAM_FEDERATION_CLOCK_SKEW_SECONDS", "60") or 60)

MFA_ADAPTER = "fridsam.accounts.adapters.MFAAdapter"
MFA_SUPPORTED_TYPES = ["totp", "recovery_codes"]
MFA_TOTP_ISSUER = "Fridsam"
# Accept the code of the previous and next 30-second period too (clock drift, RFC 6238 §5.2).
MFA_TOTP_TOLERANCE = 1
MFA_RECOVERY_CODE_COUNT = 10
# A code is accepted once per account, ever: the authenticator remembers its last time step.
MFA_FORMS = {
    "authenticate": "fridsam.accounts.totp.AuthenticateForm",
    "reauthenticate": "fridsam.accounts.totp.ReauthenticateForm",
    "activate_totp": "fridsam.accounts.totp.ActivateTOTPForm",
}

# Idle timeout: the session expires this many minutes after the last request.
IDLE_TIMEOUT_MINUTES = int(env("FRIDSAM_IDLE_TIMEOUT_MINUTES", "30") or 30)
# Counts from 1 to this number are hidden wherever statistics leave a municipality (ADR 0010).
FRIDSAM_SUPPRESSION_THRESHOLD = int(env("FRIDSAM_SUPPRESSION_THRESHOLD", "4") or 4)
SESSION_ENGINE = "fridsam.core.sessions"  # StaffSession: the sessions with their account (ADR 0040)
SESSION_COOKIE_AGE = IDLE_TIMEOUT_MINUTES * 60
# Saved when a tenth of the timeout has passed since it was last renewed, not on every request
# (fridsam.core.sessions, ADR 0030).
SESSION_SAVE_EVERY_REQUEST = False
FRIDSAM_SESSION_REFRESH_SECONDS = int(env("FRIDSAM_SESSION_REFRESH_SECONDS", str(IDLE_TIMEOUT_MINUTES * 6)) or 180)
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
SESSION_COOKIE_NAME = "fridsam_session"
CSRF_COOKIE_HTTPONLY = True
CSRF_COOKIE_SAMESITE = "Strict"
LANGUAGE_COOKIE_HTTPONLY = True
LANGUAGE_COOKIE_SAMESITE = "Lax"

# Django's check looks for its own CSRF middleware by name; ours is a subclass of it (see
# fridsam.core.security) and fridsam.core.checks verifies that it is installed instead.
SILENCED_SYSTEM_CHECKS = ["security.W003"]

# --- Security headers -----------------------------------------------------------------------
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "no-referrer"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
CONTENT_SECURITY_POLICY = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "font-src 'self'; connect-src 'self'; form-action 'self'; frame-ancestors 'none'; "
    "base-uri 'none'; object-src 'none'"
)
PERMISSIONS_POLICY = (
    "accelerometer=(), camera=(), geolocation=(), gyroscope=(), magnetometer=(), "
    "microphone=(), payment=(), usb=(), interest-cohort=()"
)

# --- Internationalisation -------------------------------------------------------------------
LANGUAGE_CODE = "sv"
LANGUAGES = [("sv", _("Swedish")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "fridsam" / "locale"]
TIME_ZONE = "Europe/Stockholm"
USE_I18N = True
USE_TZ = True
# Dates are shown and typed the Swedish way, ÅÅÅÅ-MM-DD, in both languages (ADR 0026): the
# language's formats come from fridsam/core/formats/<language>/formats.py first.
FORMAT_MODULE_PATH = ["fridsam.core.formats"]
DATE_FORMAT = SHORT_DATE_FORMAT = "Y-m-d"
DATETIME_FORMAT = SHORT_DATETIME_FORMAT = "Y-m-d H:i"
DATE_INPUT_FORMATS = ["%Y-%m-%d", "%Y%m%d"]

# --- Static files ---------------------------------------------------------------------------
STATIC_URL = "/static/"
STATIC_ROOT = Path(env("DJANGO_STATIC_ROOT") or BASE_DIR / "var" / "static")
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}

EMAIL_BACKEND = "django.core.mail.backends.console.EmailBackend"
DEFAULT_FROM_EMAIL = env("DJANGO_DEFAULT_FROM_EMAIL", "fridsam@localhost")
FRIDSAM_SITE_URL = env("FRIDSAM_SITE_URL", "http://127.0.0.1:8000")  # links in e-mails

# --- Fridsam --------------------------------------------------------------------------------
# Key for encrypting secrets at rest (TOTP secrets now, protected-housing addresses later).
# Defaults to a key derived from SECRET_KEY; set it separately in production so that rotating
# SECRET_KEY does not make stored secrets unreadable.
FRIDSAM_FIELD_ENCRYPTION_KEY = env("FRIDSAM_FIELD_ENCRYPTION_KEY")
# Case references of the municipalities' journal systems are stored only as keyed hashes
# (HMAC-SHA-256). Each municipality's key is derived from FRIDSAM_CASE_REFERENCE_SECRET and its
# SCB code, unless FRIDSAM_CASE_REFERENCE_KEYS gives it its own ("1980=secret,1983=secret").
# Changing a key makes the existing references unfindable (the records themselves stay).
FRIDSAM_CASE_REFERENCE_SECRET = env("FRIDSAM_CASE_REFERENCE_SECRET")
FRIDSAM_CASE_REFERENCE_KEYS = dict(
    item.split("=", 1) for item in env_list("FRIDSAM_CASE_REFERENCE_KEYS") if "=" in item
)
# The access log's chain is keyed: HMAC-SHA-256 with this secret, which is never in the database
# (ADR 0018). Retired keys stay in FRIDSAM_ACCESS_LOG_OLD_KEYS (comma-separated, newest first) for as
# long as the entries and anchors they signed are kept. Production refuses to start without a key;
# development and tests use FRIDSAM_ACCESS_LOG_DEV_KEY, which is public and fails the deploy check.
FRIDSAM_ACCESS_LOG_KEY = env("FRIDSAM_ACCESS_LOG_KEY")
FRIDSAM_ACCESS_LOG_OLD_KEYS = env_list("FRIDSAM_ACCESS_LOG_OLD_KEYS")
FRIDSAM_ACCESS_LOG_DEV_KEY = "dev-only-access-log-key-not-secret-5d0c8a2e41f7b396"
# `manage.py anchor_access_log` appends the chain's head to this append-only file, and to syslog
# when FRIDSAM_ACCESS_LOG_ANCHOR_SYSLOG is set ("/dev/log" or "loghost:514"); `verify_access_log`
# compares the chain with every anchor.
FRIDSAM_ACCESS_LOG_ANCHOR_FILE = Path(
    env("FRIDSAM_ACCESS_LOG_ANCHOR_FILE") or BASE_DIR / "var" / "access-log-anchors.jsonl"
)
FRIDSAM_ACCESS_LOG_ANCHOR_SYSLOG = env("FRIDSAM_ACCESS_LOG_ANCHOR_SYSLOG", "")
# A cut of the access log (ADR 0032) verifies only what follows the last whole verification that
# `verify_access_log` recorded (nightly), if that is younger than this many hours; else it verifies
# from the checkpoint (ADR 0041).
FRIDSAM_ACCESS_LOG_VERIFIED_MAX_HOURS = float(env("FRIDSAM_ACCESS_LOG_VERIFIED_MAX_HOURS", "26") or 26)
# Culling delivers archive packages here (a directory per run: JSON, CSV and a manifest with
# checksums, ADR 0031), written before the rows are deleted; the archive's e-archive takes them on.
FRIDSAM_ARCHIVE_DIR = Path(env("FRIDSAM_ARCHIVE_DIR") or BASE_DIR / "var" / "archive")
# How long a purpose given for reading other people's follow-up records stays valid.
# The API for machine clients (ADR 0033, 0034): calls per integration credential and minute.
FRIDSAM_API_RATE_LIMIT = int(env("FRIDSAM_API_RATE_LIMIT", "120") or 120)
FRIDSAM_READ_PURPOSE_MINUTES = int(env("FRIDSAM_READ_PURPOSE_MINUTES", "60") or 60)
# Protected housing: a provider is quality-assured when its latest assessment, no older than this,
# meets every required criterion; a report of free places older than this many hours is stale.
FRIDSAM_HOUSING_ASSESSMENT_MAX_AGE_DAYS = int(env("FRIDSAM_HOUSING_ASSESSMENT_MAX_AGE_DAYS", "730") or 730)
# The release being served, part of the keys of the pages kept per person (ADR 0047); the static
# files' manifest already names a new release where it changes the static files.
FRIDSAM_RELEASE = env("FRIDSAM_RELEASE", "")
FRIDSAM_HOUSING_AVAILABILITY_STALE_HOURS = int(env("FRIDSAM_HOUSING_AVAILABILITY_STALE_HOURS", "48") or 48)
# Where the public pages' "Leave this page" button goes: a neutral site (weather).
FRIDSAM_QUICK_EXIT_URL = env("FRIDSAM_QUICK_EXIT_URL", "https://www.smhi.se/")
# Log review (ADR 0039): a review is due this many days after its period ends; "many reads in a
# short time" is at least BURST_READS case-level reads by one person within BURST_MINUTES minutes.
FRIDSAM_LOG_REVIEW_DUE_DAYS = int(env("FRIDSAM_LOG_REVIEW_DUE_DAYS", "15") or 15)
FRIDSAM_LOG_REVIEW_BURST_READS = int(env("FRIDSAM_LOG_REVIEW_BURST_READS", "30") or 30)
FRIDSAM_LOG_REVIEW_BURST_MINUTES = int(env("FRIDSAM_LOG_REVIEW_BURST_MINUTES", "10") or 10)
# The demo county (fictional data, public demo passwords) may only be loaded where this is True.
FRIDSAM_ALLOW_DEMO = False

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env("DJANGO_LOG_LEVEL", "WARNING")},
}
MEDIA_ROOT = Path(env("FRIDSAM_FILES_ROOT") or BASE_DIR / "var" / "files")  # attachments, served only through views
# Uploads (ADR 0016): the request stops storing a file past 20 MB (each form sets its own, lower
# limit and says so); up to 2.5 MB a file stays in memory, larger ones go to a temporary file.
FILE_UPLOAD_HANDLERS = [
    "fridsam.core.uploads.UploadLimitHandler",
    "django.core.files.uploadhandler.MemoryFileUploadHandler",
    "django.core.files.uploadhandler.TemporaryFileUploadHandler",
]
FILE_UPLOAD_MAX_MEMORY_SIZE = 2_621_440
DATA_UPLOAD_MAX_MEMORY_SIZE = 2_621_440  # a request's fields besides its files
DATA_UPLOAD_MAX_NUMBER_FILES = 5  # every form takes one file
