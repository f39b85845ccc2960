"""The top floor's routes. ``family_patterns`` join the ``families`` namespace in the root URLconf."""

from django.urls import path

from office import access_views, accounts, subject_access_views, views

urlpatterns = [
    path("", views.home, name="home"),
    path("dashboard/", views.dashboard, name="dashboard"),
    # For safeguarding leads: which families one person of the scheme opened, or whose records they read.
    path("records-seen/", access_views.person_access, name="person_access"),
]

# Mounted under /families/ as ``families:detail``: the page is the family's, but composing it needs every app.
family_patterns = [
    path("<int:pk>/", views.family_detail, name="detail"),
    path("<int:pk>/access/", access_views.family_access, name="access"),
    # Everything held about the family, as a ZIP, for a subject access request: the family's coordinator and leads.
    path("<int:pk>/subject-access/", subject_access_views.subject_access, name="subject_access"),
]

# Mounted under /accounts/ as ``accounts:deactivate``: an account is core's, but a leaving coordinator's families are
# handed over on the same page.
account_patterns = [
    path("<int:pk>/deactivate/", accounts.account_deactivate, name="deactivate"),
]
