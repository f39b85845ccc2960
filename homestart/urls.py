from django.urls import include, path

from homestart import account_views, views

urlpatterns = [
    path("", views.home, name="home"),
    path("healthz", views.healthz, name="healthz"),
    path("sign-in/", views.sign_in, name="login"),
    path("sign-out/", views.sign_out, name="logout"),
    path("dashboard/", views.dashboard, name="dashboard"),
    path("accounts/", include((account_views.urlpatterns, "accounts"))),
    path("families/", include("families.urls")),
    path("volunteers/", include("volunteers.urls")),
]
