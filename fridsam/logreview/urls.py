from django.urls import path

from fridsam.logreview import views

app_name = "logreview"

urlpatterns = [
    path("kommuner/<str:municipality_code>/loggkontroll/", views.index, name="index"),
    path("kommuner/<str:municipality_code>/loggkontroll/dra/", views.draw, name="draw"),
    path("kommuner/<str:municipality_code>/loggkontroll/plan/", views.plan_edit, name="plan"),
    path("kommuner/<str:municipality_code>/loggkontroll/rutin/", views.routine, name="routine"),
    path("kommuner/<str:municipality_code>/loggkontroll/ar/<int:year>/", views.year_summary, name="year"),
    path("kommuner/<str:municipality_code>/loggkontroll/vem-har-last/", views.who_read, name="who_read"),
    path("kommuner/<str:municipality_code>/loggkontroll/vad-har-last/", views.what_read, name="what_read"),
    path("loggkontroll/granskning/<int:pk>/", views.review, name="review"),
    path("loggkontroll/granskning/<int:pk>/signera/", views.sign, name="sign"),
    path("loggkontroll/las/<int:pk>/", views.item_mark, name="item_mark"),
]
