"""Letters as PDFs (WeasyPrint), rendered from templates/letters/. Never called from a view directly.

WeasyPrint would fetch any URL a document names, including ``file:`` paths and addresses inside the network. The
fetcher here serves only the application's own static files; everything else is refused, so a field holding an
``<img>`` tag (which Django's escaping prints as text anyway) can never make the server read a file or call an
internal address (SECURITY 15).
"""

import mimetypes
from pathlib import Path
from typing import Any

from django.contrib.staticfiles import finders
from django.template.loader import render_to_string
from weasyprint import HTML, URLFetcher
from weasyprint.urls import URLFetcherResponse

# Letters are rendered against this made-up origin, so "/static/css/letter.css" becomes an address that only the
# fetcher below understands. Nothing is ever requested from it over a network.
LETTER_BASE_URL = "https://letters.homestart.invalid/"
STATIC_PREFIX = LETTER_BASE_URL + "static/"


class StaticOnlyFetcher(URLFetcher):
    """Serves the app's static files (stylesheets, fonts, the logo) and refuses every other URL."""

    def fetch(self, url: str, headers: Any = None) -> URLFetcherResponse:
        if not url.startswith(STATIC_PREFIX):
            raise ValueError(f"Letters may only use the application's own static files, not {url[:80]!r}")
        relative = url.removeprefix(STATIC_PREFIX).split("?")[0].split("#")[0]
        if ".." in Path(relative).parts:
            raise ValueError("Static paths may not leave the static folders")
        found = finders.find(relative)
        if not found:
            raise ValueError(f"No static file {relative!r}")
        content_type = mimetypes.guess_type(found)[0] or "application/octet-stream"
        return URLFetcherResponse(url, body=Path(found).read_bytes(), headers={"Content-Type": content_type})


def render_letter(kind: str, context: dict[str, Any]) -> bytes:
    """The PDF bytes of the letter of this kind (templates/letters/<kind>.html)."""
    html = render_to_string(f"letters/{kind}.html", context)
    return render_html(html)


def render_html(html: str) -> bytes:
    return HTML(string=html, base_url=LETTER_BASE_URL, url_fetcher=StaticOnlyFetcher()).write_pdf()
