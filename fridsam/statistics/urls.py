from django.urls import path

from fridsam.statistics import views

app_name = "statistics"

urlpatterns = [
    path("statistik/", views.index, name="index"),
    path("statistik/indikatorer/", views.definitions, name="definitions"),
    path("statistik/import/", views.import_file, name="import"),
    path("statistik/effekt/", views.national_effects, name="national_effects"),
    path("statistik/import/mall.<str:kind>", views.import_template, name="import_template"),
    path("kommuner/<str:municipality_code>/statistik/", views.municipality, name="municipality"),
    path("kommuner/<str:municipality_code>/statistik/<int:year>/", views.enter_year, name="enter_year"),
    path("kommuner/<str:municipality_code>/statistik/skr/", views.skr_municipality, name="skr_municipality"),
    path("kommuner/<str:municipality_code>/iakttagelser/", views.observations, name="observations"),
    path("lan/<str:county_code>/statistik/", views.county, name="county"),
    path("lan/<str:county_code>/statistik/skr/", views.skr_county, name="skr_county"),
    path("lan/<str:county_code>/statistik/rangordning/", views.county_ranking, name="ranking"),
    path("lan/<str:county_code>/statistik/effekt/", views.county_effects, name="effects"),
]
