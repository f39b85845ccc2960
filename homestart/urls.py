from django.urls import include, path

from homestart import account_views, auth_views, views

urlpatterns = [
    path("", views.home, name="home"),
    path("healthz", views.healthz, name="healthz"),
    path("sign-in/", auth_views.sign_in, name="login"),
    path("sign-out/", auth_views.sign_out, name="logout"),
    path("two-factor/", auth_views.two_factor_urls),
    path("dashboard/", views.dashboard, name="dashboard"),
    path("accounts/", include((account_views.urlpatterns, "accounts"))),
    path("families/", include("families.urls")),
    path("volunteers/", include("volunteers.urls")),
    path("consents/", include("consents.urls")),
    path("safeguarding/", include("safeguarding.urls")),
]
