"""What the families app writes to the audit log: its event types and the personal fields its models mask."""

from django.db import models

from homestart import audit


class FamilyAuditEvent(models.TextChoices):
    NOTE_READ = "note_read", "Private note read"


# Fields holding private or personal text: a change to one is logged as "[not recorded]".
MASKED_FIELDS: dict[str, list[str]] = {
    "Family": ["family_name", "address", "postcode", "phone", "preferred_language", "support_end_reason"],
    "HouseholdMember": ["first_name", "last_name", "relationship", "date_of_birth", "expected_due_date"],
    "Professional": ["name", "email", "phone"],
    "Referral": ["reasons", "outcome_reason"],
    "CaseNote": ["text"],
    "SupportPeriod": ["end_reason"],
}


def register() -> None:
    audit.register_events(FamilyAuditEvent)
    audit.register_app("families", masked=MASKED_FIELDS)
