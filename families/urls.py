from django.urls import path

from families import groups, views

app_name = "families"

urlpatterns = [
    path("", views.family_list, name="list"),
    path("referrals/", views.referral_list, name="referrals"),
    path("referrals/new/", views.referral_new, name="referral_new"),
    path("referrals/<int:pk>/", views.referral_decide, name="referral_decide"),
    path("directory/new/", views.professional_new, name="professional_new"),
    path("<int:pk>/", views.family_detail, name="detail"),
    path("<int:pk>/assign/", views.assignment_new, name="assignment_new"),
    path("<int:pk>/assignments/<int:assignment_pk>/end/", views.assignment_end, name="assignment_end"),
    path("<int:pk>/end-support/", views.end_support, name="end_support"),
    path("<int:pk>/coordinator/", views.coordinator_change, name="coordinator_change"),
    path("<int:pk>/visits/new/", views.visit_new, name="visit_new"),
    *groups.urlpatterns,
]
