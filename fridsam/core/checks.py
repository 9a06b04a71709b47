from django.conf import settings
from django.core.checks import Error, Tags, Warning, register


@register(Tags.security, deploy=True)
def csrf_middleware_installed(app_configs, **kwargs):
    if "fridsam.core.security.CsrfViewMiddleware" not in settings.MIDDLEWARE:
        return [Error("fridsam.core.security.CsrfViewMiddleware must be in MIDDLEWARE.", id="fridsam.E001")]
    return []


@register(Tags.security, deploy=True)
def security_middleware_installed(app_configs, **kwargs):
    required = [
        "fridsam.core.security.SecurityHeadersMiddleware",
        "fridsam.accounts.middleware.TenancyMiddleware",
        "fridsam.accounts.middleware.TwoFactorRequiredMiddleware",
        "django.contrib.auth.middleware.LoginRequiredMiddleware",
    ]
    return [
        Error(f"{name} must be in MIDDLEWARE.", id="fridsam.E002")
        for name in required
        if name not in settings.MIDDLEWARE
    ]


@register(Tags.security, deploy=True)
def access_log_key_set(app_configs, **kwargs):
    """The access log's chain is only tamper-evident if its key is secret (ADR 0018)."""
    key = settings.FRIDSAM_ACCESS_LOG_KEY
    if not key:
        problem = "is not set"
    elif key == settings.FRIDSAM_ACCESS_LOG_DEV_KEY or key in settings.FRIDSAM_ACCESS_LOG_OLD_KEYS:
        problem = "is the public development key" if key == settings.FRIDSAM_ACCESS_LOG_DEV_KEY else "is a retired key"
    elif len(key) < 32:
        problem = "is shorter than 32 characters"
    else:
        return []
    return [
        Warning(
            f"FRIDSAM_ACCESS_LOG_KEY {problem}: someone with access to the database could rewrite the access log "
            "undetected.",
            hint="Set FRIDSAM_ACCESS_LOG_KEY to a long random secret kept outside the database (ADR 0018).",
            id="fridsam.W001",
        )
    ]


@register(Tags.caches, deploy=True)
def shared_by_every_server(app_configs, **kwargs):
    """Production with a cache of its own or no queue works on one server only (ADR 0029, 0030)."""
    found = []
    backend = settings.CACHES["default"]["BACKEND"]
    if not backend.endswith("RedisCache"):
        found.append(
            Warning(
                "The cache is not Redis: the login limits and the suppression pattern are not shared by servers.",
                hint="Set FRIDSAM_REDIS_URL (redis://host:6379/0).",
                id="fridsam.W030",
            )
        )
    if getattr(settings, "CELERY_TASK_ALWAYS_EAGER", False):
        found.append(
            Warning(
                "No broker is configured: the county report and large imports run inside the web request.",
                hint="Set FRIDSAM_BROKER_URL or FRIDSAM_REDIS_URL and run `celery -A config worker` and one beat.",
                id="fridsam.W031",
            )
        )
    return found
