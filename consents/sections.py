"""The case-file section consents offers: "Consents and sharing", for the scheme's coordinators only (P7)."""

from typing import Any

from consents import selectors
from consents.permissions import can_handle_consents
from families.models import Family, FamilyStatus
from families.sections import CaseFileSection
from families.selectors import CaseFileReader
from homestart.models import User


def _consents(user: User, family: Family, reader: CaseFileReader) -> dict[str, Any] | None:
    """The family's consents with their histories (a constant number of queries: prefetched), and whether the
    referrer and health visitor still need telling that support was agreed."""
    if not can_handle_consents(user, family):
        return None
    return {
        "consents": list(selectors.consent_histories_for_family(user, family)),
        "support_notice_needed": (
            family.status == FamilyStatus.SUPPORTED and not selectors.support_agreed_letters(user, family).exists()
        ),
    }


CONSENTS = CaseFileSection("consents", "consents/_casefile_consents.html", _consents)
