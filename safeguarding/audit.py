"""What the safeguarding app writes to the audit log: its event types and the personal fields its models mask."""

from django.db import models

from homestart import audit


class SafeguardingAuditEvent(models.TextChoices):
    CONCERN_READ = "concern_read", "Safeguarding concern read"
    CHRONOLOGY_PRINTED = "chronology_printed", "Safeguarding chronology printed"


# Fields holding private or personal text: a change to one is logged as "[not recorded]".
MASKED_FIELDS: dict[str, list[str]] = {
    "Concern": ["account", "observed_on", "observed_time"],
    "ConcernStep": ["details", "participants", "family_response"],
    "FollowUp": ["action"],
}


def register() -> None:
    audit.register_events(SafeguardingAuditEvent)
    audit.register_app("safeguarding", masked=MASKED_FIELDS)
