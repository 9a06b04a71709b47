from django.urls import path

from fridsam.followup import views

app_name = "followup"

urlpatterns = [
    path("uppfoljning/", views.record_list, name="record_list"),
    path("uppfoljning/ny/", views.record_create, name="record_create"),
    path("uppfoljning/sok/", views.record_find, name="record_find"),
    path("uppfoljning/export.csv", views.record_export, name="record_export"),
    path(
        "kommuner/<str:municipality_code>/uppfoljning/su-kvinnofrid/<int:year>.csv",
        views.record_export_suv,
        name="record_export_suv",
    ),
    path("uppfoljning/syfte/", views.purpose, name="purpose"),
    path("uppfoljning/instrument/", views.instrument_list, name="instrument_list"),
    path("uppfoljning/<int:pk>/", views.record_detail, name="record_detail"),
    path("uppfoljning/<int:pk>/andra/", views.record_update, name="record_update"),
    path("uppfoljning/<int:pk>/insats/ny/", views.intervention_add, name="intervention_add"),
    path(
        "uppfoljning/<int:pk>/insats/<int:intervention_pk>/ta-bort/",
        views.intervention_remove,
        name="intervention_remove",
    ),
    path("uppfoljning/<int:pk>/avsluta/", views.record_close, name="record_close"),
    path("uppfoljning/<int:pk>/ateroppna/", views.record_reopen, name="record_reopen"),
    path("uppfoljning/<int:pk>/ny-agare/", views.record_reassign, name="record_reassign"),
    path("uppfoljning/<int:pk>/bedomning/ny/<slug:instrument_key>/", views.assessment_create, name="assessment_create"),
    path("uppfoljning/<int:pk>/bedomning/<int:assessment_pk>/", views.assessment_detail, name="assessment_detail"),
    path("uppfoljning/<int:pk>/bedomning/<int:assessment_pk>/pdf/", views.assessment_pdf, name="assessment_pdf"),
    path("bollplank/", views.consultation_list, name="consultation_list"),
    path("bollplank/ny/", views.consultation_create, name="consultation_create"),
    path("bollplank/statistik/", views.consultation_statistics, name="consultation_statistics"),
    path("bollplank/<int:pk>/", views.consultation_detail, name="consultation_detail"),
]
