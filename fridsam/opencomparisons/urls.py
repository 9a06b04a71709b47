from django.urls import path

from fridsam.opencomparisons import views

app_name = "opencomparisons"

urlpatterns = [
    path("kommuner/<str:municipality_code>/oppna-jamforelser/", views.survey_current, name="survey_current"),
    path("kommuner/<str:municipality_code>/oppna-jamforelser/<int:year>/", views.survey, name="survey"),
]
