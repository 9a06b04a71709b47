from django.urls import path

from fridsam.tasks import views

app_name = "tasks"

urlpatterns = [
    path("uppgifter/", views.index, name="index"),
    path("uppgifter/<uuid:pk>/", views.detail, name="detail"),
    path("uppgifter/<uuid:pk>/status/", views.status, name="status"),
    path("uppgifter/<uuid:pk>/fil/", views.download, name="download"),
    path("uppgifter/<uuid:pk>/igen/", views.retry, name="retry"),
]
