"""Rules about volunteers' records, supervision and group meetings. Each docstring states the rule in plain English.

Who may *read* a supervision record is held as object permissions (docs/adr/0005), granted by the services from
the rules below and checked by the selectors.
"""

from families.models import Family
from homestart.models import Role, User
from homestart.permissions import can_coordinate, is_scheme_coordinator, is_volunteer
from volunteers.models import GroupMeeting, SupervisionSession


def can_manage_volunteers(user: User, volunteer: User) -> bool:
    """A coordinator of the volunteer's scheme keeps their record: DBS check, training and availability."""
    return is_scheme_coordinator(user, volunteer.scheme_id) and volunteer.role == Role.VOLUNTEER


def can_hold_supervision(user: User, volunteer: User) -> bool:
    """A coordinator of the volunteer's scheme holds one-to-one supervision with an active volunteer and records it
    as its coordinator (P9)."""
    return can_manage_volunteers(user, volunteer) and volunteer.is_active


def can_read_whole_supervision(user: User, session: SupervisionSession) -> bool:
    """A supervision record as a whole is for its volunteer and its coordinator, nobody else (P9)."""
    return (
        user.is_authenticated
        and user.is_active
        and user.scheme_id == session.scheme_id
        and user.pk in (session.volunteer_id, session.coordinator_id)
    )


def can_read_supervision_part(user: User, session: SupervisionSession, family: Family) -> bool:
    """The part of a supervision record about one family is also for that family's lead coordinator (P9)."""
    if can_read_whole_supervision(user, session):
        return True
    return is_scheme_coordinator(user, session.scheme_id) and family.lead_coordinator_id == user.pk


def can_complete_supervision_action(user: User, session: SupervisionSession) -> bool:
    """The volunteer and the coordinator of a supervision session mark its agreed actions done."""
    return can_read_whole_supervision(user, session) and (is_volunteer(user) or can_coordinate(user))


def can_manage_group_meetings(user: User, scheme_id: int) -> bool:
    """A coordinator of the scheme records, edits and reads every volunteer group meeting of the scheme (P8)."""
    return is_scheme_coordinator(user, scheme_id)


def can_read_group_meeting(user: User, meeting: GroupMeeting, *, attended: bool) -> bool:
    """A group meeting's notes are for the scheme's coordinators and the volunteers who were there (P8)."""
    if can_manage_group_meetings(user, meeting.scheme_id):
        return True
    return is_volunteer(user) and user.scheme_id == meeting.scheme_id and attended


def can_facilitate_group_meeting(user: User, scheme_id: int) -> bool:
    """A group meeting is facilitated by an active coordinator of the scheme."""
    return is_scheme_coordinator(user, scheme_id)


def can_attend_group_meeting(user: User, scheme_id: int) -> bool:
    """A group meeting's attendees are active volunteers of the scheme."""
    return is_volunteer(user) and user.scheme_id == scheme_id
