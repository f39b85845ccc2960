"""What the documents app writes to the audit log: its event types and the fields its models mask."""

from django.db import models

from homestart import audit


class DocumentAuditEvent(models.TextChoices):
    DOCUMENT_CREATED = "document_created", "Scheme document added"
    DOCUMENT_DRAFTED = "document_drafted", "Scheme document draft started"
    DOCUMENT_DRAFT_CHANGED = "document_draft_changed", "Scheme document draft changed"
    DOCUMENT_DRAFT_DISCARDED = "document_draft_discarded", "Scheme document draft discarded"
    DOCUMENT_PUBLISHED = "document_published", "Scheme document published"


# A version's text is not personal, but it is the document itself, kept in the version (and, once published, in
# its PDF with its SHA-256): the log says that it changed, without becoming a second copy of every draft.
MASKED_FIELDS: dict[str, list[str]] = {"DocumentVersion": ["body"]}


def register() -> None:
    audit.register_events(DocumentAuditEvent)
    audit.register_app("documents", masked=MASKED_FIELDS)
