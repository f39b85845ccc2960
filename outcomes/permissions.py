"""Rules about outcome frameworks, assessments and the scheme report. Each docstring states the rule."""

from families.models import Family, FamilyStatus
from families.permissions import can_manage_family
from homestart.models import User
from homestart.permissions import can_administer, can_coordinate, is_volunteer

# A family has had support (so a support period to assess it in) in these statuses.
HAS_SUPPORT = (FamilyStatus.SUPPORTED, FamilyStatus.AWAITING_VOLUNTEER, FamilyStatus.ENDED)


def can_manage_framework(user: User, scheme_id: int) -> bool:
    """An active administrator of the scheme sets up, drafts, changes and publishes its outcome framework."""
    return can_administer(user) and user.scheme_id == scheme_id


def can_see_assessments(user: User, family: Family, *, is_assigned: bool) -> bool:
    """A family's assessments and progress are seen by the coordinators of its scheme, and by a volunteer only while
    assigned to the family now (a volunteer whose assignment ended sees none of them)."""
    return can_manage_family(user, family) or (is_volunteer(user) and is_assigned)


def can_record_assessment(user: User, family: Family, *, is_assigned: bool) -> bool:
    """An assessment is recorded with the family by a volunteer assigned to it now, while support is running, or by
    a coordinator of its scheme once the family has had support (the end assessment may come after support ended)."""
    if is_volunteer(user):
        return is_assigned and family.status == FamilyStatus.SUPPORTED
    return can_manage_family(user, family) and family.status in HAS_SUPPORT


def can_print_worksheet(user: User, family: Family, *, is_assigned: bool) -> bool:
    """The paper worksheet for a family is printed by whoever may record the family's assessments."""
    return can_record_assessment(user, family, is_assigned=is_assigned)


def can_see_scheme_report(user: User) -> bool:
    """The scheme's outcome report (counts only, small numbers hidden) is for its coordinators, who send it to
    trustees and funders; volunteers and administrators do not see it."""
    return can_coordinate(user)
