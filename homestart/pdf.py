"""PDFs (WeasyPrint): letters and printed records, rendered from templates. Never called from a view directly.

WeasyPrint would fetch any URL a document names, including ``file:`` paths and addresses inside the network. The
fetcher here serves only the application's own static files; everything else is refused, so a field holding an
``<img>`` tag (which Django's escaping prints as text anyway) can never make the server read a file or call an
internal address (SECURITY 15). Fonts are the system's DejaVu Sans, found by fontconfig: no web fonts, no fetching.
"""

import mimetypes
from pathlib import Path, PurePosixPath
from typing import Any
from urllib.parse import unquote

from django.contrib.staticfiles import finders
from django.core.exceptions import SuspiciousFileOperation
from django.template.loader import render_to_string
from weasyprint import HTML, URLFetcher
from weasyprint.urls import URLFetcherResponse

# Letters are rendered against this made-up origin, so "/static/css/letter.css" becomes an address that only the
# fetcher below understands. Nothing is ever requested from it over a network (.invalid never resolves).
LETTER_BASE_URL = "https://letters.homestart.invalid/"
STATIC_PREFIX = LETTER_BASE_URL + "static/"


def static_file_for(url: str) -> Path:
    """The static file a letter URL names; ValueError for any URL that is not one of the app's static files."""
    if not url.startswith(STATIC_PREFIX):
        raise ValueError(f"Letters may only use the application's own static files, not {url[:80]!r}")
    # Decoded before checking, so "%2e%2e/" cannot smuggle a ".." past the check.
    relative = unquote(url.removeprefix(STATIC_PREFIX).split("?")[0].split("#")[0])
    parts = PurePosixPath(relative).parts
    if not parts or relative.startswith("/") or "\\" in relative or "\x00" in relative or ".." in parts:
        raise ValueError("Static paths may not leave the static folders")
    try:
        found = finders.find(relative)
    except SuspiciousFileOperation:
        raise ValueError("Static paths may not leave the static folders") from None
    if not found:
        raise ValueError(f"No static file {relative[:80]!r}")
    return Path(found)


class StaticOnlyFetcher(URLFetcher):
    """Serves the app's static files (stylesheets, the logo) and refuses every other URL."""

    def fetch(self, url: str, headers: Any = None) -> URLFetcherResponse:
        found = static_file_for(url)
        content_type = mimetypes.guess_type(found)[0] or "application/octet-stream"
        return URLFetcherResponse(url, body=found.read_bytes(), headers={"Content-Type": content_type})


def render_letter(kind: str, context: dict[str, Any]) -> bytes:
    """The PDF bytes of the letter of this kind (templates/letters/<kind>.html)."""
    html = render_to_string(f"letters/{kind}.html", context)
    return render_html(html)


def render_html(html: str) -> bytes:
    """A PDF of this HTML, fetching nothing but the app's static files."""
    return HTML(string=html, base_url=LETTER_BASE_URL, url_fetcher=StaticOnlyFetcher()).write_pdf()
