"""What the volunteers app writes to the audit log: its event types and the personal fields its models mask."""

from django.db import models

from homestart import audit


class VolunteerAuditEvent(models.TextChoices):
    SUPERVISION_READ = "supervision_read", "Supervision record read"
    # Changes, one event per service: every record a service creates, changes or removes gets an entry with it.
    VOLUNTEER_RECORD_CREATED = "volunteer_record_created", "Volunteer record created"
    VOLUNTEER_CHECKS_RECORDED = "volunteer_checks_recorded", "DBS check and preparation course recorded"
    VOLUNTEER_AVAILABILITY_CHANGED = "volunteer_availability_changed", "Volunteer's availability changed"
    SUPERVISION_INTERVAL_CHANGED = "supervision_interval_changed", "How often supervision is due changed"
    SUPERVISION_RECORDED = "supervision_recorded", "Supervision recorded"
    SUPERVISION_ACTION_DONE = "supervision_action_done", "Supervision action marked done"
    GROUP_MEETING_RECORDED = "group_meeting_recorded", "Volunteer group meeting recorded"
    GROUP_MEETING_CORRECTED = "group_meeting_corrected", "Volunteer group meeting corrected"


# Fields holding private or personal text: a change to one is logged as "[not recorded]".
MASKED_FIELDS: dict[str, list[str]] = {
    # The DBS certificate number identifies the volunteer's criminal-record check; the times they are free are
    # typed freely about their own life.
    "VolunteerProfile": ["dbs_certificate_number", "available_times"],
    "SupervisionSession": ["notes"],
    "SupervisionFamily": ["notes"],
    "SupervisionAction": ["text"],
    "GroupMeeting": ["topics", "notes"],
}


def register() -> None:
    audit.register_events(VolunteerAuditEvent)
    audit.register_app("volunteers", masked=MASKED_FIELDS)
    # The family a supervision part or action is about (a session is about a volunteer, not one family).
    from volunteers.models import SupervisionAction, SupervisionFamily

    audit.family_of(SupervisionFamily, lambda part: part.family_id)
    audit.family_of(SupervisionAction, lambda action: action.family_id)
