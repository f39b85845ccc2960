"""Routes for families' pages. The family's own page, ``detail``, is the top floor's (added in homestart/urls.py)."""

from django.urls import path

from families import directory_views, groups, life_views, note_views, retention_views, views

app_name = "families"

urlpatterns = [
    path("", life_views.family_list, name="list"),
    path("referrals/", views.referral_list, name="referrals"),
    path("referrals/new/", views.referral_new, name="referral_new"),
    path("referrals/<int:pk>/", views.referral_decide, name="referral_decide"),
    # The agency directory: changed and retired, never deleted
    path("directory/", directory_views.directory, name="directory"),
    path("directory/new/", directory_views.professional_new, name="professional_new"),
    path("directory/agencies/<int:pk>/", directory_views.agency_edit, name="agency_edit"),
    path("directory/agencies/<int:pk>/retire/", directory_views.agency_retire, name="agency_retire"),
    path("directory/professionals/<int:pk>/", directory_views.professional_edit, name="professional_edit"),
    path("directory/professionals/<int:pk>/retire/", directory_views.professional_retire, name="professional_retire"),
    path("<int:pk>/assign/", views.assignment_new, name="assignment_new"),
    path("<int:pk>/assignments/<int:assignment_pk>/end/", views.assignment_end, name="assignment_end"),
    path("<int:pk>/end-support/", views.end_support, name="end_support"),
    path("<int:pk>/coordinator/", views.coordinator_change, name="coordinator_change"),
    path("<int:pk>/visits/new/", views.visit_new, name="visit_new"),
    # A family's life: details, health visitor, household (kept as history, never deleted), coming back
    path("<int:pk>/details/", life_views.family_edit, name="edit"),
    path("<int:pk>/health-visitor/", life_views.family_health_visitor, name="health_visitor"),
    path("<int:pk>/household/add/", life_views.member_add, name="member_add"),
    path("<int:pk>/household/<int:member_pk>/", life_views.member_edit, name="member_edit"),
    path("<int:pk>/household/<int:member_pk>/born/", life_views.member_born, name="member_born"),
    path("<int:pk>/household/<int:member_pk>/left/", life_views.member_left, name="member_left"),
    path("<int:pk>/refer-again/", life_views.rerefer, name="rerefer"),
    # Private notes without a visit, and corrections (the original always stays)
    path("<int:pk>/notes/new/", note_views.note_new, name="note_new"),
    path("<int:pk>/notes/<int:note_pk>/correct/", note_views.note_correct, name="note_correct"),
    # Retention: families due to be anonymised this month; holding a family's records, and lifting the hold
    path("retention/", retention_views.retention_due, name="retention_due"),
    path("<int:pk>/retention/hold/", retention_views.retention_hold, name="retention_hold"),
    path("<int:pk>/retention/lift/", retention_views.retention_hold_lift, name="retention_hold_lift"),
    # Family group sessions: attendance only (P10)
    path("groups/", groups.group_list, name="group_list"),
    path("groups/new/", groups.group_new, name="group_new"),
    path("groups/figures/", groups.group_figures, name="group_figures"),
    path("groups/<int:pk>/", groups.group_detail, name="group_detail"),
    path("groups/<int:pk>/edit/", groups.group_edit, name="group_edit"),
]
