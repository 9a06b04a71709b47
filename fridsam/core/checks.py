from django.conf import settings
from django.core.checks import Error, Tags, register


@register(Tags.security, deploy=True)
def csrf_middleware_installed(app_configs, **kwargs):
    if "fridsam.core.security.CsrfViewMiddleware" not in settings.MIDDLEWARE:
        return [Error("fridsam.core.security.CsrfViewMiddleware must be in MIDDLEWARE.", id="fridsam.E001")]
    return []


@register(Tags.security, deploy=True)
def security_middleware_installed(app_configs, **kwargs):
    required = [
        "fridsam.core.security.SecurityHeadersMiddleware",
        "fridsam.core.tenancy.TenancyMiddleware",
        "fridsam.accounts.middleware.TwoFactorRequiredMiddleware",
        "django.contrib.auth.middleware.LoginRequiredMiddleware",
    ]
    return [
        Error(f"{name} must be in MIDDLEWARE.", id="fridsam.E002")
        for name in required
        if name not in settings.MIDDLEWARE
    ]
