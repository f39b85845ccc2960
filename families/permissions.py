"""Rules about families, visits and notes. Each docstring states the rule in plain English."""

from families.models import Family, FamilyStatus
from homestart.models import User
from homestart.permissions import can_coordinate, is_scheme_coordinator, is_volunteer


def can_manage_family(user: User, family: Family) -> bool:
    """A coordinator of the family's scheme may change the family's support, assignments and coordinator."""
    return is_scheme_coordinator(user, family.scheme_id)


def can_log_visit(user: User, family: Family, *, is_assigned: bool) -> bool:
    """Only a volunteer assigned to the family now logs visits, and only while support is running."""
    return is_volunteer(user) and is_assigned and family.status == FamilyStatus.SUPPORTED


def is_family_coordinator(user: User, family: Family) -> bool:
    """The family's lead coordinator reads every private note about the family."""
    return can_coordinate(user) and family.lead_coordinator_id == user.pk


def can_run_family_groups(user: User, scheme_id: int) -> bool:
    """A coordinator of the scheme records family group sessions and reads their attendance (P10)."""
    return is_scheme_coordinator(user, scheme_id)
