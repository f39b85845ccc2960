"""What the consents app writes to the audit log: its event types and the personal fields its models mask."""

from django.db import models

from homestart import audit


class ConsentAuditEvent(models.TextChoices):
    SCAN_DOWNLOADED = "scan_downloaded", "Signed consent scan downloaded"
    LETTER_PRINTED = "letter_printed", "Letter printed"
    DISCLOSURE_RECORDED = "disclosure_recorded", "Disclosure or decision not to share recorded"
    REGISTER_EXPORTED = "register_exported", "Disclosure register exported"


# Fields holding private or personal text: a change to one is logged as "[not recorded]".
MASKED_FIELDS: dict[str, list[str]] = {
    "Disclosure": ["summary", "reason", "reference_number"],
}


def register() -> None:
    audit.register_events(ConsentAuditEvent)
    audit.register_app("consents", masked=MASKED_FIELDS)
