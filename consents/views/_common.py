"""What the consents pages share: the allowed methods, the submitted form, short labels, PDF downloads."""

from collections.abc import Iterable
from typing import Any

from django.http import HttpRequest, HttpResponse
from django.utils.http import content_disposition_header
from django.views.decorators.http import require_http_methods

from consents.models import Category

GET = require_http_methods(["GET"])
GET_POST = require_http_methods(["GET", "POST"])
POST = require_http_methods(["POST"])
PAGE_SIZE = 50


def posted(request: HttpRequest) -> Any:
    """The submitted form, even an empty one: an empty POST is answered with messages, not a blank form."""
    return request.POST if request.method == "POST" else None


def posted_files(request: HttpRequest) -> Any:
    return request.FILES if request.method == "POST" else None


def short_categories(values: Iterable[str]) -> list[str]:
    """ "Summary of visits" rather than the full label with its explanation, for lists and tables."""
    return [Category(value).label.split(" (")[0] for value in values if value in Category.values]


def pdf_attachment(document: bytes, filename: str) -> HttpResponse:
    response = HttpResponse(document, content_type="application/pdf")
    response["Content-Disposition"] = content_disposition_header(True, filename)
    return response
