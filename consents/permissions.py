"""Rules about consents, letters and disclosures. Each docstring states the rule in plain English."""

from typing import Any

from families.models import Family
from homestart.permissions import can_coordinate


def can_handle_consents(user: Any, family: Family) -> bool:
    """Only a coordinator of the family's scheme prints letters, records consents and reads them (P5, P7)."""
    return can_coordinate(user) and user.scheme_id == family.scheme_id


def can_record_disclosure(user: Any, family: Family) -> bool:
    """Only a coordinator of the family's scheme records a disclosure or a decision not to share (P7)."""
    return can_coordinate(user) and user.scheme_id == family.scheme_id
