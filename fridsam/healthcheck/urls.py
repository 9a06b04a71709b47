from django.urls import path

from fridsam.healthcheck import views

app_name = "healthcheck"

urlpatterns = [
    path("halsokontroll/regler/", views.rules, name="rules"),
    path("lan/<str:county_code>/halsokontroll/", views.county_matrix, name="county_matrix"),
    path("kommuner/<str:municipality_code>/halsokontroll/historik/", views.municipality_history, name="history"),
]
