from django.urls import path

from fridsam.routines import views

app_name = "routines"

urlpatterns = [
    path("rutiner/", views.document_list, name="document_list"),
    path("rutiner/nytt/", views.document_create, name="document_create"),
    path("rutiner/<int:pk>/", views.document_detail, name="document_detail"),
    path("rutiner/<int:pk>/skriv/", views.document_write, name="document_write"),
    path("rutiner/<int:pk>/uppgifter/", views.document_settings, name="document_settings"),
    path("rutiner/<int:pk>/versioner/<int:version_pk>/<str:action>/", views.version_action, name="version_action"),
    path("rutiner/<int:pk>/granskad/", views.document_reviewed, name="document_reviewed"),
    path("rutiner/<int:pk>/arkivera/", views.document_archive, name="document_archive"),
    path("rutiner/<int:pk>/last/", views.acknowledge, name="acknowledge"),
    path("rutiner/<int:pk>/versioner/<int:number>/", views.version_detail, name="version_detail"),
    path("rutiner/fil/<int:pk>/", views.attachment_download, name="attachment_download"),
    path("rutiner/fil/<int:pk>/ta-bort/", views.attachment_remove, name="attachment_remove"),
    path("handlingsplaner/", views.action_plan_list, name="action_plan_list"),
    path("handlingsplaner/ny/", views.action_plan_create, name="action_plan_create"),
    path("handlingsplaner/<int:pk>/", views.action_plan_detail, name="action_plan_detail"),
    path("handlingsplaner/<int:pk>/mal/<int:goal_pk>/delmal/", views.sub_goal_add, name="sub_goal_add"),
    path("handlingsplaner/<int:pk>/mal/<int:goal_pk>/uppfoljning/", views.goal_assess, name="goal_assess"),
    path("handlingsplaner/<int:pk>/delmal/<int:sub_goal_pk>/aktivitet/", views.activity_form, name="activity_add"),
    path(
        "handlingsplaner/<int:pk>/delmal/<int:sub_goal_pk>/aktivitet/<int:activity_pk>/",
        views.activity_form,
        name="activity_update",
    ),
    path("handlingsplaner/<int:pk>/aktivitet/<int:activity_pk>/status/", views.activity_status, name="activity_status"),
]
