"""The benchmark's URLs: the whole site, plus a trivial view that gives the framework's own floor."""

from django.http import HttpRequest, HttpResponse
from django.urls import include, path


def trivial(request: HttpRequest) -> HttpResponse:
    return HttpResponse("ok")


urlpatterns = [
    path("bench/trivial/", trivial, name="bench_trivial"),
    path("", include("homestart.urls")),
]
