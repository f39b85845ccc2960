"""Who may do what with a scheme's documents. One function per rule; each docstring states the rule."""

from homestart.models import User
from homestart.permissions import can_administer, is_scheme_coordinator


def can_manage_documents(user: User, scheme_id: int) -> bool:
    """An active administrator of the scheme writes, uploads, changes and publishes its documents, and alone sees
    the drafts: a policy is the trustees' decision, and the administrator is the one account that changes what the
    scheme says to everyone (its consent wordings and its letterhead too)."""
    return can_administer(user) and user.scheme_id == scheme_id


def can_read_documents(user: User, scheme_id: int) -> bool:
    """The scheme's administrators and coordinators read its published documents in the app, every version, to
    print them for a family; a volunteer, like anyone, reads the versions in force on the scheme's public page."""
    return can_manage_documents(user, scheme_id) or is_scheme_coordinator(user, scheme_id)
