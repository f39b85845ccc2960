"""The benchmark's URLs: the whole site, plus a trivial view that gives the framework's own floor."""

from django.http import HttpRequest, HttpResponse
from django.urls import include, path


def trivial(request: HttpRequest) -> HttpResponse:
    return HttpResponse("ok")


# The site's own answer to an error nothing caught (homestart.urls): 503 "try again" when the database was lost.
handler500 = "homestart.views.server_error"
handler400 = "homestart.views.bad_request"

urlpatterns = [
    path("bench/trivial/", trivial, name="bench_trivial"),
    path("", include("homestart.urls")),
]
