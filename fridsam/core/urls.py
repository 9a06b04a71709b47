from django.urls import path

from fridsam.core import views

app_name = "core"

urlpatterns = [
    path("", views.start, name="start"),
    path("kommuner/<str:municipality_code>/logg/", views.access_log, name="access_log"),
    path("halsa/", views.healthz, name="healthz"),  # liveness
    path("halsa/redo/", views.ready, name="ready"),  # readiness: database, cache, queue
    # Browsers ask for /favicon.ico on pages that name none (JSON, files): answer with the icon
    # rather than the 404 page, which would set a CSRF cookie for its language form.
    path("favicon.ico", views.favicon, name="favicon"),
]
