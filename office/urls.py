"""The top floor's routes. ``family_patterns`` join the ``families`` namespace in the root URLconf."""

from django.urls import path

from office import accounts, views

urlpatterns = [
    path("", views.home, name="home"),
    path("dashboard/", views.dashboard, name="dashboard"),
]

# Mounted under /families/ as ``families:detail``: the page is the family's, but composing it needs every app.
family_patterns = [
    path("<int:pk>/", views.family_detail, name="detail"),
]

# Mounted under /accounts/ as ``accounts:deactivate``: an account is core's, but a leaving coordinator's families are
# handed over on the same page.
account_patterns = [
    path("<int:pk>/deactivate/", accounts.account_deactivate, name="deactivate"),
]
