from django.urls import path

from consents.views import consents, photos, register, requests, wordings

app_name = "consents"

urlpatterns = [
    path("", consents.overview, name="overview"),
    path("family/<int:pk>/new/", consents.consent_new, name="consent_new"),
    path("family/<int:pk>/support-agreed/", register.support_agreed, name="support_agreed"),
    path(
        "family/<int:pk>/support-agreed/<int:letter_pk>/print/",
        register.support_agreed_reprint,
        name="support_agreed_reprint",
    ),
    path("<int:pk>/", consents.consent_detail, name="consent_detail"),
    path("<int:pk>/letter/", consents.letter, name="letter"),
    path("<int:pk>/signed/", consents.consent_signed, name="consent_signed"),
    path("<int:pk>/refused/", consents.consent_refused, name="consent_refused"),
    path("<int:pk>/withdraw/", consents.consent_withdraw, name="consent_withdraw"),
    path("<int:pk>/scan/", consents.scan, name="scan"),
    path("register/", register.register, name="register"),
    path("register/family/<int:pk>/", register.family_register, name="family_register"),
    path("register/family/<int:pk>/shared/", register.disclosure_new, name="disclosure_new"),
    path("register/family/<int:pk>/not-shared/", register.decision_new, name="decision_new"),
    path("requests/", requests.request_list, name="requests"),
    path("requests/new/", requests.request_new, name="request_new"),
    path("requests/<int:pk>/", requests.request_detail, name="request_detail"),
    path("requests/<int:pk>/ask/", requests.request_ask, name="request_ask"),
    path("requests/<int:pk>/close/", requests.request_close, name="request_close"),
    path("requests/<int:pk>/figures/", requests.request_figures, name="request_figures"),
    path("photos/", photos.photo_list, name="photos"),
    path("photos/new/", photos.photo_new, name="photo_new"),
    path("photos/<int:pk>/", photos.photo_detail, name="photo_detail"),
    path("photos/<int:pk>/image/", photos.photo_image, name="photo_image"),
    path("wordings/", wordings.wording_list, name="wordings"),
    path("wordings/new/", wordings.wording_new, name="wording_new"),
]
