from django.urls import path

from volunteers import meeting_views, supervision_views, views

app_name = "volunteers"

urlpatterns = [
    # Volunteer records and the volunteer's home page
    path("", views.volunteer_list, name="list"),
    path("my-families/", views.my_families, name="home"),
    path("<int:pk>/", views.volunteer_detail, name="detail"),
    path("<int:pk>/record/", views.profile_edit, name="profile_edit"),
    path("<int:pk>/availability/", views.availability_edit, name="availability_edit"),
    # One-to-one supervision (P9)
    path("my-supervision/", supervision_views.my_supervision, name="my_supervision"),
    path("supervision/", supervision_views.supervision_list, name="supervision_list"),
    path("supervision/interval/", supervision_views.supervision_interval, name="supervision_interval"),
    path("supervision/<int:pk>/", supervision_views.supervision_detail, name="supervision_detail"),
    path("supervision/actions/<int:pk>/done/", supervision_views.action_done, name="action_done"),
    path("<int:pk>/supervision/new/", supervision_views.supervision_new, name="supervision_new"),
    # Volunteer group meetings (P8)
    path("meetings/", meeting_views.meeting_list, name="meeting_list"),
    path("meetings/new/", meeting_views.meeting_new, name="meeting_new"),
    path("meetings/<int:pk>/", meeting_views.meeting_detail, name="meeting_detail"),
    path("meetings/<int:pk>/edit/", meeting_views.meeting_edit, name="meeting_edit"),
]
