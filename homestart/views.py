"""The health check, the one page the core serves on its own (the pages that combine apps are in office)."""

import sys

from django.db import InterfaceError, OperationalError, connection
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.template import loader
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods


@never_cache
@require_http_methods(["GET", "HEAD"])
def healthz(request: HttpRequest) -> HttpResponse:
    """200 when the database answers, 503 when it does not. Says nothing else about the system."""
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except Exception:  # noqa: BLE001 - any database failure means "not healthy"
        return JsonResponse({"status": "unavailable"}, status=503)
    return JsonResponse({"status": "ok"})


def _connection_lost(error: BaseException | None) -> bool:
    """Whether the error is, or was raised while handling, a lost database connection."""
    while error is not None:
        if isinstance(error, OperationalError | InterfaceError):
            return True
        error = error.__cause__ or error.__context__
    return False


def _service_unavailable() -> HttpResponse:
    return HttpResponse(loader.render_to_string("503.html"), status=503, headers={"Retry-After": "5"})


def bad_request(request: HttpRequest, exception: BaseException | None = None) -> HttpResponse:
    """400, unless the "bad request" is the session that could not be saved because the database connection was
    lost (Django's session store turns that DatabaseError into "session interrupted"): then 503 and "try again"."""
    if _connection_lost(exception):
        return _service_unavailable()
    return HttpResponse(loader.render_to_string("400.html"), status=400)


def server_error(request: HttpRequest) -> HttpResponse:
    """The answer to an error nothing caught: 503 and "try again" when the database connection was lost (a
    failover, a restart: the next request gets a new connection), else the plain 500 page. Neither queries the
    database, which may be what failed."""
    if _connection_lost(sys.exc_info()[1]):
        return _service_unavailable()
    return HttpResponse(loader.render_to_string("500.html"), status=500)
