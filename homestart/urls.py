"""The root URLconf. Wiring, not a floor: it may name every app, and nothing imports it."""

from django.urls import include, path

import documents.urls
import families.urls
import office.urls
from homestart import account_views, auth_views, password_views, reminder_views, scheme_views, views

# Core's own pages: people's accounts, and the second factor. Deactivating an account (which may hand a
# coordinator's families over) is the top floor's page, mounted in the same ``accounts`` namespace below.
account_patterns = [
    path("", account_views.account_list, name="list"),
    path("new/", account_views.account_new, name="new"),
    path("<int:pk>/change/", account_views.account_edit, name="edit"),
    path("<int:pk>/reactivate/", account_views.account_reactivate, name="reactivate"),
]
# Django's own names, so its views and emails find them: changing your password, and resetting it by email.
password_patterns = [
    path("change/", password_views.password_change, name="password_change"),
    path("changed/", password_views.password_change_done, name="password_change_done"),
    path("reset/", password_views.password_reset, name="password_reset"),
    path("reset/sent/", password_views.password_reset_done, name="password_reset_done"),
    path("reset/<uidb64>/<token>/", password_views.password_reset_confirm, name="password_reset_confirm"),
    path("reset/done/", password_views.password_reset_complete, name="password_reset_complete"),
]
two_factor_patterns = [
    path("setup/", auth_views.two_factor_setup, name="setup"),
    path("setup/qr.svg", auth_views.two_factor_qr, name="qr"),
    path("verify/", auth_views.two_factor_verify, name="verify"),
    path("recovery-codes/", auth_views.recovery_codes, name="recovery_codes"),
    path("confirm-it-is-you/", auth_views.reauthenticate, name="reauthenticate"),
    path("reset/<int:pk>/", auth_views.two_factor_reset, name="reset"),
]

# An error nothing caught: 503 "try again" when the database connection was lost, else the 500 page.
handler500 = "homestart.views.server_error"
handler400 = "homestart.views.bad_request"

urlpatterns = [
    path("", include(office.urls.urlpatterns)),
    path("healthz", views.healthz, name="healthz"),
    path("sign-in/", auth_views.sign_in, name="login"),
    path("sign-out/", auth_views.sign_out, name="logout"),
    path("two-factor/", include((two_factor_patterns, "two_factor"))),
    path("password/", include(password_patterns)),
    # Your own email reminders: how often each kind comes (homestart.reminders).
    path("your-reminders/", reminder_views.reminder_preferences, name="reminder_preferences"),
    path("accounts/", include(([*account_patterns, *office.urls.account_patterns], "accounts"))),
    path("scheme/", scheme_views.scheme_settings, name="scheme_settings"),
    # The family's page is composed on the top floor but keeps its name, families:detail, and its address.
    path("families/", include(([*families.urls.urlpatterns, *office.urls.family_patterns], "families"))),
    path("volunteers/", include("volunteers.urls")),
    path("consents/", include("consents.urls")),
    path("safeguarding/", include("safeguarding.urls")),
    path("outcomes/", include("outcomes.urls")),
    path("documents/", include("documents.urls")),
    # A scheme's public page of its documents in force, open to anyone (no sign-in): /schemes/<code>/documents/.
    *documents.urls.public_patterns,
]
