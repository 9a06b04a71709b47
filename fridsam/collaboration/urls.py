from django.urls import path

from fridsam.collaboration import views

app_name = "collaboration"

urlpatterns = [
    path("samverkan/", views.group_list, name="group_list"),
    path("samverkan/ny/", views.group_create, name="group_create"),
    path("samverkan/<int:pk>/", views.group_detail, name="group_detail"),
    path("samverkan/<int:pk>/mote/nytt/", views.meeting_create, name="meeting_create"),
    path("samverkan/<int:pk>/mote/<int:meeting_pk>/", views.meeting_detail, name="meeting_detail"),
    path("samverkan/<int:pk>/mal/<int:goal_pk>/uppfoljning/", views.goal_review, name="goal_review"),
    path("samverkan/atgard/<int:action_pk>/klar/", views.action_done, name="action_done"),
]
