"""PDFs (WeasyPrint): letters and printed records, rendered from templates. Never called from a view directly.

WeasyPrint would fetch any URL a document names, including ``file:`` paths and addresses inside the network. The
fetcher here serves only the application's own static files; everything else is refused, so a field holding an
``<img>`` tag (which Django's escaping prints as text anyway) can never make the server read a file or call an
internal address (SECURITY 15). Fonts are the system's DejaVu Sans, found by fontconfig: no web fonts, no fetching.
"""

import io
import mimetypes
import multiprocessing
import os
import threading
from collections.abc import Callable
from functools import partial
from pathlib import Path, PurePosixPath
from typing import Any
from urllib.parse import unquote

from django.contrib.staticfiles import finders
from django.core.exceptions import SuspiciousFileOperation
from django.db import connections
from django.template.loader import render_to_string
from pypdf import PdfReader, PdfWriter
from pypdf.generic import ArrayObject, DictionaryObject, NameObject, StreamObject
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


# --- A long document in parts, laid out side by side -----------------------------------------------------------------

# WeasyPrint lays out and draws on one core. A long record (the subject access export of a family with hundreds of
# visits) is rendered as consecutive parts, each a whole document starting on a new page, one per core: the first in
# this process, the others in forked children; then the parts are joined and numbered "Page N of M" across them all
# (ADR 0018). A child that fails or dies is replaced by rendering its part here, so the result never depends on it.
PART_TIMEOUT_SECONDS = 120

# "Page N of M" where letter.css's @page puts it (bottom-right margin box: 18 mm bottom and right margins, 2.5 mm
# padding above, bold 10 pt), drawn onto the joined pages in PDF's standard Helvetica Bold, which every reader has and
# nothing needs to embed. Laying out a document of numbered empty pages instead costs WeasyPrint ~15 ms a page.
_MM = 72 / 25.4
_NUMBER_SIZE = 10
_NUMBER_RIGHT = (210 - 18) * _MM
_NUMBER_BASELINE = (18 - 2.5) * _MM - 0.93 * _NUMBER_SIZE  # the top of the line 2.5 mm into the bottom margin
# Helvetica Bold's advance widths (thousandths of the size, from its standard metrics) of the characters used.
_HELVETICA_BOLD_WIDTHS = {" ": 278, "P": 667, "a": 556, "g": 611, "e": 556, "o": 611, "f": 333} | dict.fromkeys(
    "0123456789", 556
)


def parts_available() -> int:
    """How many parts a long document may be laid out in at once here: one per core, when this process may fork.

    Forking is safe only where this thread is the only one (a forked child inherits no other thread, so a lock one
    held would stay held): a management command or a synchronous worker process. A threaded server renders in one
    part."""
    if not hasattr(os, "fork") or threading.active_count() > 1:
        return 1
    return max(1, min(os.cpu_count() or 1, 4))


def render_letter_in_parts(kind: str, contexts: list[dict[str, Any]]) -> bytes:
    """One PDF of the letter of this kind rendered once per context, each a run of consecutive pages.

    Each rendering is told ``page_numbers_added_after`` (its own page numbers left off; they are added across the
    whole once joined). With one context this is ``render_letter``."""
    if len(contexts) == 1:
        return render_letter(kind, contexts[0])
    return join_and_number(
        render_side_by_side(
            [partial(render_letter, kind, {**context, "page_numbers_added_after": True}) for context in contexts]
        )
    )


def render_side_by_side(renderers: list[Callable[[], bytes]]) -> list[bytes]:
    """What each renderer makes (a PDF), the first here and each other one in a forked child meanwhile."""
    if len(renderers) == 1 or parts_available() == 1:
        return [render() for render in renderers]
    context = multiprocessing.get_context("fork")
    children = []
    for render in renderers[1:]:
        receiver, sender = context.Pipe(duplex=False)
        child = context.Process(target=_render_into, args=(render, sender), daemon=True)
        child.start()
        sender.close()
        children.append((child, receiver))
    rendered = [renderers[0]()]
    for (child, receiver), render in zip(children, renderers[1:], strict=True):
        rendered.append(_received(child, receiver) or render())
    return rendered


# The database connections a child inherited, kept referenced so that they are never finalised there: closing one
# would end the parent's session on the server. A child that needs the database opens a connection of its own.
_INHERITED_CONNECTIONS: list[Any] = []


def _render_into(render: Callable[[], bytes], sender: Any) -> None:
    """In the child: render and send the PDF, or an empty message when rendering failed. The child ends with
    ``os._exit`` (multiprocessing's), so nothing of the parent's is closed or flushed from here."""
    for connection in connections.all(initialized_only=True):
        if connection.connection is not None:
            _INHERITED_CONNECTIONS.append(connection.connection)
            connection.connection = None
    try:
        document = render()
    except Exception:  # noqa: BLE001 - the parent renders this part itself
        document = b""
    sender.send_bytes(document)
    sender.close()


def _received(child: Any, receiver: Any) -> bytes | None:
    try:
        if receiver.poll(PART_TIMEOUT_SECONDS):
            return receiver.recv_bytes() or None
        return None
    except (EOFError, OSError):  # the child died before sending
        return None
    finally:
        receiver.close()
        child.join(timeout=5)
        if child.is_alive():
            child.kill()
            child.join()


def join_and_number(documents: list[bytes]) -> bytes:
    """The pages of these PDFs, in order, as one PDF with the first one's metadata and "Page N of M" drawn at the
    foot of every page, where a letter's own numbering would be."""
    writer = PdfWriter()
    readers = [PdfReader(io.BytesIO(document)) for document in documents]
    for reader in readers:
        writer.append(reader)
    if readers and readers[0].metadata:
        writer.add_metadata({key: value for key, value in readers[0].metadata.items() if isinstance(value, str)})
    total = len(writer.pages)
    font = writer._add_object(  # one font object, shared by every page
        DictionaryObject(
            {
                NameObject("/Type"): NameObject("/Font"),
                NameObject("/Subtype"): NameObject("/Type1"),
                NameObject("/BaseFont"): NameObject("/Helvetica-Bold"),
                NameObject("/Encoding"): NameObject("/WinAnsiEncoding"),
            }
        )
    )
    save = writer._add_object(_stream(b"q\n"))  # the page's own drawing, its graphics state restored after it
    for number, page in enumerate(writer.pages, start=1):
        text = f"Page {number} of {total}"
        width = sum(_HELVETICA_BOLD_WIDTHS[character] for character in text) * _NUMBER_SIZE / 1000
        resources = page.setdefault(NameObject("/Resources"), DictionaryObject()).get_object()
        fonts = resources.setdefault(NameObject("/Font"), DictionaryObject()).get_object()
        fonts[NameObject("/HomestartPageNumber")] = font
        drawn = page[NameObject("/Contents")]
        drawn = list(drawn.get_object()) if isinstance(drawn.get_object(), ArrayObject) else [drawn]
        number_stream = _stream(
            f"\nQ q 0.043 0.047 0.047 rg BT /HomestartPageNumber {_NUMBER_SIZE} Tf "
            f"{_NUMBER_RIGHT - width:.2f} {_NUMBER_BASELINE:.2f} Td ({text}) Tj ET Q\n".encode("ascii")
        )
        page[NameObject("/Contents")] = ArrayObject([save, *drawn, writer._add_object(number_stream)])
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def _stream(data: bytes) -> StreamObject:
    stream = StreamObject()
    stream.set_data(data)
    return stream
