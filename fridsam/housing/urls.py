from django.urls import path

from fridsam.housing import views

app_name = "housing"

urlpatterns = [
    path("skyddat-boende/", views.provider_list, name="provider_list"),
    path("skyddat-boende/ny/", views.provider_create, name="provider_create"),
    path("skyddat-boende/<int:pk>/", views.provider_detail, name="provider_detail"),
    path("skyddat-boende/<int:pk>/andra/", views.provider_update, name="provider_update"),
    path("skyddat-boende/<int:pk>/adress/", views.provider_reveal, name="provider_reveal"),
    path("skyddat-boende/<int:pk>/bedomning/ny/", views.assessment_create, name="assessment_create"),
    path("skyddat-boende/<int:pk>/bedomning/<int:assessment_pk>/", views.assessment_detail, name="assessment_detail"),
    path("skyddat-boende/<int:pk>/lediga-platser/", views.availability_report, name="availability_report"),
    path("skyddat-boende/<int:pk>/aterkoppling/", views.feedback_create, name="feedback_create"),
    path("bostadsbyte/", views.exchange_index, name="exchange_index"),
    path("bostadsbyte/balans/", views.ledger, name="ledger"),
    path("bostadsbyte/atagande/", views.commitment_edit, name="commitment_edit"),
    path("bostadsbyte/lagenheter/ny/", views.apartment_create, name="apartment_create"),
    path("bostadsbyte/lagenheter/<int:pk>/", views.apartment_detail, name="apartment_detail"),
    path("bostadsbyte/lagenheter/<int:pk>/adress/", views.apartment_reveal, name="apartment_reveal"),
    path("bostadsbyte/lagenheter/<int:pk>/ta-tillbaka/", views.apartment_withdraw, name="apartment_withdraw"),
    path("bostadsbyte/sokande/ny/", views.applicant_create, name="applicant_create"),
    path("bostadsbyte/sokande/<int:pk>/", views.applicant_detail, name="applicant_detail"),
    path("bostadsbyte/sokande/<int:pk>/ta-tillbaka/", views.applicant_withdraw, name="applicant_withdraw"),
    path("bostadsbyte/matchning/", views.match_run_create, name="match_run_create"),
    path("bostadsbyte/matchning/<int:pk>/", views.match_run_detail, name="match_run_detail"),
    path("bostadsbyte/forslag/<int:pk>/acceptera/", views.proposal_accept, name="proposal_accept"),
    path("bostadsbyte/tilldelning/<int:pk>/", views.allocation_detail, name="allocation_detail"),
    path("bostadsbyte/tilldelning/<int:pk>/adress/", views.allocation_reveal, name="allocation_reveal"),
    path("bostadsbyte/tilldelning/<int:pk>/<slug:action>/", views.allocation_action, name="allocation_action"),
]
