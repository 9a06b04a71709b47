from django.urls import path

from fridsam.public import views

app_name = "public"

urlpatterns = [
    path("stod/<str:code>/", views.public_page, name="page"),
    path("tillganglighet/", views.accessibility_statement, name="accessibility"),
    path("kommuner/<str:municipality_code>/offentlig-sida/", views.manage, name="manage"),
    path("kommuner/<str:municipality_code>/offentlig-sida/andra/", views.edit, name="edit"),
    path("kommuner/<str:municipality_code>/offentlig-sida/<slug:action>/", views.action, name="action"),
]
