"""Rules the top floor owns. Each docstring states the rule in plain English."""

from families.models import Family
from families.permissions import can_manage_family, is_family_coordinator
from homestart.models import User
from safeguarding.permissions import is_safeguarding_lead


def can_see_records_about(user: User, family: Family) -> bool:
    """Who has read or shared a family's records is seen by the family's coordinators (every active coordinator of
    its scheme, as for managing its support), and so by the scheme's safeguarding leads, who are coordinators of it;
    nobody else."""
    return can_manage_family(user, family)


def can_see_access_by_person(user: User) -> bool:
    """A designated safeguarding lead sees, for anyone in their own scheme, which families that person opened or
    whose records they read."""
    return is_safeguarding_lead(user)


def can_export_subject_access(user: User, family: Family) -> bool:
    """Everything held about a family is exported (subject access) only by the family's own coordinator, who already
    reads every private note about them, or by a designated safeguarding lead of the family's scheme."""
    return (is_family_coordinator(user, family) and user.scheme_id == family.scheme_id) or (
        is_safeguarding_lead(user) and user.scheme_id == family.scheme_id
    )


def subject_access_includes_safeguarding(user: User, family: Family) -> bool:
    """Safeguarding records go into a subject access export only when a designated safeguarding lead of the family's
    scheme makes it: what may be withheld to keep a child safe is the lead's decision (P12)."""
    return is_safeguarding_lead(user) and user.scheme_id == family.scheme_id
