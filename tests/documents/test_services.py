"""Scheme documents through the services: versions, who may write and publish, PDFs checked, all of it audited."""

import hashlib
from typing import Any

import pytest
from django.db import IntegrityError, connection, transaction
from django.utils import timezone

from documents import pdf, selectors, services
from documents.audit import DocumentAuditEvent
from documents.models import DocumentKind, DocumentVersion, SchemeDocument, VersionSource, VersionStatus
from homestart.exceptions import ActionNotAllowed
from homestart.models import AuditEntry
from tests.consents.test_pdf import needs_pdftotext, pdf_text
from tests.documents.conftest import (
    POLICY_TEXT,
    encrypted_pdf,
    pdf_bytes,
    pdf_upload,
    pdf_with_attachment,
    pdf_with_javascript,
    pdf_with_named_javascript,
    publish,
    republish,
    stored_bytes,
    write,
)


def _entries(event: str) -> Any:
    return AuditEntry.objects.filter(event=event).order_by("pk")


# Versions ----------------------------------------------------------------------------------------------------------


@needs_pdftotext
def test_publishing_a_written_draft_numbers_it_renders_it_and_puts_it_in_force(world: Any) -> None:
    draft = write(world)
    assert draft.status == VersionStatus.DRAFT and draft.number is None
    assert selectors.in_force(world.scheme.pk) == []  # a draft is in force nowhere

    published = services.version_publish(version=draft, actor=world.administrator)

    assert (published.status, published.number, published.published_by) == ("published", 1, world.administrator)
    assert selectors.in_force(world.scheme.pk) == [published]
    data = stored_bytes(published)
    assert published.sha256 == hashlib.sha256(data).hexdigest() and published.size == len(data)
    text = pdf_text(data)
    assert "Confidentiality policy" in text and "Version 1, in force from" in text
    assert f"{timezone.localdate():%-d %B %Y}" in text
    assert "When we share information" in text and "Only what you agree to, in writing." in text
    assert "/schemes/pmh/documents/" in text  # where families find the rest
    entry = _entries(DocumentAuditEvent.DOCUMENT_PUBLISHED).get()
    assert entry.actor == world.administrator and entry.additional_data == {"number": 1, "sha256": published.sha256}


def test_a_new_version_takes_over_and_the_old_one_is_kept_exactly_as_it_was(world: Any) -> None:
    first = publish(world)
    first_row = DocumentVersion.objects.filter(pk=first.pk).values().get()
    first_file = stored_bytes(first)

    second = republish(world, first, POLICY_TEXT + "\n\nA new paragraph in version 2.")

    assert second.number == 2 and second.document_id == first.document_id
    assert selectors.in_force(world.scheme.pk) == [second]
    assert DocumentVersion.objects.filter(pk=first.pk).values().get() == first_row  # not a field changed
    assert stored_bytes(DocumentVersion.objects.get(pk=first.pk)) == first_file
    assert DocumentVersion.objects.filter(document=first.document, status=VersionStatus.PUBLISHED).count() == 2


def test_a_published_version_can_never_be_changed_or_discarded(world: Any) -> None:
    published = publish(world)
    with pytest.raises(ActionNotAllowed, match="is published and can never be changed"):
        services.draft_update(version=published, source=VersionSource.WRITTEN, body="Other", actor=world.administrator)
    with pytest.raises(ActionNotAllowed, match="is published and can never be changed"):
        services.draft_discard(version=published, actor=world.administrator)
    with pytest.raises(ActionNotAllowed, match="is published"):
        services.version_publish(version=published, actor=world.administrator)
    assert DocumentVersion.objects.get(pk=published.pk).body == POLICY_TEXT


@pytest.mark.postgres
def test_the_database_refuses_to_change_or_delete_a_published_version(world: Any, is_postgres: bool) -> None:
    published = publish(world)
    with pytest.raises(Exception, match="Cannot update or delete"), transaction.atomic():
        DocumentVersion.objects.filter(pk=published.pk).update(body="Rewritten behind the service's back")
    with pytest.raises(Exception, match="Cannot update or delete"), transaction.atomic():
        with connection.cursor() as cursor:
            cursor.execute("DELETE FROM documents_documentversion WHERE id = %s", [published.pk])
    assert DocumentVersion.objects.get(pk=published.pk).body == POLICY_TEXT


def test_a_document_has_one_draft_at_a_time_and_the_version_in_force_stays_until_it_is_published(world: Any) -> None:
    first = publish(world)
    draft = services.draft_start(
        document=first.document, source=VersionSource.WRITTEN, body="Version two", actor=world.administrator
    )
    with pytest.raises(ActionNotAllowed, match="already has a draft"):
        services.draft_start(document=first.document, source=VersionSource.WRITTEN, body="x", actor=world.administrator)
    assert selectors.in_force(world.scheme.pk) == [first]

    changed = services.draft_update(
        version=draft, source=VersionSource.WRITTEN, body="Version two, corrected", actor=world.administrator
    )
    assert changed.body == "Version two, corrected" and changed.number is None
    entry = _entries(DocumentAuditEvent.DOCUMENT_DRAFT_CHANGED).get()
    assert entry.changes == {"body": ["[not recorded]", "[not recorded]"]}  # the text is the version's, not the log's
    with pytest.raises(IntegrityError), transaction.atomic():
        DocumentVersion.objects.create(
            document=first.document, source="written", body="x", created_by=world.administrator
        )


def test_discarding_a_draft_keeps_what_was_published_and_a_never_published_document_goes_with_it(world: Any) -> None:
    first = publish(world)
    draft = services.draft_start(
        document=first.document, source=VersionSource.WRITTEN, body="v2", actor=world.administrator
    )
    assert services.draft_discard(version=draft, actor=world.administrator) == first.document
    assert list(DocumentVersion.objects.filter(document=first.document)) == [first]

    lonely = write(world, DocumentKind.COMPLAINTS)
    assert services.draft_discard(version=lonely, actor=world.administrator) is None
    assert not SchemeDocument.objects.filter(kind=DocumentKind.COMPLAINTS).exists()
    assert _entries(DocumentAuditEvent.DOCUMENT_DRAFT_DISCARDED).count() == 3  # two drafts and the document


def test_one_document_of_each_kind_and_others_by_their_own_title(world: Any, other_admin: Any) -> None:
    write(world)
    with pytest.raises(ActionNotAllowed, match="already has a confidentiality policy"):
        write(world)
    write(world, DocumentKind.OTHER, title="Volunteer  expenses policy")
    with pytest.raises(ActionNotAllowed, match="already a document called"):
        write(world, DocumentKind.OTHER, title="volunteer expenses POLICY")
    with pytest.raises(ActionNotAllowed, match="Enter the title"):
        write(world, DocumentKind.OTHER, title="   ")
    other = SchemeDocument.objects.get(kind=DocumentKind.OTHER)
    assert other.name == "Volunteer expenses policy"  # spaces tidied
    # A title given for a kind of its own is not kept: the kind is its name.
    assert write(world, DocumentKind.PRIVACY, title="Ignored").document.name == "Privacy notice"
    # Each scheme has its own.
    theirs = services.document_create(
        scheme=world.other_scheme, kind=DocumentKind.CONFIDENTIALITY, source="written", body="x", actor=other_admin
    )
    assert theirs.document.scheme == world.other_scheme


def test_the_versions_in_force_are_in_the_order_letters_name_them_one_per_document(world: Any) -> None:
    complaints = publish(world, DocumentKind.COMPLAINTS)
    other = publish(world, DocumentKind.OTHER, title="Expenses")
    safeguarding = publish(world, DocumentKind.SAFEGUARDING)
    confidentiality = publish(world, DocumentKind.CONFIDENTIALITY)
    confidentiality = republish(world, confidentiality, "Version two")
    write(world, DocumentKind.PRIVACY)  # a draft: named nowhere
    assert selectors.in_force(world.scheme.pk) == [confidentiality, safeguarding, complaints, other]
    assert selectors.in_force(world.other_scheme.pk) == []


# Who may -----------------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("role", ["coordinator", "dsl", "volunteer", "other_coordinator"])
def test_only_the_schemes_administrators_write_change_or_publish(world: Any, role: str, other_admin: Any) -> None:
    draft = write(world)
    actor = world.role(role)
    with pytest.raises(ActionNotAllowed, match="Only an administrator"):
        services.document_create(
            scheme=world.scheme, kind=DocumentKind.PRIVACY, source="written", body="x", actor=actor
        )
    with pytest.raises(ActionNotAllowed, match="Only an administrator"):
        services.draft_update(version=draft, source="written", body="x", actor=actor)
    with pytest.raises(ActionNotAllowed, match="Only an administrator"):
        services.version_publish(version=draft, actor=actor)
    with pytest.raises(ActionNotAllowed, match="Only an administrator"):
        services.draft_discard(version=draft, actor=actor)
    # An administrator of another scheme is no administrator of this one.
    with pytest.raises(ActionNotAllowed, match="Only an administrator"):
        services.version_publish(version=draft, actor=other_admin)
    assert DocumentVersion.objects.get(pk=draft.pk).status == VersionStatus.DRAFT
    assert not _entries(DocumentAuditEvent.DOCUMENT_PUBLISHED).exists()


# Uploaded PDFs -----------------------------------------------------------------------------------------------------


def test_an_uploaded_pdf_is_kept_privately_as_it_was_and_published_unchanged(world: Any) -> None:
    data = pdf_bytes()
    draft = services.document_create(
        scheme=world.scheme,
        kind=DocumentKind.PRIVACY,
        source=VersionSource.UPLOADED,
        upload=pdf_upload(data=data),
        actor=world.administrator,
    )
    assert draft.file.name.startswith("documents/") and "notice" not in draft.file.name  # a random name
    assert (draft.pages, draft.size, draft.sha256) == (1, len(data), hashlib.sha256(data).hexdigest())
    published = services.version_publish(version=draft, actor=world.administrator)
    assert stored_bytes(published) == data and published.sha256 == hashlib.sha256(data).hexdigest()


NOT_PDFS = [
    ("letter.pdf", b"Dear family, this is plain text with a .pdf name.", "The file is not a PDF"),
    ("fake.pdf", b"%PDF-1.7\n this only starts like a PDF \x00\x01", "could not be opened as a PDF"),
    ("photo.pdf", b"\x89PNG\r\n\x1a\n" + b"\x00" * 40, "The file is not a PDF"),
    ("empty.pdf", b"", "The file is empty"),
    ("locked.pdf", "encrypted", "protected by a password"),
    ("script.pdf", "javascript", "contains scripts"),
    ("names.pdf", "named_javascript", "contains scripts"),
    ("attached.pdf", "attachment", "contains attached files"),
]
MAKERS = {
    "encrypted": encrypted_pdf,
    "javascript": pdf_with_javascript,
    "named_javascript": pdf_with_named_javascript,
    "attachment": pdf_with_attachment,
}


@pytest.mark.parametrize(("name", "data", "message"), NOT_PDFS)
def test_anything_but_a_plain_pdf_is_refused_with_a_clear_message_and_nothing_stored(
    world: Any, name: str, data: Any, message: str
) -> None:
    data = MAKERS[data]() if data in MAKERS else data
    with pytest.raises(pdf.NotAPdf, match=message):
        services.document_create(
            scheme=world.scheme,
            kind=DocumentKind.PRIVACY,
            source=VersionSource.UPLOADED,
            upload=pdf_upload(name, data),
            actor=world.administrator,
        )
    assert not SchemeDocument.objects.exists() and not DocumentVersion.objects.exists()


def test_a_pdf_over_10_mb_is_refused(world: Any, settings: Any) -> None:
    big = pdf_upload(data=pdf_bytes() + b"%" + b"0" * pdf.MAX_UPLOAD_BYTES)
    with pytest.raises(pdf.NotAPdf, match="larger than 10 MB"):
        services.document_create(
            scheme=world.scheme, kind=DocumentKind.PRIVACY, source="uploaded", upload=big, actor=world.administrator
        )


def test_a_draft_switches_between_text_and_pdf_and_keeps_its_pdf_when_none_is_sent(world: Any) -> None:
    draft = write(world)
    draft = services.draft_update(
        version=draft, source=VersionSource.UPLOADED, upload=pdf_upload(), actor=world.administrator
    )
    assert draft.source == "uploaded" and draft.body == "" and draft.file
    name = draft.file.name
    draft = services.draft_update(version=draft, source=VersionSource.UPLOADED, upload=None, actor=world.administrator)
    assert draft.file.name == name
    draft = services.draft_update(
        version=draft, source=VersionSource.WRITTEN, body="Back to text", actor=world.administrator
    )
    assert (draft.source, draft.body, draft.file.name, draft.sha256) == ("written", "Back to text", "", "")
    with pytest.raises(pdf.NotAPdf, match="Choose the PDF"):
        services.draft_update(version=draft, source=VersionSource.UPLOADED, upload=None, actor=world.administrator)
    with pytest.raises(ActionNotAllowed, match="Enter the text"):
        services.draft_update(version=draft, source=VersionSource.WRITTEN, body=" \n\n# \n", actor=world.administrator)
    with pytest.raises(ActionNotAllowed, match="Choose whether"):
        services.draft_update(version=draft, source="fax", body="x", actor=world.administrator)


def test_text_is_stored_tidy_and_read_as_headings_paragraphs_and_lists(world: Any) -> None:
    from documents.text import blocks

    draft = write(world, body="\r\n  First line\r\nsecond line  \r\n\r\n## Heading\x07\r\n\r\n- one\r\n* two\r\n\r\n")
    assert draft.body == "First line\nsecond line\n\n## Heading\n\n- one\n* two"
    assert [(block.kind, block.lines) for block in blocks(draft.body)] == [
        ("paragraph", ("First line", "second line")),
        ("heading", ("Heading",)),
        ("list", ("one", "two")),
    ]


@needs_pdftotext
def test_markup_in_the_text_is_printed_as_text(world: Any) -> None:
    published = publish(world, body='<img src="file:///etc/passwd"> <b>bold</b> {{ scheme.address }}')
    text = pdf_text(stored_bytes(published))
    assert '<img src="file:///etc/passwd">' in text and "<b>bold</b>" in text and "{{ scheme.address }}" in text
