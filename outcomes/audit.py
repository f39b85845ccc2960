"""What the outcomes app writes to the audit log: its event types and the personal fields its models mask."""

from django.db import models

from homestart import audit


class OutcomeAuditEvent(models.TextChoices):
    # The framework: set up, drafted, changed, discarded and published by the scheme's administrators.
    FRAMEWORK_STARTED = "outcome_framework_started", "Outcome framework set up from the starter"
    DRAFT_CREATED = "outcome_draft_created", "New outcome framework version drafted"
    DRAFT_CHANGED = "outcome_draft_changed", "Outcome framework draft changed"
    DRAFT_DISCARDED = "outcome_draft_discarded", "Outcome framework draft discarded"
    FRAMEWORK_PUBLISHED = "outcome_framework_published", "Outcome framework version published"
    # Families' assessments.
    ASSESSMENT_RECORDED = "assessment_recorded", "Outcome assessment recorded"
    ASSESSMENT_READ = "assessment_read", "Outcome assessment read"
    WORKSHEET_PRINTED = "outcome_worksheet_printed", "Outcome worksheet printed for a family"
    # The scheme report (counts only, small numbers hidden): downloaded as CSV or PDF.
    REPORT_EXPORTED = "outcome_report_exported", "Outcome report downloaded"


# Fields holding private or personal text: a change to one is logged as "[not recorded]".
MASKED_FIELDS: dict[str, list[str]] = {
    # What the family said about a need, in their words.
    "Score": ["comment"],
}


def register() -> None:
    audit.register_events(OutcomeAuditEvent)
    audit.register_app("outcomes", masked=MASKED_FIELDS)
    from outcomes.models import Assessment, Score

    # The family each record is about, for "who has seen this family" and subject access (no query: the score's
    # assessment is the one the service holds).
    audit.family_of(Assessment, lambda assessment: assessment.family_id)
    audit.family_of(Score, lambda score: score.assessment.family_id)
