from django.urls import path

from fridsam.evaluation import views

app_name = "evaluation"

urlpatterns = [
    path("enkater/samordnare/", views.coordinator_questionnaire, name="coordinator_questionnaire"),
    path("enkater/samverkanspart/", views.partner_survey, name="partner_survey"),
    path("enkater/samverkanspart/resultat/", views.partner_results, name="partner_results"),
]
