"""A URLconf for the security tests: the project's routes plus a sensitive view and one that fails."""

from django.http import HttpRequest, HttpResponse
from django.urls import include, path

from tests.homestart.test_security import urlpatterns as sensitive_patterns


def _boom(request: HttpRequest) -> HttpResponse:
    raise RuntimeError("secret detail that must never reach a page")


urlpatterns = [
    path("", include("homestart.urls")),
    path("boom/", _boom),
    *sensitive_patterns,
]
