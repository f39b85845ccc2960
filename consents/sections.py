"""The case-file section consents offers: "Consents and sharing", for the scheme's coordinators only (P7)."""

from typing import Any

from django.utils import timezone

from consents import selectors
from consents.permissions import can_handle_consents
from families.models import Family, FamilyStatus
from families.sections import CaseFileSection
from families.selectors import CaseFileReader
from homestart.models import User


def _consents(user: User, family: Family, reader: CaseFileReader) -> dict[str, Any] | None:
    """The family's consents with their histories (a constant number of queries: prefetched), the support-agreed
    notices sent (each can be printed again), and whether the referrer and health visitor still need telling."""
    if not can_handle_consents(user, family):
        return None
    support_letters = list(selectors.support_agreed_letters(user, family).select_related("recipient__agency"))
    return {
        "consents": list(selectors.consent_histories_for_family(user, family)),
        "support_letters": support_letters,
        # A family that came back is told about again: notices sent in an earlier support period do not count.
        "support_notice_needed": family.status == FamilyStatus.SUPPORTED
        and not any(
            timezone.localtime(letter.printed_at).date() >= family.support_started_on for letter in support_letters
        ),
    }


CONSENTS = CaseFileSection("consents", "consents/_casefile_consents.html", _consents)
