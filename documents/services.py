"""Every write about scheme documents: adding one, writing or uploading a draft version, publishing it.

Only the scheme's administrators write (``documents.permissions.can_manage_documents``). A draft may be changed or
discarded; publishing numbers it and makes it the version in force from that moment, and from then on nothing
changes it (the service refuses, and on PostgreSQL a trigger refuses too). Every service is an ``@audit.service``
and writes, in its transaction, the entry for each record it creates, changes or deletes (events of
``documents.audit``).
"""

import hashlib
from typing import Any

from django.core.files.base import ContentFile
from django.db import transaction
from django.db.models import Max
from django.utils import timezone

from documents import pdf, selectors, text
from documents.audit import DocumentAuditEvent
from documents.models import (
    VERSION_TRANSITIONS,
    DocumentKind,
    DocumentVersion,
    SchemeDocument,
    VersionSource,
    VersionStatus,
)
from documents.pdf import NotAPdf
from documents.permissions import can_manage_documents
from homestart import audit
from homestart.exceptions import ActionNotAllowed, save_or_refuse
from homestart.models import Scheme, User
from homestart.storage import private_name

MAX_TEXT_LENGTH = 100_000
MAX_TITLE_LENGTH = 120

# Public functions here that write nothing (the audit conventions test holds every other one to be a service).
WRITES_NOTHING = ("version_pdf",)


def _require_manager(actor: User, scheme_id: int) -> None:
    if not can_manage_documents(actor, scheme_id):
        raise ActionNotAllowed("Only an administrator of this scheme can change its documents.")


def _forget_file_after_commit(version: DocumentVersion, name: str) -> None:
    """Delete a draft's earlier file once the change that let go of it is committed (never before: a change rolled
    back must still find its file)."""
    if name:
        storage = version.file.storage
        transaction.on_commit(lambda: storage.delete(name))


def _fill(version: DocumentVersion, *, source: str, body: str, upload: Any) -> str:
    """Put the draft's content in place: its text, or its PDF (checked, then stored privately under a random name).
    Returns the name of a file the draft no longer uses, to delete once the change is committed."""
    previous = version.file.name or ""
    if source == VersionSource.WRITTEN:
        body = text.normalise(body or "")
        if not text.blocks(body):
            raise ActionNotAllowed("Enter the text of the document.")
        if len(body) > MAX_TEXT_LENGTH:
            raise ActionNotAllowed(
                f"The text can be at most {MAX_TEXT_LENGTH:,} characters. Upload it as a PDF instead."
            )
        version.body = body
        version.file = ""
        version.size = version.pages = 0
        version.sha256 = ""
    elif source == VersionSource.UPLOADED:
        if upload is None:
            if version.source != VersionSource.UPLOADED or not previous:
                raise NotAPdf("Choose the PDF file of the document.")
            previous = ""  # the draft keeps the file it has
        else:
            data, pages = pdf.check_upload(upload)
            version.file.save(private_name("pdf"), ContentFile(data), save=False)
            version.size, version.pages = len(data), pages
            version.sha256 = hashlib.sha256(data).hexdigest()
        version.body = ""
    else:
        raise ActionNotAllowed("Choose whether to write the document here or upload it as a PDF.")
    version.source = source
    return previous


def _new_draft(*, document: SchemeDocument, source: str, body: str, upload: Any, actor: User) -> DocumentVersion:
    draft = DocumentVersion(document=document, source=source, created_by=actor)
    _fill(draft, source=source, body=body, upload=upload)
    save_or_refuse(draft)
    audit.record_change(draft, event=DocumentAuditEvent.DOCUMENT_DRAFTED, created=True, actor=actor)
    return draft


@audit.service
def document_create(
    *, scheme: Scheme, kind: str, title: str = "", source: str, body: str = "", upload: Any = None, actor: User
) -> DocumentVersion:
    """Add a document to the scheme, with its first version as a draft (written here, or an uploaded PDF). A scheme
    has at most one of each kind; "another document" may be added as often as needed, each with its own title."""
    _require_manager(actor, scheme.pk)
    Scheme.objects.select_for_update().filter(pk=scheme.pk).first()  # one document of a kind, however many add it
    if kind not in DocumentKind.values:
        raise ActionNotAllowed("Choose what kind of document it is.")
    title = " ".join((title or "").split())
    existing = SchemeDocument.objects.filter(scheme=scheme)
    if kind == DocumentKind.OTHER:
        if not title:
            raise ActionNotAllowed("Enter the title of the document.")
        if len(title) > MAX_TITLE_LENGTH:
            raise ActionNotAllowed(f"The title can be at most {MAX_TITLE_LENGTH} characters.")
        if existing.filter(kind=DocumentKind.OTHER, title__iexact=title).exists():
            raise ActionNotAllowed(f"There is already a document called “{title}”. Start a new version of it instead.")
    else:
        title = ""
        if existing.filter(kind=kind).exists():
            label = DocumentKind(kind).label.lower()
            raise ActionNotAllowed(f"The scheme already has a {label}. Start a new version of it instead.")
    document = save_or_refuse(SchemeDocument(scheme=scheme, kind=kind, title=title, created_by=actor))
    audit.record_change(document, event=DocumentAuditEvent.DOCUMENT_CREATED, created=True, actor=actor)
    return _new_draft(document=document, source=source, body=body, upload=upload, actor=actor)


@audit.service
def draft_start(
    *, document: SchemeDocument, source: str, body: str = "", upload: Any = None, actor: User
) -> DocumentVersion:
    """Start the next version of a document as a draft. The version in force stays in force until it is published;
    a document has one draft at a time."""
    document = SchemeDocument.objects.select_for_update().get(pk=document.pk)
    _require_manager(actor, document.scheme_id)
    if document.versions.filter(status=VersionStatus.DRAFT).exists():
        raise ActionNotAllowed("This document already has a draft. Change that draft, or discard it first.")
    return _new_draft(document=document, source=source, body=body, upload=upload, actor=actor)


def _lock_draft(version: DocumentVersion, actor: User) -> DocumentVersion:
    version = DocumentVersion.objects.select_for_update().select_related("document__scheme").get(pk=version.pk)
    _require_manager(actor, version.document.scheme_id)
    if not version.is_draft:
        raise ActionNotAllowed(
            f"Version {version.number} is published and can never be changed. Start a new version instead."
        )
    return version


@audit.service
def draft_update(
    *, version: DocumentVersion, source: str, body: str = "", upload: Any = None, actor: User
) -> DocumentVersion:
    """Change a draft: its text, or its PDF (a new upload replaces the one before; none keeps it)."""
    version = _lock_draft(version, actor)
    before = audit.snapshot(version)
    forget = _fill(version, source=source, body=body, upload=upload)
    save_or_refuse(version)
    audit.record_change(version, event=DocumentAuditEvent.DOCUMENT_DRAFT_CHANGED, before=before, actor=actor)
    _forget_file_after_commit(version, forget)
    return version


@audit.service
def draft_discard(*, version: DocumentVersion, actor: User) -> SchemeDocument | None:
    """Throw a draft away. A document never published goes with its only draft; returns the document if it stays."""
    version = _lock_draft(version, actor)
    document = version.document
    audit.record_change(version, event=DocumentAuditEvent.DOCUMENT_DRAFT_DISCARDED, deleted=True, actor=actor)
    name = version.file.name or ""
    version.delete()
    _forget_file_after_commit(version, name)
    if document.versions.exists():
        return document
    audit.record_change(document, event=DocumentAuditEvent.DOCUMENT_DRAFT_DISCARDED, deleted=True, actor=actor)
    document.delete()
    return None


@audit.service
def version_publish(*, version: DocumentVersion, actor: User) -> DocumentVersion:
    """Publish a draft: it takes the next number and is the version in force from this moment, named by every
    letter printed from now on. The version before stays on record exactly as it was. A version written here is
    rendered to PDF now and kept, so what was published never changes."""
    document = SchemeDocument.objects.select_for_update().select_related("scheme").get(pk=version.document_id)
    version = _lock_draft(version, actor)
    if VersionStatus.PUBLISHED not in VERSION_TRANSITIONS[version.status]:
        raise ActionNotAllowed("Only a draft can be published.")
    number = (document.versions.aggregate(highest=Max("number"))["highest"] or 0) + 1
    now = timezone.now()
    before = audit.snapshot(version)
    if version.source == VersionSource.WRITTEN:
        rendered = pdf.render_written(
            scheme=document.scheme,
            name=document.name,
            body=version.body,
            number=number,
            in_force_from=now,
            public_url=selectors.public_page_address(document.scheme),
        )
        version.file.save(private_name("pdf"), ContentFile(rendered), save=False)
        version.size, version.pages = len(rendered), pdf.page_count(rendered)
        version.sha256 = hashlib.sha256(rendered).hexdigest()
    elif not version.file:
        raise NotAPdf("The draft has no PDF. Upload the PDF of the document first.")
    version.status = VersionStatus.PUBLISHED
    version.number = number
    version.published_at = now
    version.published_by = actor
    save_or_refuse(version)
    audit.record_change(
        version,
        event=DocumentAuditEvent.DOCUMENT_PUBLISHED,
        before=before,
        actor=actor,
        extra={"number": number, "sha256": version.sha256},
    )
    return version


def version_pdf(version: DocumentVersion) -> bytes:
    """The PDF of a version: a published one exactly as published; a draft as it would print now (a written
    draft rendered with "Draft" on every page, an uploaded one as uploaded)."""
    if version.is_draft and version.source == VersionSource.WRITTEN:
        document = version.document
        return pdf.render_written(
            scheme=document.scheme,
            name=document.name,
            body=version.body,
            number=None,
            in_force_from=None,
            public_url=selectors.public_page_address(document.scheme),
        )
    with version.file.open("rb") as handle:
        return handle.read()
