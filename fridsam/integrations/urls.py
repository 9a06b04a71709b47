from django.contrib.auth.decorators import login_not_required
from django.urls import include, path

from fridsam.integrations import views
from fridsam.integrations.api import api

app_name = "integrations"


def _api_urls():
    """The API's URLs: a machine client has no session, so Django's login redirect is not for them
    (every operation demands its credential instead)."""
    patterns, app, namespace = api.urls
    for pattern in patterns:
        pattern.callback = login_not_required(pattern.callback)
    return (patterns, app), namespace


urlpatterns = [
    path("integrationer/", views.credential_list, name="credential_list"),
    path("integrationer/ny/", views.credential_create, name="credential_create"),
    path("integrationer/<int:pk>/aterkalla/", views.credential_revoke, name="credential_revoke"),
    path("integrationer/import/", views.file_import, name="file_import"),
    path("integrationer/import/mall.<str:kind>", views.file_template, name="file_template"),
]

_patterns, _namespace = _api_urls()
api_urlpatterns = [path("api/v1/", include(_patterns, namespace=_namespace))]
