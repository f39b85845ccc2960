"""Set-up for scheme documents: real PDFs to upload, and documents written and published through the services."""

import io
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from pypdf import PdfWriter
from pypdf.generic import ArrayObject, DictionaryObject, NameObject, TextStringObject

from documents import services
from documents.models import DocumentKind, DocumentVersion, VersionSource

POLICY_TEXT = (
    "We respect everything you tell your volunteer.\n\n"
    "# When we share information\n\n"
    "- Only what you agree to, in writing.\n"
    "- If a child is in danger, we tell you first."
)


def pdf_bytes(text: str = "Our privacy notice") -> bytes:
    from homestart.pdf import render_html

    return render_html(f"<h1>{text}</h1><p>How we look after information about your family.</p>")


def pdf_upload(name: str = "notice.pdf", data: bytes | None = None, content_type: str = "application/pdf") -> Any:
    return SimpleUploadedFile(name, pdf_bytes() if data is None else data, content_type=content_type)


def encrypted_pdf() -> bytes:
    writer = PdfWriter(clone_from=io.BytesIO(pdf_bytes()))
    writer.encrypt(user_password="secret", owner_password="secret", algorithm="RC4-128")
    return _written(writer)


def _written(writer: PdfWriter) -> bytes:
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def pdf_with_javascript() -> bytes:
    """A PDF that runs a script when it is opened."""
    writer = PdfWriter(clone_from=io.BytesIO(pdf_bytes()))
    writer._root_object[NameObject("/OpenAction")] = DictionaryObject(
        {NameObject("/S"): NameObject("/JavaScript"), NameObject("/JS"): TextStringObject("app.alert('hello');")}
    )
    return _written(writer)


def pdf_with_named_javascript() -> bytes:
    """A PDF with a document-level script in its name tree."""
    writer = PdfWriter(clone_from=io.BytesIO(pdf_bytes()))
    writer._root_object[NameObject("/Names")] = DictionaryObject(
        {NameObject("/JavaScript"): DictionaryObject({NameObject("/Names"): ArrayObject()})}
    )
    return _written(writer)


def pdf_with_attachment() -> bytes:
    writer = PdfWriter(clone_from=io.BytesIO(pdf_bytes()))
    writer.add_attachment("run-me.exe", b"MZ not really a program")
    return _written(writer)


def write(
    world: Any, kind: str = DocumentKind.CONFIDENTIALITY, body: str = POLICY_TEXT, **extra: Any
) -> DocumentVersion:
    """A new document of the world's scheme, its first version a written draft, by the scheme's administrator."""
    return services.document_create(
        scheme=world.scheme, kind=kind, source=VersionSource.WRITTEN, body=body, actor=world.administrator, **extra
    )


def publish(
    world: Any, kind: str = DocumentKind.CONFIDENTIALITY, body: str = POLICY_TEXT, **extra: Any
) -> DocumentVersion:
    """A document of the world's scheme with its first version published."""
    return services.version_publish(version=write(world, kind, body, **extra), actor=world.administrator)


def republish(world: Any, version: DocumentVersion, body: str) -> DocumentVersion:
    """The next version of the document of ``version``, written and published."""
    draft = services.draft_start(
        document=version.document, source=VersionSource.WRITTEN, body=body, actor=world.administrator
    )
    return services.version_publish(version=draft, actor=world.administrator)


def stored_bytes(version: DocumentVersion) -> bytes:
    with version.file.open("rb") as handle:
        return handle.read()


@pytest.fixture
def other_admin(world: Any) -> Any:
    """An administrator of the other scheme."""
    from homestart.models import Role
    from tests.conftest import make_user

    return make_user(world.other_scheme, "otheradmin", Role.ADMINISTRATOR)
