from django.urls import path

from safeguarding import views

app_name = "safeguarding"

urlpatterns = [
    path("", views.dashboard, name="dashboard"),
    path("families/<int:pk>/raise/", views.concern_start, name="concern_start"),
    path("families/<int:pk>/raise/emergency/", views.concern_emergency, name="concern_emergency"),
    path("families/<int:pk>/raise/details/", views.concern_new, name="concern_new"),
    path("families/<int:pk>/chronology/", views.chronology, name="chronology"),
    path("families/<int:pk>/chronology.pdf", views.chronology_pdf, name="chronology_pdf"),
    path("received/<int:pk>/", views.receipt, name="receipt"),
    path("concerns/<int:pk>/", views.concern_detail, name="concern_detail"),
    path("concerns/<int:pk>/review/", views.review, name="review"),
    path("concerns/<int:pk>/discussion/", views.discussion, name="discussion"),
    path("concerns/<int:pk>/not-discussed/", views.no_discussion, name="no_discussion"),
    path("concerns/<int:pk>/decision/", views.decision, name="decision"),
    path("concerns/<int:pk>/referral/", views.referral, name="referral"),
    path("concerns/<int:pk>/follow-ups/new/", views.follow_up_new, name="follow_up_new"),
    path("concerns/<int:pk>/follow-ups/<int:follow_up_pk>/done/", views.follow_up_done, name="follow_up_done"),
    path("concerns/<int:pk>/close/", views.close, name="close"),
]
