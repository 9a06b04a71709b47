from django.urls import path

from fridsam.evaluation import views

app_name = "evaluation"

urlpatterns = [
    path("enkater/samordnare/", views.coordinator_questionnaire, name="coordinator_questionnaire"),
]
