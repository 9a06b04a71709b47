from django.urls import path

from fridsam.core import views

app_name = "core"

urlpatterns = [
    path("", views.start, name="start"),
    path("kommuner/<str:municipality_code>/logg/", views.access_log, name="access_log"),
    path("halsa/", views.healthz, name="healthz"),
]
