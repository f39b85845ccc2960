"""Rules about families, visits and notes. Each docstring states the rule in plain English."""

from families.models import CaseNote, Family, FamilyStatus, Professional
from homestart.models import User
from homestart.permissions import can_administer, can_coordinate, is_scheme_coordinator, is_volunteer


def can_manage_family(user: User, family: Family) -> bool:
    """A coordinator of the family's scheme may change the family's support, assignments and coordinator."""
    return is_scheme_coordinator(user, family.scheme_id)


def can_hand_over_family(user: User, family: Family) -> bool:
    """A coordinator of the family's scheme hands the family to another coordinator; so does the scheme's
    administrator, when the lead coordinator's account is being closed."""
    return can_manage_family(user, family) or (can_administer(user) and user.scheme_id == family.scheme_id)


def can_log_visit(user: User, family: Family, *, is_assigned: bool) -> bool:
    """Only a volunteer assigned to the family now logs visits, and only while support is running."""
    return is_volunteer(user) and is_assigned and family.status == FamilyStatus.SUPPORTED


def can_write_note(user: User, family: Family, *, is_assigned: bool) -> bool:
    """The volunteer assigned now writes private notes about the family, after a visit or on their own (a phone
    message, say), under the same rule as logging a visit."""
    return can_log_visit(user, family, is_assigned=is_assigned)


def can_correct_note(user: User, note: CaseNote, *, can_read: bool) -> bool:
    """A note's author adds corrections to it while they may still read it; nobody changes what a note said."""
    return note.author_id == user.pk and can_read


def is_family_coordinator(user: User, family: Family) -> bool:
    """The family's lead coordinator reads every private note about the family."""
    return can_coordinate(user) and family.lead_coordinator_id == user.pk


def can_run_family_groups(user: User, scheme_id: int) -> bool:
    """A coordinator of the scheme records family group sessions and reads their attendance (P10)."""
    return is_scheme_coordinator(user, scheme_id)


def can_manage_directory(user: User, scheme_id: int) -> bool:
    """A coordinator or an administrator of the scheme lists, adds, changes and retires its agencies and
    professionals; nobody sees another scheme's directory."""
    return is_scheme_coordinator(user, scheme_id) or (can_administer(user) and user.scheme_id == scheme_id)


def can_be_chosen(professional: Professional) -> bool:
    """A professional may be named on a new record (a referral, a consent, a disclosure, a request) only while
    neither they nor their agency is retired; a retired one stays on the old records that name them."""
    return not professional.is_retired


def can_refer_again(user: User, family: Family) -> bool:
    """A coordinator of the scheme refers a family again, on the same record, once its support has ended or its
    referral was declined, unless the record has been anonymised under retention."""
    return (
        can_manage_family(user, family)
        and family.status in (FamilyStatus.ENDED, FamilyStatus.NOT_ACCEPTED)
        and family.anonymised_on is None  # an anonymised record names nobody: a family who comes back is new
    )


def can_see_retention(user: User, scheme_id: int) -> bool:
    """A coordinator of the scheme sees which of its families are due to be anonymised, and the holds on them."""
    return is_scheme_coordinator(user, scheme_id)


def can_hold_records(user: User, family: Family) -> bool:
    """A coordinator of the family's scheme places a hold on the family's records (so nothing about the family is
    anonymised) and lifts it, until the family has been anonymised."""
    return is_scheme_coordinator(user, family.scheme_id) and family.anonymised_on is None
