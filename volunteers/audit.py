"""What the volunteers app writes to the audit log: its event types and the personal fields its models mask."""

from django.db import models

from homestart import audit


class VolunteerAuditEvent(models.TextChoices):
    SUPERVISION_READ = "supervision_read", "Supervision record read"


# Fields holding private or personal text: a change to one is logged as "[not recorded]".
MASKED_FIELDS: dict[str, list[str]] = {
    "SupervisionSession": ["notes"],
    "SupervisionFamily": ["notes"],
    "SupervisionAction": ["text"],
    "GroupMeeting": ["topics", "notes"],
}


def register() -> None:
    audit.register_events(VolunteerAuditEvent)
    audit.register_app("volunteers", masked=MASKED_FIELDS)
