"""Routes for families' pages. The family's own page, ``detail``, is the top floor's (added in homestart/urls.py)."""

from django.urls import path

from families import groups, views

app_name = "families"

urlpatterns = [
    path("", views.family_list, name="list"),
    path("referrals/", views.referral_list, name="referrals"),
    path("referrals/new/", views.referral_new, name="referral_new"),
    path("referrals/<int:pk>/", views.referral_decide, name="referral_decide"),
    path("directory/new/", views.professional_new, name="professional_new"),
    path("<int:pk>/assign/", views.assignment_new, name="assignment_new"),
    path("<int:pk>/assignments/<int:assignment_pk>/end/", views.assignment_end, name="assignment_end"),
    path("<int:pk>/end-support/", views.end_support, name="end_support"),
    path("<int:pk>/coordinator/", views.coordinator_change, name="coordinator_change"),
    path("<int:pk>/visits/new/", views.visit_new, name="visit_new"),
    # Family group sessions: attendance only (P10)
    path("groups/", groups.group_list, name="group_list"),
    path("groups/new/", groups.group_new, name="group_new"),
    path("groups/figures/", groups.group_figures, name="group_figures"),
    path("groups/<int:pk>/", groups.group_detail, name="group_detail"),
    path("groups/<int:pk>/edit/", groups.group_edit, name="group_edit"),
]
