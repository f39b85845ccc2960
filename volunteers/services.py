"""Every write about volunteers: their records, one-to-one supervision (P9) and volunteer group meetings (P8).

Each service checks the rule it enforces, runs in one transaction (``@audit.service``) and writes its own audit
entries in it: one for every record it creates, changes or removes, with the event of the service, and one for
every supervision record read. Permission rows are not audited themselves: the record that grants them says who
may read it.
"""

import datetime
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any, NamedTuple

from django.utils import timezone
from guardian.shortcuts import assign_perm, remove_perm

from families import retention as family_retention
from families.models import Assignment, Family
from homestart import audit
from homestart import retention as core_retention
from homestart.exceptions import ActionNotAllowed, save_or_refuse
from homestart.models import Role, Scheme, User
from homestart.permissions import is_scheme_coordinator
from homestart.services import record_anonymise, user_anonymise
from volunteers import retention
from volunteers.audit import VolunteerAuditEvent
from volunteers.guard import family_identifiers_in, refusal_message
from volunteers.models import (
    MOST_FAMILIES_AT_ONCE,
    GroupMeeting,
    GroupMeetingAttendee,
    SupervisionAction,
    SupervisionFamily,
    SupervisionSession,
    VolunteerProfile,
)
from volunteers.permissions import (
    can_attend_group_meeting,
    can_complete_supervision_action,
    can_facilitate_group_meeting,
    can_hold_supervision,
    can_manage_group_meetings,
    can_manage_volunteers,
)
from volunteers.selectors import (
    VIEW_PART,
    VIEW_SESSION,
    open_actions_for_volunteer,
    own_profile,
    supervision_parts_for_family,
    supervision_parts_for_user,
)

# Public functions here that write nothing: the rules ``families.services.assignment_start`` asks.
WRITES_NOTHING = ("assignment_refusal", "assignment_warning")


def _require_volunteer_manager(actor: User, profile: VolunteerProfile) -> None:
    if not can_manage_volunteers(actor, profile.user):
        raise ActionNotAllowed("Only a coordinator of this scheme can update a volunteer's record.")


def _not_in_future(day: datetime.date, what: str) -> None:
    if day > timezone.localdate():
        raise ActionNotAllowed(f"The date of the {what} cannot be in the future.")


# --- Volunteer records -----------------------------------------------------------------------------------------


@audit.service
def volunteer_profile_create(*, user: User) -> VolunteerProfile:
    """Give a new volunteer an empty profile (called when the account is created, or becomes a volunteer's; the
    audit entry names whoever is acting on the page)."""
    if user.role != Role.VOLUNTEER:
        raise ActionNotAllowed("Only volunteers have a volunteer profile.")
    profile = save_or_refuse(VolunteerProfile(user=user))
    audit.record_change(profile, event=VolunteerAuditEvent.VOLUNTEER_RECORD_CREATED, created=True)
    return profile


@audit.service
def account_created(*, user: User) -> None:
    """Subscribed to ``homestart.hooks.account_created``: a new volunteer account gets its empty profile."""
    if user.role == Role.VOLUNTEER:
        volunteer_profile_create(user=user)


@audit.service
def account_role_changed(*, user: User, previous_role: str) -> None:
    """Subscribed to ``homestart.hooks.account_role_changed``: someone who becomes a volunteer gets an empty profile
    (one who was a volunteer before keeps the profile they had)."""
    if user.role == Role.VOLUNTEER and not VolunteerProfile.objects.filter(user=user).exists():
        volunteer_profile_create(user=user)


# --- Whether a volunteer can take a family (asked by families.services.assignment_start) -------------------------


def assignment_refusal(*, volunteer: User, family: Family) -> str | None:
    """Added to ``families.hooks.assignment_refusals``: a volunteer supports a family only with a DBS check whose
    renewal date has not passed, and once they have completed the preparation course. The message says which."""
    profile = own_profile(volunteer)
    today = timezone.localdate()
    problems = []
    renewal_due = profile.dbs_renewal_due if profile else None
    if renewal_due is None:
        problems.append("no DBS check is recorded for them")
    elif renewal_due < today:
        problems.append(f"their DBS check was due for renewal on {renewal_due:%-d %B %Y}")
    course = profile.preparation_course_completed_on if profile else None
    if course is None or course > today:
        problems.append("they have not completed the preparation course")
    if not problems:
        return None
    return f"{volunteer} cannot be assigned: {' and '.join(problems)}. Update their volunteer record first."


def assignment_warning(*, volunteer: User, family: Family) -> str | None:
    """Added to ``families.hooks.assignment_warnings``: the coordinator confirms before giving a volunteer more
    families than the most they said they would support at once."""
    profile = own_profile(volunteer)
    most = profile.max_families if profile else 1
    now = Assignment.objects.filter(volunteer=volunteer, ended_on__isnull=True).exclude(family=family).count()
    if now < most:
        return None
    families = "family" if now == 1 else "families"
    warning = f"{volunteer} already supports {now} {families}, the most they said they would take at once ({most})."
    if not (profile and profile.available_for_new_family):
        warning += " Their record says they are not available for a new family."
    return warning


@audit.service
def volunteer_profile_update(
    *,
    profile: VolunteerProfile,
    dbs_certificate_number: str,
    dbs_issued_on: datetime.date | None,
    dbs_renewal_due: datetime.date | None,
    preparation_course_completed_on: datetime.date | None,
    actor: User,
) -> VolunteerProfile:
    """A coordinator of the volunteer's scheme records their DBS check and preparation course."""
    _require_volunteer_manager(actor, profile)
    if dbs_issued_on and dbs_renewal_due and dbs_renewal_due <= dbs_issued_on:
        raise ActionNotAllowed("The DBS renewal date must be after the issue date.")
    profile = VolunteerProfile.objects.select_for_update().get(pk=profile.pk)
    before = audit.snapshot(profile)
    profile.dbs_certificate_number = dbs_certificate_number.strip()
    profile.dbs_issued_on = dbs_issued_on
    profile.dbs_renewal_due = dbs_renewal_due
    profile.preparation_course_completed_on = preparation_course_completed_on
    save_or_refuse(profile)
    audit.record_change(profile, event=VolunteerAuditEvent.VOLUNTEER_CHECKS_RECORDED, before=before, actor=actor)
    return profile


@audit.service
def volunteer_availability_update(
    *,
    profile: VolunteerProfile,
    available_for_new_family: bool,
    available_times: str,
    max_families: int,
    actor: User,
) -> VolunteerProfile:
    """A coordinator of the volunteer's scheme records whether they can take a new family, when they are free and
    the most families they will support at once."""
    _require_volunteer_manager(actor, profile)
    if not 1 <= max_families <= MOST_FAMILIES_AT_ONCE:
        raise ActionNotAllowed(f"A volunteer can support between 1 and {MOST_FAMILIES_AT_ONCE} families at once.")
    profile = VolunteerProfile.objects.select_for_update().get(pk=profile.pk)
    before = audit.snapshot(profile)
    profile.available_for_new_family = available_for_new_family
    profile.available_times = available_times.strip()
    profile.max_families = max_families
    save_or_refuse(profile)
    audit.record_change(profile, event=VolunteerAuditEvent.VOLUNTEER_AVAILABILITY_CHANGED, before=before, actor=actor)
    return profile


# --- One-to-one supervision (P9) ------------------------------------------------------------------------------


class DiscussedFamily(NamedTuple):
    """A family talked about in a supervision session, and what was said about them."""

    family: Family
    notes: str = ""


class AgreedAction(NamedTuple):
    """Something the volunteer and coordinator agreed, due by a date, optionally about one family discussed."""

    text: str
    due_on: datetime.date
    family: Family | None = None


@audit.service
def supervision_interval_set(*, scheme: Scheme, weeks: int, actor: User) -> Scheme:
    """A coordinator of the scheme sets how often its volunteers need one-to-one supervision (1 to 52 weeks)."""
    if not is_scheme_coordinator(actor, scheme.pk):
        raise ActionNotAllowed("Only a coordinator of this scheme can change how often supervision is due.")
    if not 1 <= weeks <= 52:
        raise ActionNotAllowed("Supervision must be due every 1 to 52 weeks.")
    scheme = Scheme.objects.select_for_update().get(pk=scheme.pk)
    before = audit.snapshot(scheme)
    scheme.supervision_interval_days = weeks * 7
    save_or_refuse(scheme)
    audit.record_change(scheme, event=VolunteerAuditEvent.SUPERVISION_INTERVAL_CHANGED, before=before, actor=actor)
    return scheme


def _check_families_discussed(volunteer: User, held_on: datetime.date, families: Sequence[Family]) -> None:
    """Only families the volunteer is or was assigned to by the day of the session may be discussed (P9)."""
    if len({family.pk for family in families}) != len(families):
        raise ActionNotAllowed("Each family can be discussed only once in a session: put all the notes together.")
    assigned = set(
        Assignment.objects.filter(
            volunteer=volunteer, family__in=[family.pk for family in families], started_on__lte=held_on
        ).values_list("family_id", flat=True)
    )
    for family in families:
        if family.pk not in assigned or family.scheme_id != volunteer.scheme_id:
            raise ActionNotAllowed(
                f"{volunteer} was not assigned to the {family.family_name} family by {held_on:%-d %B %Y}. "
                "A volunteer's supervision can discuss only the families they are or were assigned to."
            )


def _check_actions(actions: Sequence[AgreedAction], held_on: datetime.date, families: Sequence[Family]) -> None:
    discussed = {family.pk for family in families}
    for number, action in enumerate(actions, start=1):
        if not action.text.strip():
            raise ActionNotAllowed(f"Enter what action {number} is.")
        if action.due_on < held_on:
            raise ActionNotAllowed(f"Action {number} cannot be due before the session was held.")
        if action.family is not None and action.family.pk not in discussed:
            raise ActionNotAllowed(
                f"Action {number} is about the {action.family.family_name} family, who was not discussed in this "
                "session. Tick the family as discussed, or make the action not about one family."
            )


def _lock_families(pks: list[int]) -> list[Family]:
    """The families under their row locks (in id order, so that two sessions about the same families cannot
    deadlock), each with its lead coordinator read after the lock: a part written while a family's coordinator
    changes waits for the change (``supervision_parts_follow_coordinator``, which runs under the same lock), so it is
    given to the coordinator the family has once the change is committed (tests/volunteers/test_races.py)."""
    locked = {family.pk: family for family in Family.objects.select_for_update().filter(pk__in=pks).order_by("pk")}
    coordinators = User.objects.in_bulk({family.lead_coordinator_id for family in locked.values()} - {None})
    for family in locked.values():
        family.lead_coordinator = coordinators.get(family.lead_coordinator_id)
    return [locked[pk] for pk in pks]


@audit.service
def supervision_record(
    *,
    volunteer: User,
    held_on: datetime.date,
    notes: str = "",
    discussed: Sequence[DiscussedFamily] = (),
    actions: Sequence[AgreedAction] = (),
    actor: User,
) -> SupervisionSession:
    """Record a one-to-one supervision session the actor held with a volunteer of their scheme (P9).

    The record is readable by the volunteer and the actor (its coordinator); the part about each family discussed
    also by that family's lead coordinator. Nobody else, administrators included.
    """
    if not can_hold_supervision(actor, volunteer):
        raise ActionNotAllowed("Only a coordinator of the volunteer's scheme can record their supervision.")
    _not_in_future(held_on, "session")
    families = _lock_families([item.family.pk for item in discussed])
    _check_families_discussed(volunteer, held_on, families)
    _check_actions(actions, held_on, families)
    event = VolunteerAuditEvent.SUPERVISION_RECORDED
    session = save_or_refuse(
        SupervisionSession(
            scheme_id=volunteer.scheme_id, volunteer=volunteer, coordinator=actor, held_on=held_on, notes=notes.strip()
        )
    )
    audit.record_change(session, event=event, created=True, actor=actor)
    for person in (volunteer, actor):
        assign_perm(VIEW_SESSION, person, session)
    for family, item in zip(families, discussed, strict=True):
        part = save_or_refuse(SupervisionFamily(session=session, family=family, notes=item.notes.strip()))
        audit.record_change(part, event=event, created=True, actor=actor)
        for person in {volunteer, actor, family.lead_coordinator} - {None}:
            assign_perm(VIEW_PART, person, part)
    families_by_pk = {family.pk: family for family in families}
    for action in actions:
        family = families_by_pk[action.family.pk] if action.family is not None else None
        agreed = save_or_refuse(
            SupervisionAction(session=session, text=action.text.strip(), due_on=action.due_on, family=family)
        )
        audit.record_change(agreed, event=event, created=True, actor=actor)
    return session


@audit.service
def supervision_parts_follow_coordinator(*, family: Family, previous: User | None, coordinator: User) -> None:
    """When a family's lead coordinator changes, the parts of supervision records about it change reader with it.

    Subscribed to ``families.hooks.coordinator_changed``, so it runs inside ``family_change_coordinator``'s
    transaction, whose entry on the family (its new coordinator) records the change: only permission rows change
    here. The previous coordinator keeps the parts of sessions they held themselves.
    """
    parts = SupervisionFamily.objects.filter(family=family)
    if previous is not None:
        remove_perm(VIEW_PART, previous, parts.exclude(session__coordinator=previous))
    assign_perm(VIEW_PART, coordinator, parts)


@audit.service
def supervision_action_complete(*, action: SupervisionAction, actor: User) -> SupervisionAction:
    """The volunteer or the coordinator of the session marks an agreed action done, today."""
    action = SupervisionAction.objects.select_for_update().select_related("session").get(pk=action.pk)
    if not can_complete_supervision_action(actor, action.session):
        raise ActionNotAllowed("Only the volunteer and the coordinator of the session can mark its actions done.")
    if action.done_on is not None:
        raise ActionNotAllowed(f"This action was already marked done on {action.done_on:%-d %B %Y}.")
    before = audit.snapshot(action)
    action.done_on = timezone.localdate()
    save_or_refuse(action)
    audit.record_change(action, event=VolunteerAuditEvent.SUPERVISION_ACTION_DONE, before=before, actor=actor)
    return action


@dataclass(frozen=True)
class SupervisionRecord:
    session: SupervisionSession
    parts: list[SupervisionFamily]
    actions: list[SupervisionAction]


def _record_reads(instances: Iterable[Any], reader: User) -> None:
    audit.record_reads(instances=instances, actor=reader, event=VolunteerAuditEvent.SUPERVISION_READ)


# The read services only append audit entries: inside a page's transaction they need no savepoint of their own
# (which would cost two more queries on every family page).


@audit.service(savepoint=False)
def supervision_session_read(*, session: SupervisionSession, reader: User) -> SupervisionRecord:
    """A whole supervision record (loaded through the selector, so the reader took part), its reads audited: one
    entry for the session (its general notes and actions) and one for each family's part."""
    parts = list(
        supervision_parts_for_user(reader)
        .filter(session=session)
        .select_related("family")
        .order_by("family__family_name")
    )
    actions = list(session.actions.select_related("family").order_by("due_on", "pk"))
    _record_reads([session], reader)
    _record_reads(parts, reader)
    return SupervisionRecord(session=session, parts=parts, actions=actions)


@audit.service(savepoint=False)
def supervision_parts_read(*, family: Family, reader: User, limit: int = 20) -> list[SupervisionFamily]:
    """What was said about a family in supervision that the reader may see (with the actions agreed about it),
    newest first, one audit entry per part read."""
    parts = list(supervision_parts_for_family(reader, family)[:limit])
    _record_reads(parts, reader)
    return parts


@audit.service(savepoint=False)
def open_actions_read(*, reader: User) -> list[SupervisionAction]:
    """A volunteer's open supervision actions, soonest due first, one audit entry per action read."""
    actions = list(open_actions_for_volunteer(reader))
    _record_reads(actions, reader)
    return actions


# --- Volunteer group meetings (P8) ------------------------------------------------------------------------------


class FamilyIdentifiersFound(ActionNotAllowed):
    """Group-meeting text names a family (P8). ``by_field`` holds the message for each field that does."""

    def __init__(self, by_field: dict[str, str]) -> None:
        super().__init__(" ".join(by_field.values()))
        self.by_field = by_field


def _refuse_family_identifiers(scheme_id: int, **texts: str) -> None:
    """Refuse text that identifies one of the scheme's families: a name, a postcode or a reference number (P8)."""
    found = {}
    for field, text in texts.items():
        findings = family_identifiers_in(text, scheme_id=scheme_id)
        if findings:
            found[field] = refusal_message(findings)
    if found:
        raise FamilyIdentifiersFound(found)


def _check_meeting(
    scheme_id: int,
    *,
    held_on: datetime.date,
    facilitator: User,
    attendees: Sequence[User],
    topics: str,
    notes: str,
    actor: User,
) -> None:
    if not can_manage_group_meetings(actor, scheme_id):
        raise ActionNotAllowed("Only a coordinator of this scheme can record a volunteer group meeting.")
    _not_in_future(held_on, "meeting")
    if not can_facilitate_group_meeting(facilitator, scheme_id):
        raise ActionNotAllowed("The facilitator must be an active coordinator of this scheme.")
    if not attendees:
        raise ActionNotAllowed("Choose the volunteers who came.")
    if any(not can_attend_group_meeting(person, scheme_id) for person in attendees):
        raise ActionNotAllowed("Every attendee must be an active volunteer of this scheme.")
    if not topics.strip():
        raise ActionNotAllowed("Enter the topics of the meeting.")
    _refuse_family_identifiers(scheme_id, topics=topics, notes=notes)


@audit.service
def group_meeting_record(
    *,
    held_on: datetime.date,
    facilitator: User,
    attendees: Sequence[User],
    topics: str,
    notes: str = "",
    actor: User,
) -> GroupMeeting:
    """Record a volunteer group meeting of the actor's scheme. Topics or notes that name a family, give a family's
    postcode or reference number are refused, and nothing is saved (P8): families belong in supervision."""
    scheme_id = actor.scheme_id
    _check_meeting(
        scheme_id,
        held_on=held_on,
        facilitator=facilitator,
        attendees=attendees,
        topics=topics,
        notes=notes,
        actor=actor,
    )
    event = VolunteerAuditEvent.GROUP_MEETING_RECORDED
    meeting = save_or_refuse(
        GroupMeeting(
            scheme_id=scheme_id, held_on=held_on, facilitator=facilitator, topics=topics.strip(), notes=notes.strip()
        )
    )
    audit.record_change(meeting, event=event, created=True, actor=actor)
    for person in {person.pk: person for person in attendees}.values():
        attendee = save_or_refuse(GroupMeetingAttendee(meeting=meeting, volunteer=person))
        audit.record_change(attendee, event=event, created=True, actor=actor)
    return meeting


@audit.service
def group_meeting_update(
    *,
    meeting: GroupMeeting,
    held_on: datetime.date,
    facilitator: User,
    attendees: Sequence[User],
    topics: str,
    notes: str = "",
    actor: User,
) -> GroupMeeting:
    """Correct a volunteer group meeting, under the same rules as recording one (P8)."""
    meeting = GroupMeeting.objects.select_for_update().get(pk=meeting.pk)
    _check_meeting(
        meeting.scheme_id,
        held_on=held_on,
        facilitator=facilitator,
        attendees=attendees,
        topics=topics,
        notes=notes,
        actor=actor,
    )
    event = VolunteerAuditEvent.GROUP_MEETING_CORRECTED
    before = audit.snapshot(meeting)
    meeting.held_on = held_on
    meeting.facilitator = facilitator
    meeting.topics = topics.strip()
    meeting.notes = notes.strip()
    save_or_refuse(meeting)
    audit.record_change(meeting, event=event, before=before, actor=actor)
    wanted = {person.pk: person for person in attendees}
    for row in meeting.attendances.all():
        if row.volunteer_id not in wanted:
            audit.record_change(row, event=event, deleted=True, actor=actor)  # while the row still has its id
            row.delete()
        else:
            del wanted[row.volunteer_id]
    for person in wanted.values():
        attendee = save_or_refuse(GroupMeetingAttendee(meeting=meeting, volunteer=person))
        audit.record_change(attendee, event=event, created=True, actor=actor)
    return meeting


# --- Retention (volunteers.retention) --------------------------------------------------------------------------


@audit.service
def volunteer_anonymise(*, volunteer: User, today: datetime.date, actor: User | None = None) -> bool:
    """Anonymise a volunteer who left more than ``RETENTION["volunteer_years"]`` ago: their DBS certificate number
    and availability, the general notes and the actions not about a family of their supervision, then their
    account (``homestart.services.user_anonymise``). What supervision says about a family follows that family's
    retention instead. Answers False, changing nothing, when the volunteer is no longer due (reactivated)."""
    User.objects.select_for_update().filter(pk=volunteer.pk).first()
    if not retention.volunteers_due(today).filter(pk=volunteer.pk).exists():
        return False
    text = core_retention.anonymised_text
    profile = VolunteerProfile.objects.select_for_update().filter(user=volunteer).first()
    if profile is not None:
        record_anonymise(
            record=profile,
            values={
                "dbs_certificate_number": text(profile.dbs_certificate_number),
                "available_times": text(profile.available_times),
            },
            actor=actor,
        )
    sessions = SupervisionSession.objects.select_for_update().filter(volunteer=volunteer).order_by("pk")
    for session in sessions:
        record_anonymise(record=session, values={"notes": text(session.notes)}, actor=actor)
    for action in SupervisionAction.objects.select_for_update().filter(session__volunteer=volunteer, family=None):
        record_anonymise(record=action, values={"text": core_retention.ANONYMISED}, actor=actor)
    user_anonymise(user=volunteer, actor=actor, today=today)
    return True


@audit.service
def supervision_about_family_anonymise(*, family: Family, today: datetime.date, actor: User | None = None) -> bool:
    """Anonymise what supervision says about a family past its retention: the family's part of each session and
    the actions about it. The sessions stay, so a volunteer's supervision still counts. Answers False, changing
    nothing, when the family is no longer past retention (a hold placed meanwhile)."""
    if not family_retention.lock_if_past_retention(family.pk, today):
        return False
    text = core_retention.anonymised_text
    for part in SupervisionFamily.objects.select_for_update().filter(family=family).order_by("pk"):
        record_anonymise(record=part, values={"notes": text(part.notes)}, actor=actor, family_pk=family.pk)
    for action in SupervisionAction.objects.select_for_update().filter(family=family).order_by("pk"):
        record_anonymise(record=action, values={"text": core_retention.ANONYMISED}, actor=actor, family_pk=family.pk)
    return True
