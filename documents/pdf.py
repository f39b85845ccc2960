"""The PDFs of scheme documents: checking an uploaded one, rendering one written in the app (WeasyPrint, the
letters' look), and putting documents after a letter in one file to print. Never called from a view directly.
"""

import datetime
import io
import logging
from collections.abc import Iterable
from typing import Any

from django.template.loader import render_to_string
from pypdf import PdfReader, PdfWriter
from pypdf.generic import DictionaryObject

from documents import text
from homestart import pdf
from homestart.exceptions import ActionNotAllowed
from homestart.models import Scheme

MAX_UPLOAD_BYTES = 10 * 1024 * 1024
MAX_PAGES = 200

# pypdf says what it repairs in a damaged file through logging; a refused upload is answered on the page instead.
logging.getLogger("pypdf").setLevel(logging.ERROR)


class NotAPdf(ActionNotAllowed):
    """The uploaded file cannot be published as a PDF; the message says why and what to do, for the file field."""


def check_upload(upload: Any) -> tuple[bytes, int]:
    """The bytes of an uploaded PDF and its number of pages, once it is known to be a real PDF: judged by its
    content, not its name (it starts as a PDF does, and opens and reads page by page), at most 10 MB, not protected
    by a password, with no scripts or attached files. ``NotAPdf`` says what is wrong in plain English."""
    size = getattr(upload, "size", None) or 0
    if size > MAX_UPLOAD_BYTES:
        raise NotAPdf("The file is larger than 10 MB. Save the document as a smaller PDF (for example without photos).")
    upload.seek(0)
    data = upload.read(MAX_UPLOAD_BYTES + 1)
    upload.seek(0)
    if len(data) > MAX_UPLOAD_BYTES:
        raise NotAPdf("The file is larger than 10 MB. Save the document as a smaller PDF (for example without photos).")
    if not data:
        raise NotAPdf("The file is empty. Choose the PDF of the document.")
    if not data.startswith(b"%PDF-"):
        raise NotAPdf(
            "The file is not a PDF. Save the document as a PDF (in a word processor: Save as, then PDF) and upload "
            "that file."
        )
    try:
        reader = PdfReader(io.BytesIO(data), strict=False)
        if reader.is_encrypted:
            raise NotAPdf(
                "The PDF is protected by a password or restrictions, so families may not be able to open it. Save it "
                "again without protection and upload that file."
            )
        pages = 0
        for page in reader.pages:  # reads every page, so a damaged file is found now rather than by a family
            page.mediabox  # noqa: B018 - parsing the page is the check
            pages += 1
        active = _active_content(reader)
    except NotAPdf:
        raise
    except Exception:  # noqa: BLE001 - whatever pypdf cannot read is not a PDF we can give families
        raise NotAPdf(
            "The file could not be opened as a PDF: it may be damaged. Save the document as a PDF again and upload "
            "that file."
        ) from None
    if pages == 0:
        raise NotAPdf("The PDF has no pages. Save the document as a PDF again and upload that file.")
    if pages > MAX_PAGES:
        raise NotAPdf(f"The PDF has {pages} pages; a scheme document can have at most {MAX_PAGES}.")
    if active:
        raise NotAPdf(
            f"The PDF contains {active}, which a family's phone may refuse to open. Save the document again as a plain "
            "PDF (for example as PDF/A) and upload that file."
        )
    return data, pages


def _active_content(reader: PdfReader) -> str:
    """What the PDF holds besides pages ("scripts", "attached files"), or "" when it is a plain document."""
    root = reader.trailer["/Root"]
    names = root.get("/Names")
    names = names.get_object() if names is not None else DictionaryObject()
    action = root.get("/OpenAction")
    action = action.get_object() if action is not None else None
    if "/JavaScript" in names or "/AA" in root:
        return "scripts"
    if isinstance(action, DictionaryObject) and action.get("/S") in ("/JavaScript", "/Launch"):
        return "scripts"
    if "/EmbeddedFiles" in names:
        return "attached files"
    return ""


def page_count(document: bytes) -> int:
    return len(PdfReader(io.BytesIO(document)).pages)


def render_written(
    *,
    scheme: Scheme,
    name: str,
    body: str,
    number: int | None,
    in_force_from: datetime.datetime | None,
    public_url: str,
) -> bytes:
    """The PDF of a version written in the app: the scheme's letterhead, the title, the version and the date it is
    in force from, and the text (headings, paragraphs, lists; everything escaped). Without a number it is a draft,
    marked as one on every page."""
    html = render_to_string(
        "documents/pdf/document.html",
        {
            "scheme": scheme,
            "name": name,
            "blocks": text.blocks(body),
            "number": number,
            "in_force_from": in_force_from,
            "public_url": public_url,
        },
    )
    return pdf.render_html(html)


def concatenate(parts: Iterable[bytes]) -> bytes:
    """One PDF of the parts, one after another (a letter, then the documents in force), to print in one go."""
    writer = PdfWriter()
    for part in parts:
        writer.append(io.BytesIO(part), import_outline=False)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def letter_with_documents(letter: bytes, versions: Iterable[Any]) -> bytes:
    """The letter, then the PDF of each version after it, exactly as published: what a coordinator prints when the
    family is to have the documents the letter names on paper."""
    parts = [letter]
    for version in versions:
        with version.file.open("rb") as handle:
            parts.append(handle.read())
    return concatenate(parts)
