from django.conf import settings

from fridsam.core.navigation import navigation_for


def layout(request):
    tenancy = getattr(request, "tenancy", None)
    return {
        "navigation": navigation_for(request, tenancy) if tenancy is not None else [],
        "tenancy": tenancy,
        "idle_timeout_minutes": settings.IDLE_TIMEOUT_MINUTES,
    }
