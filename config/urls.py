from django.contrib.auth.decorators import login_not_required
from django.urls import include, path
from django.views.i18n import set_language

from fridsam.accounts.federation.views import login as federated_login_page
from fridsam.core.admin_site import site as admin_site
from fridsam.integrations.urls import api_urlpatterns

# A 503 of its own while the database is away, the 500 page otherwise (ADR 0043).
handler500 = "fridsam.core.outage.server_error"

urlpatterns = [
    path("", include("fridsam.core.urls")),
    path("", include("fridsam.organisations.urls")),
    path("", include("fridsam.coordination.urls")),
    path("", include("fridsam.healthcheck.urls")),
    path("", include("fridsam.evaluation.urls")),
    path("", include("fridsam.statistics.urls")),
    path("", include("fridsam.reports.urls")),
    path("", include("fridsam.followup.urls")),
    path("", include("fridsam.housing.urls")),
    path("", include("fridsam.public.urls")),
    path("", include("fridsam.collaboration.urls")),
    path("", include("fridsam.competence.urls")),
    path("", include("fridsam.routines.urls")),
    path("", include("fridsam.integrations.urls")),
    *api_urlpatterns,
    path("", include("fridsam.tasks.urls")),
    path("", include("fridsam.retention.urls")),
    path("", include("fridsam.logreview.urls")),
    path("", include("fridsam.opencomparisons.urls")),
    path("mitt-konto/", include("fridsam.accounts.urls")),
    # allauth's login page, listing the organisations' identity providers (ADR 0035)
    path("konto/login/", federated_login_page, name="account_login"),
    path("konto/", include("allauth.urls")),
    path("sprak/", login_not_required(set_language), name="set_language"),
    path("admin/", admin_site.urls),
]
