"""What the safeguarding app writes to the audit log: its event types and the personal fields its models mask."""

from django.db import models

from homestart import audit


class SafeguardingAuditEvent(models.TextChoices):
    CONCERN_READ = "concern_read", "Safeguarding concern read"
    CHRONOLOGY_PRINTED = "chronology_printed", "Safeguarding chronology printed"
    # Written by the services that take each step, one entry per record changed (ADR 0011).
    CONCERN_RAISED = "concern_raised", "Concern raised"
    CONCERN_REVIEWED = "concern_reviewed", "Concern reviewed"
    CONCERN_DISCUSSED = "concern_discussed", "Concern discussed with the family"
    CONCERN_NOT_DISCUSSED = "concern_not_discussed", "Decision not to discuss the concern with the family first"
    CONCERN_DECIDED = "concern_decided", "Decision made on the concern"
    CONCERN_REFERRED = "concern_referred", "Concern referred to children's services or the police"
    FOLLOW_UP_AGREED = "follow_up_agreed", "Follow-up action agreed"
    FOLLOW_UP_DONE = "follow_up_done", "Follow-up action done"
    CONCERN_CLOSED = "concern_closed", "Concern closed"
    CONCERN_HELD_LONGER = "concern_held_longer", "Concern to be kept for longer (a child's dates changed)"


# Fields holding private or personal text: a change to one is logged as "[not recorded]".
MASKED_FIELDS: dict[str, list[str]] = {
    # The date it is held until is the youngest child's date of birth plus 25 years; the kind of harm feared is
    # the substance of the allegation, which the log (evidence of who did what, when) does not need.
    "Concern": ["account", "category", "observed_on", "observed_time", "retain_until"],
    "ConcernStep": ["details", "participants", "family_response"],
    "FollowUp": ["action"],
}


def register() -> None:
    audit.register_events(SafeguardingAuditEvent)
    audit.register_app("safeguarding", masked=MASKED_FIELDS)
    # The family each record is about: a step or follow-up through its concern.
    from safeguarding.models import Concern, ConcernStep, FollowUp

    audit.family_of(Concern, lambda concern: concern.family_id)
    for model in (ConcernStep, FollowUp):
        audit.family_of(model, lambda record: record.concern.family_id)
