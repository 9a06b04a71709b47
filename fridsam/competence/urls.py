from django.urls import path

from fridsam.competence import views

app_name = "competence"

urlpatterns = [
    path("kompetens/", views.mine, name="mine"),
    path("kompetens/sjalvskattning/", views.self_assessment, name="self_assessment"),
    path("kompetens/kurser/", views.catalogue, name="catalogue"),
    path("kompetens/kurser/ny/", views.course_create, name="course_create"),
    path("kompetens/kurser/<int:pk>/andra/", views.course_update, name="course_update"),
    path("kompetens/planer/<int:pk>/", views.plan_detail, name="plan_detail"),
    path("kompetens/planer/<int:pk>/krav/nytt/", views.requirement_form, name="requirement_add"),
    path("kompetens/planer/<int:pk>/krav/<int:requirement_pk>/", views.requirement_form, name="requirement_update"),
    path(
        "kompetens/planer/<int:pk>/krav/<int:requirement_pk>/ta-bort/",
        views.requirement_remove,
        name="requirement_remove",
    ),
    path("kompetens/planer/<int:pk>/steg/nytt/", views.step_form, name="step_add"),
    path("kompetens/planer/<int:pk>/steg/<int:step_pk>/ta-bort/", views.step_remove, name="step_remove"),
    path("kompetens/planer/<int:pk>/godkann/", views.plan_approve, name="plan_approve"),
    path("kompetens/personal/<int:pk>/", views.person, name="person"),
    path("kompetens/personal/<int:membership_pk>/utbildning/", views.record_add, name="record_add"),
    path("kompetens/utbildning/<int:pk>/ta-bort/", views.record_remove, name="record_remove"),
    path("kompetens/introduktion/<int:pk>/klar/", views.item_done, name="item_done"),
    path("kompetens/kalender/", views.event_list, name="event_list"),
    path("kompetens/kalender/ny/", views.event_create, name="event_create"),
    path("kompetens/kalender/<int:pk>/", views.event_detail, name="event_detail"),
    path("kompetens/kalender/<int:pk>/andra/", views.event_update, name="event_update"),
    path("kompetens/kalender/adress/", views.feed_renew, name="feed_renew"),
    path("kalender/<str:token>.ics", views.feed, name="feed"),
    path("kommuner/<str:municipality_code>/kompetensplan/", views.plans, name="plans"),
    path("kommuner/<str:municipality_code>/kompetens/", views.coverage, name="coverage"),
    path("kommuner/<str:municipality_code>/kompetens/over-tid/", views.coverage_history, name="coverage_history"),
    path("kommuner/<str:municipality_code>/kompetens/enhet/<int:unit_pk>/", views.unit_people, name="unit"),
    path("kommuner/<str:municipality_code>/kompetens/import/", views.records_import, name="import"),
    path(
        "kommuner/<str:municipality_code>/kompetens/sjalvskattning/",
        views.self_assessment_results,
        name="self_assessment_results",
    ),
    path("kommuner/<str:municipality_code>/kompetens/import/mall.csv", views.import_template, name="import_template"),
]
