from django.urls import path

from fridsam.retention import views

app_name = "retention"

urlpatterns = [
    path("kommuner/<str:municipality_code>/gallring/", views.overview, name="overview"),
    path("kommuner/<str:municipality_code>/gallring/forhandsvisa/", views.preview, name="preview"),
    path("kommuner/<str:municipality_code>/gallring/regler/<slug:kind>/", views.rule_edit, name="rule_edit"),
    path("kommuner/<str:municipality_code>/gallring/regler/<slug:kind>/standard/", views.rule_reset, name="rule_reset"),
    path("kommuner/<str:municipality_code>/gallring/sparrar/ny/", views.hold_create, name="hold_create"),
    path("kommuner/<str:municipality_code>/gallring/sparrar/<int:pk>/hav/", views.hold_lift, name="hold_lift"),
    path("gallring/korningar/<int:pk>/", views.run_detail, name="run"),
    path("gallring/korningar/<int:pk>/signera/", views.run_sign, name="run_sign"),
    path("kommuner/<str:municipality_code>/personal-som-slutar/", views.staff, name="staff"),
    path("kommuner/<str:municipality_code>/personal-som-slutar/<int:user_pk>/", views.staff_leave, name="staff_leave"),
    path("gallring/", views.installation, name="installation"),
    path("gallring/forhandsvisa/", views.installation_preview, name="installation_preview"),
]
