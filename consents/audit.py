"""What the consents app writes to the audit log: its event types and the personal fields its models mask."""

from django.db import models

from homestart import audit


class ConsentAuditEvent(models.TextChoices):
    SCAN_DOWNLOADED = "scan_downloaded", "Signed consent scan downloaded"
    LETTER_PRINTED = "letter_printed", "Letter printed"
    DISCLOSURE_RECORDED = "disclosure_recorded", "Disclosure or decision not to share recorded"
    REGISTER_EXPORTED = "register_exported", "Disclosure register exported"
    # Written by the services that change consents' records, one entry per record changed (ADR 0011).
    WORDING_PUBLISHED = "wording_published", "Consent wording published"
    CONSENT_REQUESTED = "consent_requested", "Consent asked for"
    CONSENT_FORM_PRINTED = "consent_form_printed", "Consent form printed for the family to sign"
    CONSENT_SIGNED = "consent_signed", "Consent recorded (signed letter filed)"
    CONSENT_REFUSED = "consent_refused", "Consent refused by the family"
    CONSENT_WITHDRAWN = "consent_withdrawn", "Consent withdrawn"
    CONSENT_EXPIRED = "consent_expired", "Consent expired (review date passed)"
    REQUEST_RECEIVED = "agency_request_received", "Agency's request recorded"
    REQUEST_FAMILY_ASKED = "agency_request_family_asked", "Family asked about an agency's request"
    REQUEST_PERMISSION_GIVEN = "agency_permission_given", "Family gave permission for an agency's request"
    REQUEST_PERMISSION_REFUSED = "agency_permission_refused", "Family refused permission for an agency's request"
    REQUEST_ANSWERED = "agency_request_answered", "Agency's request answered"
    REQUEST_DECLINED = "agency_request_declined", "Agency's request declined"
    PHOTO_RECORDED = "photo_recorded", "Photograph recorded"


# Fields holding private or personal text: a change to one is logged as "[not recorded]".
MASKED_FIELDS: dict[str, list[str]] = {
    "Disclosure": ["summary", "reason", "reference_number"],
    "ConsentEvent": ["note"],
    "AgencyRequest": ["purpose", "outcome_note"],
    # What the event was and what the picture shows can name the families in it.
    "Photo": ["event", "description"],
}


def register() -> None:
    audit.register_events(ConsentAuditEvent)
    audit.register_app("consents", masked=MASKED_FIELDS)
    # The family each record is about. A scan knows its family only through the consent event that filed it.
    from consents.models import AgencyRequest, Consent, ConsentEvent, Disclosure, Letter, SignedScan

    for model in (AgencyRequest, Consent, Disclosure, Letter):
        audit.family_of(model, lambda record: record.family_id)
    audit.family_of(ConsentEvent, lambda event: event.consent.family_id)
    audit.family_of(
        SignedScan,
        lambda scan: ConsentEvent.objects.filter(scan_id=scan.pk).values_list("consent__family_id", flat=True).first(),
    )
