"""Routes for outcomes: the framework (administrators), a family's assessments and worksheet, the scheme report."""

from django.urls import path

from outcomes import views

app_name = "outcomes"

urlpatterns = [
    # The scheme's outcome framework and its versions: administrators only
    path("framework/", views.framework, name="framework"),
    path("framework/start/", views.framework_start, name="framework_start"),
    path("framework/new/", views.version_new, name="version_new"),
    path("framework/<int:pk>/", views.version_detail, name="version_detail"),
    path("framework/<int:pk>/edit/", views.version_edit, name="version_edit"),
    path("framework/<int:pk>/publish/", views.version_publish, name="version_publish"),
    path("framework/<int:pk>/discard/", views.version_discard, name="version_discard"),
    # A family's assessments: its coordinators, and the volunteer assigned now
    path("families/<int:pk>/assessments/new/", views.assessment_new, name="assessment_new"),
    path("families/<int:pk>/assessments/<int:assessment_pk>/", views.assessment_detail, name="assessment_detail"),
    path("families/<int:pk>/worksheet/", views.worksheet, name="worksheet"),
    # The scheme report for trustees and funders: counts only, small numbers hidden
    path("report/", views.scheme_report, name="report"),
]
