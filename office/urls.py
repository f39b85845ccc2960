"""The top floor's routes. ``family_patterns`` join the ``families`` namespace in the root URLconf."""

from django.urls import path

from office import views

urlpatterns = [
    path("", views.home, name="home"),
    path("dashboard/", views.dashboard, name="dashboard"),
]

# Mounted under /families/ as ``families:detail``: the page is the family's, but composing it needs every app.
family_patterns = [
    path("<int:pk>/", views.family_detail, name="detail"),
]
