"""The subject access page: what the export holds, and the button that downloads it (SECURITY 10, 24)."""

from collections.abc import Callable
from functools import wraps

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.http import content_disposition_header
from django.views.decorators.http import require_http_methods

from families.models import Family
from families.selectors import load_family
from homestart.decorators import recent_authentication_required
from homestart.exceptions import ActionNotAllowed
from office.permissions import can_export_subject_access, subject_access_includes_safeguarding
from office.subject_access import SAFEGUARDING_MARK, subject_access_export


def _exporter(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """The page is for the family's coordinator and the scheme's safeguarding leads; for anyone else it does not
    exist (404, before any question of signing in again)."""

    @wraps(view)
    def wrapped(request: HttpRequest, family: Family) -> HttpResponse:
        if not can_export_subject_access(request.user, family):
            raise Http404("No such page")
        return view(request, family)

    return wrapped


@require_http_methods(["GET", "POST"])
@login_required
@load_family
@_exporter
@recent_authentication_required
def subject_access(request: HttpRequest, family: Family) -> HttpResponse:
    """GET: what the download holds and who will see that it was made. POST: the ZIP itself, recorded in the audit
    log as it is made (a GET never writes). Both ask for the password or a code again after 10 minutes."""
    if request.method == "POST":
        try:
            export = subject_access_export(family=family, actor=request.user)
        except ActionNotAllowed:
            raise Http404("No such page") from None
        response = HttpResponse(export.content, content_type="application/zip")
        response["Content-Disposition"] = content_disposition_header(True, export.filename)
        return response
    return render(
        request,
        "office/subject_access.html",
        {
            "family": family,
            "includes_safeguarding": subject_access_includes_safeguarding(request.user, family),
            "safeguarding_mark": SAFEGUARDING_MARK,
        },
    )
