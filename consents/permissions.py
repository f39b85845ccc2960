"""Rules about consents, letters and disclosures. Each docstring states the rule in plain English."""

from families.models import Family
from homestart.models import User
from homestart.permissions import can_administer, can_coordinate, is_scheme_coordinator


def can_handle_consents(user: User, family: Family) -> bool:
    """Only a coordinator of the family's scheme prints letters, records consents and reads them (P5, P7)."""
    return is_scheme_coordinator(user, family.scheme_id)


def can_record_disclosure(user: User, family: Family) -> bool:
    """Only a coordinator of the family's scheme records a disclosure or a decision not to share (P7)."""
    return is_scheme_coordinator(user, family.scheme_id)


def can_read_wordings(user: User) -> bool:
    """Administrators manage the wordings; coordinators read them to know what families sign."""
    return can_administer(user) or can_coordinate(user)


def can_publish_wordings(user: User, scheme_id: int) -> bool:
    """Only an administrator of the scheme publishes a new version of a consent wording; coordinators read them."""
    return can_administer(user) and user.scheme_id == scheme_id
