from django.urls import path

from fridsam.accounts import views
from fridsam.accounts.federation import views as federation

app_name = "accounts"

urlpatterns = [
    path("", views.profile, name="profile"),
    path("ingen-behorighet/", federation.no_access, name="no_access"),
    path("utloggad/", federation.logged_out, name="logged_out"),
    path("utloggad/identitetsleverantor/", federation.idp_logout, name="idp_logout"),
]
