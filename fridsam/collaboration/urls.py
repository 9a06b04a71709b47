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
    path("samverkan/overenskommelser/", views.agreement_list, name="agreement_list"),
    path("samverkan/overenskommelser/ny/", views.agreement_create, name="agreement_create"),
    path("samverkan/overenskommelser/<int:pk>/", views.agreement_detail, name="agreement_detail"),
    path("samverkan/overenskommelser/<int:pk>/andra/", views.agreement_update, name="agreement_update"),
    path("samverkan/remisser/", views.referral_list, name="referral_list"),
    path("samverkan/remisser/ny/", views.referral_create, name="referral_create"),
    path("samverkan/remisser/<int:pk>/mottagen/", views.referral_receive, name="referral_receive"),
    path("samverkan/forebyggande/", views.prevention_list, name="prevention_list"),
    path("samverkan/forebyggande/ny/", views.prevention_create, name="prevention_create"),
    path("samverkan/forebyggande/<int:pk>/andra/", views.prevention_update, name="prevention_update"),
]
