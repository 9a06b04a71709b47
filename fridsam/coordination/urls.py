from django.urls import path

from fridsam.coordination import views

app_name = "coordination"

urlpatterns = [
    path("kommuner/<str:municipality_code>/samordning/tjanst/ny/", views.post_create, name="post_create"),
    path("kommuner/<str:municipality_code>/samordning/tjanst/<int:pk>/", views.post_update, name="post_update"),
    path(
        "kommuner/<str:municipality_code>/samordning/tjanst/<int:pk>/uppdragsbeskrivning/",
        views.role_description_edit,
        name="role_description",
    ),
    path(
        "kommuner/<str:municipality_code>/samordning/tjanst/<int:pk>/uppdragsbeskrivning/<int:description_pk>/godkann/",
        views.role_description_approve,
        name="role_description_approve",
    ),
    path(
        "kommuner/<str:municipality_code>/samordning/tjanst/<int:pk>/franvaro/ny/",
        views.absence_create,
        name="absence_create",
    ),
    path(
        "kommuner/<str:municipality_code>/samordning/tjanst/<int:pk>/kommun/ny/",
        views.assignment_add,
        name="assignment_add",
    ),
    path("kommuner/<str:municipality_code>/samordning/team/", views.team_edit, name="team_edit"),
]
