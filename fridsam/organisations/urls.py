from django.urls import path

from fridsam.organisations import views

app_name = "organisations"

urlpatterns = [
    path("kommuner/", views.municipality_list, name="municipality_list"),
    path("kommuner/<str:municipality_code>/", views.municipality_detail, name="municipality_detail"),
    path("kommuner/<str:municipality_code>/enheter/ny/", views.unit_create, name="unit_create"),
    path("kommuner/<str:municipality_code>/enheter/<int:pk>/", views.unit_update, name="unit_update"),
    path("samverkansparter/", views.partner_list, name="partner_list"),
    path("samverkansparter/<int:pk>/", views.partner_detail, name="partner_detail"),
    path("samverkansparter/<int:pk>/andra/", views.partner_update, name="partner_update"),
]
