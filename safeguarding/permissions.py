"""Who may do what with safeguarding concerns. Each docstring states the rule in plain English."""

from families.models import Family
from homestart.models import User
from homestart.permissions import can_coordinate, is_scheme_coordinator, is_volunteer


def is_safeguarding_lead(user: User) -> bool:
    """A designated safeguarding lead is an active coordinator with the DSL flag."""
    return can_coordinate(user) and bool(user.is_safeguarding_lead)


def can_raise_concern(user: User, family: Family, *, is_assigned: bool) -> bool:
    """A coordinator of the family's scheme, or a volunteer assigned to the family now, may raise a concern."""
    return is_scheme_coordinator(user, family.scheme_id) or (is_volunteer(user) and is_assigned)


def can_see_concerns_of(user: User, family: Family) -> bool:
    """The scheme's safeguarding leads and the family's own coordinator read its concerns in full; nobody else."""
    if not is_scheme_coordinator(user, family.scheme_id):
        return False
    return is_safeguarding_lead(user) or family.lead_coordinator_id == user.pk


def can_act_on_concern(user: User, family: Family) -> bool:
    """Each step of a concern (review, discussion, decision, referral, follow-up, closure) is taken by one of the
    people who may read it: a safeguarding lead or the family's coordinator."""
    return can_see_concerns_of(user, family)


def can_decide_not_to_discuss(user: User, family: Family) -> bool:
    """Only a safeguarding lead may decide that discussing a concern with the family first would put the child at
    greater risk."""
    return is_safeguarding_lead(user) and user.scheme_id == family.scheme_id
