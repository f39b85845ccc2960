"""What the families app writes to the audit log: its event types and the personal fields its models mask."""

from django.db import models

from homestart import audit


class FamilyAuditEvent(models.TextChoices):
    NOTE_READ = "note_read", "Private note read"
    RETENTION_HOLD_PLACED = "retention_hold_placed", "Hold placed on a family's records (retention)"
    RETENTION_HOLD_LIFTED = "retention_hold_lifted", "Hold on a family's records lifted (retention)"
    FAMILY_VIEWED = "family_viewed", "Family's page opened"
    # Changes, one event per service: every record a service creates, changes or removes gets an entry with it.
    REFERRAL_RECEIVED = "referral_received", "Referral received"
    REFERRAL_DECIDED = "referral_decided", "Referral decided"
    REFERRED_AGAIN = "referred_again", "Family referred again"
    FAMILY_DETAILS_CHANGED = "family_details_changed", "Family's address or contact details changed"
    HEALTH_VISITOR_CHANGED = "health_visitor_changed", "Family's health visitor changed"
    COORDINATOR_CHANGED = "coordinator_changed", "Family handed to another coordinator"
    MEMBER_ADDED = "member_added", "Household member added"
    MEMBER_CORRECTED = "member_corrected", "Household member's details corrected"
    CHILD_BORN = "child_born", "Baby's birth recorded"
    MEMBER_LEFT = "member_left", "Household member left"
    VOLUNTEER_ASSIGNED = "volunteer_assigned", "Volunteer assigned"
    ASSIGNMENT_ENDED = "assignment_ended", "Volunteer's assignment ended"
    SUPPORT_ENDED = "support_ended", "Support ended"
    VISIT_LOGGED = "visit_logged", "Visit logged"
    NOTE_WRITTEN = "note_written", "Private note written"
    NOTE_CORRECTED = "note_corrected", "Correction added to a private note"
    FAMILY_GROUP_RECORDED = "family_group_recorded", "Family group session recorded"
    FAMILY_GROUP_CORRECTED = "family_group_corrected", "Family group session corrected"
    AGENCY_ADDED = "agency_added", "Agency added to the directory"
    AGENCY_CHANGED = "agency_changed", "Agency's details corrected"
    AGENCY_RETIRED = "agency_retired", "Agency retired from the directory"
    PROFESSIONAL_ADDED = "professional_added", "Professional added to the directory"
    PROFESSIONAL_CHANGED = "professional_changed", "Professional's details corrected"
    PROFESSIONAL_RETIRED = "professional_retired", "Professional retired from the directory"


# Fields holding private or personal text: a change to one is logged as "[not recorded]".
MASKED_FIELDS: dict[str, list[str]] = {
    "Family": ["family_name", "address", "postcode", "phone", "preferred_language", "support_end_reason"],
    "HouseholdMember": ["first_name", "last_name", "relationship", "date_of_birth", "expected_due_date"],
    # An agency's contact details may be a person's own (a named inbox, a mobile); its name is its identity.
    "Agency": ["email", "phone", "address"],
    "Professional": ["name", "email", "phone"],
    "Referral": ["reasons", "outcome_reason"],
    "CaseNote": ["text"],
    "SupportPeriod": ["end_reason"],
    "Assignment": ["end_reason"],
    # Typed freely: a session held in someone's home would otherwise put the address in the log.
    "FamilyGroupSession": ["venue"],
    "RetentionHold": ["reason"],
}


def register() -> None:
    audit.register_events(FamilyAuditEvent)
    audit.register_app("families", masked=MASKED_FIELDS)
    # The family each record is about, for "who has seen this family" and subject access (no query: a column).
    from families.models import (
        Assignment,
        CaseNote,
        Family,
        FamilyGroupAttendance,
        HouseholdMember,
        Referral,
        SupportPeriod,
        Visit,
    )

    audit.family_of(Family, lambda family: family.pk)
    for model in (Assignment, CaseNote, FamilyGroupAttendance, HouseholdMember, Referral, SupportPeriod, Visit):
        audit.family_of(model, lambda record: record.family_id)
