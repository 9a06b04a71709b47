from django.urls import path

from fridsam.competence.views import courses, coverage, events, people, plans, self_assessment

app_name = "competence"

urlpatterns = [
    path("kompetens/", people.mine, name="mine"),
    path("kompetens/sjalvskattning/", self_assessment.self_assessment, name="self_assessment"),
    path("kompetens/kurser/", courses.catalogue, name="catalogue"),
    path("kompetens/kurser/ny/", courses.course_create, name="course_create"),
    path("kompetens/kurser/<int:pk>/andra/", courses.course_update, name="course_update"),
    path("kompetens/planer/<int:pk>/", plans.plan_detail, name="plan_detail"),
    path("kompetens/planer/<int:pk>/krav/nytt/", plans.requirement_form, name="requirement_add"),
    path("kompetens/planer/<int:pk>/krav/<int:requirement_pk>/", plans.requirement_form, name="requirement_update"),
    path(
        "kompetens/planer/<int:pk>/krav/<int:requirement_pk>/ta-bort/",
        plans.requirement_remove,
        name="requirement_remove",
    ),
    path("kompetens/planer/<int:pk>/steg/nytt/", plans.step_form, name="step_add"),
    path("kompetens/planer/<int:pk>/steg/<int:step_pk>/ta-bort/", plans.step_remove, name="step_remove"),
    path("kompetens/planer/<int:pk>/godkann/", plans.plan_approve, name="plan_approve"),
    path("kompetens/personal/<int:pk>/", people.person, name="person"),
    path("kompetens/personal/<int:membership_pk>/utbildning/", people.record_add, name="record_add"),
    path("kompetens/utbildning/<int:pk>/ta-bort/", people.record_remove, name="record_remove"),
    path("kompetens/introduktion/<int:pk>/klar/", people.item_done, name="item_done"),
    path("kompetens/kalender/", events.event_list, name="event_list"),
    path("kompetens/kalender/ny/", events.event_create, name="event_create"),
    path("kompetens/kalender/<int:pk>/", events.event_detail, name="event_detail"),
    path("kompetens/kalender/<int:pk>/andra/", events.event_update, name="event_update"),
    path("kompetens/kalender/adress/", events.feed_renew, name="feed_renew"),
    path("kalender/<str:token>.ics", events.feed, name="feed"),
    path("kommuner/<str:municipality_code>/kompetensplan/", plans.plans, name="plans"),
    path("kommuner/<str:municipality_code>/kompetens/", coverage.coverage, name="coverage"),
    path("kommuner/<str:municipality_code>/kompetens/over-tid/", coverage.coverage_history, name="coverage_history"),
    path("kommuner/<str:municipality_code>/kompetens/enhet/<int:unit_pk>/", coverage.unit_people, name="unit"),
    path("kommuner/<str:municipality_code>/kompetens/import/", people.records_import, name="import"),
    path(
        "kommuner/<str:municipality_code>/kompetens/sjalvskattning/",
        self_assessment.self_assessment_results,
        name="self_assessment_results",
    ),
    path("kommuner/<str:municipality_code>/kompetens/import/mall.csv", people.import_template, name="import_template"),
]
