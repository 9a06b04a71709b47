from django.urls import path

from fridsam.reports import views

app_name = "reports"

urlpatterns = [
    path("lan/<str:county_code>/rapport/", views.county_latest, name="county_latest"),
    path("lan/<str:county_code>/rapport/<int:year>/", views.county, name="county"),
    path("lan/<str:county_code>/rapport/<int:year>/pdf/", views.county_pdf, name="county_pdf"),
    path("lan/<str:county_code>/rapport/<int:year>/text/", views.county_text, name="county_text"),
    path("kommuner/<str:municipality_code>/rapport/<int:year>/", views.municipality, name="municipality"),
    path("kommuner/<str:municipality_code>/rapport/<int:year>/pdf/", views.municipality_pdf, name="municipality_pdf"),
    path(
        "kommuner/<str:municipality_code>/rapport/<int:year>/text/", views.municipality_text, name="municipality_text"
    ),
]
