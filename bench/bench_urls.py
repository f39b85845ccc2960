"""The benchmark's URLs: the whole site, plus the floors a page is measured against.

- ``bench/trivial/``: no template and no query of its own (the framework and the middleware alone).
- ``bench/floor/``: the *authenticated floor*: signed in, behind the same middleware and session as every page, one
  query for 50 families of the user's scheme rendered through ``base.html``. The work no page can avoid.
- ``bench/audited-floor/<family>/``: the authenticated floor that also records one read of a family's case file
  (``office.services.case_file_opened``: the entry every case-file page writes, in the request's transaction). What
  a page that discloses anything cannot avoid; timed with ``bench_pages.py --lower-bounds``.
- ``bench/insert/``: the bare authenticated insert: a POST with its CSRF check that runs one INSERT and redirects,
  as the visit form does; what logging a visit is measured against. The table it writes to is the benchmark's own
  (created by ``ensure_insert_table``), never one of the app's.

These views exist only here: ``bench/settings_load.py`` and ``bench/bench_pages.py`` put this URLconf in front of
the site's, and no deployment of the site serves it.
"""

from django.contrib.auth.decorators import login_required
from django.db import connection
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.template import engines
from django.urls import include, path
from django.views.decorators.http import require_http_methods

from families.models import Family
from office import services

FLOOR = engines["django"].from_string(
    """{% extends "base.html" %}
{% block title %}Floor{% endblock %}
{% block content %}
<h1>Families</h1>
<table class="table">
  <thead><tr><th scope="col">Reference</th><th scope="col">Family</th><th scope="col">Status</th></tr></thead>
  <tbody>
  {% for family in families %}
    <tr><td>{{ family.reference }}</td><td>{{ family.family_name }}</td><td>{{ family.get_status_display }}</td></tr>
  {% endfor %}
  </tbody>
</table>
{% endblock %}"""
)


def ensure_insert_table() -> None:
    with connection.cursor() as cursor:
        cursor.execute(
            "CREATE TABLE IF NOT EXISTS bench_insert "
            "(id bigserial PRIMARY KEY, user_id integer NOT NULL, body text NOT NULL, at timestamptz NOT NULL)"
        )


def trivial(request: HttpRequest) -> HttpResponse:
    return HttpResponse("ok")


@require_http_methods(["GET"])
@login_required
def floor(request: HttpRequest) -> HttpResponse:
    return _floor_page(request)


def _floor_page(request: HttpRequest) -> HttpResponse:
    families = Family.objects.filter(scheme_id=request.user.scheme_id).only("reference", "family_name", "status")
    return HttpResponse(FLOOR.render({"families": families.order_by("reference")[:50]}, request))


@require_http_methods(["GET"])
@login_required
def audited_floor(request: HttpRequest, family_pk: int) -> HttpResponse:
    family = Family.objects.get(pk=family_pk, scheme_id=request.user.scheme_id)
    services.case_file_opened(family=family, reader=request.user)
    return _floor_page(request)


@require_http_methods(["POST"])
@login_required
def insert(request: HttpRequest) -> HttpResponse:
    with connection.cursor() as cursor:
        cursor.execute(
            "INSERT INTO bench_insert (user_id, body, at) VALUES (%s, %s, now())",
            [request.user.pk, request.POST.get("body", "")],
        )
    return redirect("bench_floor")


# The site's own answer to an error nothing caught (homestart.urls): 503 "try again" when the database was lost.
handler500 = "homestart.views.server_error"
handler400 = "homestart.views.bad_request"

urlpatterns = [
    path("bench/trivial/", trivial, name="bench_trivial"),
    path("bench/floor/", floor, name="bench_floor"),
    path("bench/audited-floor/<int:family_pk>/", audited_floor, name="bench_audited_floor"),
    path("bench/insert/", insert, name="bench_insert"),
    path("", include("homestart.urls")),
]
