"""What the top floor writes to the audit log: reading the pages that show who has seen a family's records, and
exporting everything held about a family (subject access).

The top floor has no models of its own; its events are about families and people of the apps below.
"""

from django.db import models

from homestart import audit


class OfficeAuditEvent(models.TextChoices):
    FAMILY_ACCESS_READ = "family_access_read", "List of who has seen the family's records viewed"
    PERSON_ACCESS_READ = "person_access_read", "List of the families a person opened viewed"
    # Everything held about a family, exported for a subject access request (office.subject_access): the ZIP's
    # SHA-256 and size, and whether safeguarding content was in it, are in the entry's extra.
    SUBJECT_ACCESS_EXPORTED = "subject_access_exported", "Everything held about the family exported (subject access)"


def register() -> None:
    audit.register_events(OfficeAuditEvent)
