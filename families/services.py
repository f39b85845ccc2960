"""Every write about families: referrals, support, assignments, visits and private notes.

Each service checks the rule it enforces, runs in one transaction, and leaves its audit trail: record changes
through django-auditlog's signals, reads and permission changes alongside.
"""

import datetime
from collections.abc import Sequence
from typing import Any

from django.db import transaction
from django.utils import timezone
from guardian.shortcuts import assign_perm, remove_perm

from families import hooks
from families.audit import FamilyAuditEvent
from families.models import (
    Agency,
    Assignment,
    CaseNote,
    Family,
    FamilyGroupAttendance,
    FamilyGroupHelper,
    FamilyGroupSession,
    FamilyStatus,
    HouseholdMember,
    MemberKind,
    Professional,
    Referral,
    ReferralOutcome,
    Visit,
    VisitKind,
)
from families.permissions import can_log_visit, can_manage_family, can_run_family_groups
from families.selectors import case_notes_for_user, is_assigned
from homestart import audit
from homestart.exceptions import ActionNotAllowed, save_or_refuse
from homestart.models import Role, Scheme, User
from homestart.permissions import can_coordinate, is_case_worker, is_scheme_coordinator

VIEW_FAMILY = "families.view_family"
VIEW_NOTE = "families.view_casenote"

# The family's status lifecycle. A service moves a family only along these arrows.
FAMILY_TRANSITIONS: dict[str, set[str]] = {
    FamilyStatus.REFERRED: {FamilyStatus.WAITING_LIST, FamilyStatus.AWAITING_VOLUNTEER, FamilyStatus.NOT_ACCEPTED},
    FamilyStatus.WAITING_LIST: {FamilyStatus.AWAITING_VOLUNTEER, FamilyStatus.NOT_ACCEPTED},
    FamilyStatus.AWAITING_VOLUNTEER: {FamilyStatus.SUPPORTED, FamilyStatus.ENDED},
    FamilyStatus.SUPPORTED: {FamilyStatus.AWAITING_VOLUNTEER, FamilyStatus.ENDED},
    FamilyStatus.ENDED: set(),
    FamilyStatus.NOT_ACCEPTED: set(),
}

REFERRAL_OUTCOME_TO_STATUS: dict[str, str] = {
    ReferralOutcome.ACCEPTED: FamilyStatus.AWAITING_VOLUNTEER,
    ReferralOutcome.WAITING_LIST: FamilyStatus.WAITING_LIST,
    ReferralOutcome.DECLINED: FamilyStatus.NOT_ACCEPTED,
}


def _require_coordinator(actor: User, family: Family) -> None:
    if not can_manage_family(actor, family):
        raise ActionNotAllowed("Only a coordinator of this scheme can do that.")


def _move_family(family: Family, to: str) -> None:
    if to == family.status:
        return
    if to not in FAMILY_TRANSITIONS[family.status]:
        raise ActionNotAllowed(
            f"A family whose status is “{family.get_status_display()}” cannot become “{FamilyStatus(to).label}”."
        )
    family.status = to


def _lock_family(family: Family) -> Family:
    """Re-read the family under a row lock, so two coordinators acting at once are serialised."""
    return Family.objects.select_for_update().get(pk=family.pk)


def _next_reference(scheme: Scheme, on: datetime.date) -> str:
    # Locking the scheme row serialises reference numbers within a scheme.
    Scheme.objects.select_for_update().filter(pk=scheme.pk).first()
    prefix = f"{scheme.code}-{on.year}-"
    taken = Family.objects.filter(scheme=scheme, reference__startswith=prefix).count()
    return f"{prefix}{taken + 1:04d}"


@transaction.atomic
def professional_add(
    *,
    scheme: Scheme,
    agency_name: str,
    agency_kind: str,
    name: str,
    role: str,
    email: str = "",
    phone: str = "",
    actor: User,
) -> Professional:
    """Add a professional to the scheme's directory, creating their agency when it is new."""
    if not is_scheme_coordinator(actor, scheme.pk):
        raise ActionNotAllowed("Only a coordinator of this scheme can add to the directory.")
    agency = Agency.objects.filter(scheme=scheme, name__iexact=agency_name.strip()).first()
    if agency is None:
        agency = save_or_refuse(Agency(scheme=scheme, name=agency_name.strip(), kind=agency_kind))
    return save_or_refuse(Professional(agency=agency, name=name.strip(), role=role.strip(), email=email, phone=phone))


@transaction.atomic
def referral_receive(
    *,
    actor: User,
    family_name: str,
    address: str,
    postcode: str,
    phone: str = "",
    preferred_language: str = "English",
    referrer: Professional | None,
    date_received: datetime.date,
    reasons: str,
    health_visitor: Professional | None = None,
    members: Sequence[dict[str, Any]] = (),
) -> Referral:
    """Record a new referral: the family is created as "Referred", with the receiving coordinator as its lead."""
    if not can_coordinate(actor):
        raise ActionNotAllowed("Only a coordinator can take a referral.")
    scheme = actor.scheme
    for professional in (referrer, health_visitor):
        if professional is not None and professional.agency.scheme_id != scheme.pk:
            raise ActionNotAllowed("That professional is not in this scheme's directory.")
    if date_received > timezone.localdate():
        raise ActionNotAllowed("The date the referral was received cannot be in the future.")
    family = save_or_refuse(
        Family(
            scheme=scheme,
            reference=_next_reference(scheme, date_received),
            family_name=family_name.strip(),
            address=address.strip(),
            postcode=postcode.strip().upper(),
            phone=phone.strip(),
            preferred_language=preferred_language.strip() or "English",
            lead_coordinator=actor,
            health_visitor=health_visitor,
        )
    )
    for member in members:
        household_member_add(family=family, actor=actor, **member)
    return save_or_refuse(
        Referral(
            family=family,
            referrer=referrer,
            self_referral=referrer is None,
            date_received=date_received,
            reasons=reasons.strip(),
            received_by=actor,
        )
    )


@transaction.atomic
def household_member_add(
    *,
    family: Family,
    kind: str,
    first_name: str,
    last_name: str = "",
    relationship: str = "",
    date_of_birth: datetime.date | None = None,
    expected_due_date: datetime.date | None = None,
    actor: User,
) -> HouseholdMember:
    """Add an adult or a child (born, with a date of birth, or expected, with a due date) to the household."""
    _require_coordinator(actor, family)
    if kind == MemberKind.CHILD and date_of_birth is None and expected_due_date is None:
        raise ActionNotAllowed("Enter the child's date of birth, or the due date if the baby is not born yet.")
    if date_of_birth and date_of_birth > timezone.localdate():
        raise ActionNotAllowed("A date of birth cannot be in the future.")
    return save_or_refuse(
        HouseholdMember(
            family=family,
            kind=kind,
            first_name=first_name.strip(),
            last_name=last_name.strip(),
            relationship=relationship.strip(),
            date_of_birth=date_of_birth,
            expected_due_date=expected_due_date,
        )
    )


@transaction.atomic
def referral_decide(*, referral: Referral, outcome: str, reason: str = "", actor: User) -> Referral:
    """Decide a referral: accepting it opens the family for support; waiting list and declined say so on the family."""
    referral = Referral.objects.select_for_update().select_related("family").get(pk=referral.pk)
    family = _lock_family(referral.family)
    _require_coordinator(actor, family)
    if referral.outcome not in (ReferralOutcome.PENDING, ReferralOutcome.WAITING_LIST):
        raise ActionNotAllowed(f"This referral has already been decided: {referral.get_outcome_display().lower()}.")
    if outcome not in REFERRAL_OUTCOME_TO_STATUS or outcome == referral.outcome:
        raise ActionNotAllowed("Choose accept, waiting list or decline.")
    if outcome == ReferralOutcome.DECLINED and not reason.strip():
        raise ActionNotAllowed("Enter the reason the referral was declined.")
    _move_family(family, REFERRAL_OUTCOME_TO_STATUS[outcome])
    save_or_refuse(family)
    referral.outcome = outcome
    referral.outcome_reason = reason.strip()
    referral.decided_on = timezone.localdate()
    referral.decided_by = actor
    return save_or_refuse(referral)


@transaction.atomic
def family_change_coordinator(*, family: Family, coordinator: User, actor: User) -> Family:
    """Hand a family to another coordinator of the scheme; the private notes' read permission moves with it."""
    family = _lock_family(family)
    _require_coordinator(actor, family)
    if not is_scheme_coordinator(coordinator, family.scheme_id):
        raise ActionNotAllowed("Choose an active coordinator of this scheme.")
    previous = family.lead_coordinator
    if previous is not None and previous.pk == coordinator.pk:
        return family
    notes = CaseNote.objects.filter(family=family)
    if previous is not None:
        remove_perm(VIEW_NOTE, previous, notes.exclude(author=previous))
    assign_perm(VIEW_NOTE, coordinator, notes)
    # Apps above follow the change in the same transaction (volunteers: the supervision parts about the family, P9).
    hooks.coordinator_changed(family=family, previous=previous, coordinator=coordinator)
    family.lead_coordinator = coordinator
    return save_or_refuse(family)


def deactivation_refusal(*, user: User) -> str | None:
    """Registered with ``homestart.hooks.account_deactivation``: a volunteer with families cannot be deactivated."""
    if user.role == Role.VOLUNTEER and Assignment.objects.filter(volunteer=user, ended_on__isnull=True).exists():
        return "This volunteer still has families. A coordinator must end those assignments first."
    return None


@transaction.atomic
def assignment_start(*, family: Family, volunteer: User, started_on: datetime.date, actor: User) -> Assignment:
    """Assign a volunteer: from now they may open the family, log visits and read their own notes about it."""
    family = _lock_family(family)
    _require_coordinator(actor, family)
    # Lock the volunteer too: two coordinators assigning the same volunteer at once are serialised here.
    volunteer = User.objects.select_for_update().get(pk=volunteer.pk)
    if volunteer.role != Role.VOLUNTEER or not volunteer.is_active or volunteer.scheme_id != family.scheme_id:
        raise ActionNotAllowed("Choose an active volunteer from this scheme.")
    if family.status not in (FamilyStatus.AWAITING_VOLUNTEER, FamilyStatus.SUPPORTED):
        raise ActionNotAllowed(
            f"A volunteer can be assigned only once the referral is accepted and support has not ended "
            f"(this family is “{family.get_status_display()}”)."
        )
    if Assignment.objects.filter(family=family, volunteer=volunteer, ended_on__isnull=True).exists():
        raise ActionNotAllowed(f"{volunteer} is already assigned to this family.")
    if started_on > timezone.localdate():
        raise ActionNotAllowed("The start date cannot be in the future.")
    assignment = save_or_refuse(
        Assignment(family=family, volunteer=volunteer, started_on=started_on, assigned_by=actor)
    )
    assign_perm(VIEW_FAMILY, volunteer, family)
    own_notes = CaseNote.objects.filter(family=family, author=volunteer)
    if own_notes.exists():
        assign_perm(VIEW_NOTE, volunteer, own_notes)
    _move_family(family, FamilyStatus.SUPPORTED)
    if family.support_started_on is None:
        family.support_started_on = started_on
    save_or_refuse(family)
    return assignment


def _close_assignment(assignment: Assignment, *, ended_on: datetime.date, reason: str) -> None:
    if ended_on < assignment.started_on:
        raise ActionNotAllowed("The end date cannot be before the assignment started.")
    if ended_on > timezone.localdate():
        raise ActionNotAllowed("The end date cannot be in the future.")
    assignment.ended_on = ended_on
    assignment.end_reason = reason.strip()
    save_or_refuse(assignment)
    volunteer, family = assignment.volunteer, assignment.family
    remove_perm(VIEW_FAMILY, volunteer, family)
    remove_perm(VIEW_NOTE, volunteer, CaseNote.objects.filter(family=family, author=volunteer))


@transaction.atomic
def assignment_end(*, assignment: Assignment, ended_on: datetime.date, reason: str = "", actor: User) -> Assignment:
    """End an assignment: from the volunteer's next request they can no longer open the family or its notes."""
    family = _lock_family(assignment.family)
    _require_coordinator(actor, family)
    assignment = Assignment.objects.select_for_update().select_related("volunteer").get(pk=assignment.pk)
    assignment.family = family
    if assignment.ended_on is not None:
        raise ActionNotAllowed("This assignment has already ended.")
    _close_assignment(assignment, ended_on=ended_on, reason=reason)
    if not family.assignments.filter(ended_on__isnull=True).exists() and family.status == FamilyStatus.SUPPORTED:
        _move_family(family, FamilyStatus.AWAITING_VOLUNTEER)
        save_or_refuse(family)
    return assignment


@transaction.atomic
def family_end_support(*, family: Family, ended_on: datetime.date, reason: str, actor: User) -> Family:
    """End support: every open assignment ends the same day, and the family's volunteers lose access."""
    family = _lock_family(family)
    _require_coordinator(actor, family)
    if family.status not in (FamilyStatus.AWAITING_VOLUNTEER, FamilyStatus.SUPPORTED):
        raise ActionNotAllowed(f"Support cannot end for a family whose status is “{family.get_status_display()}”.")
    if not reason.strip():
        raise ActionNotAllowed("Enter the reason support is ending.")
    if family.support_started_on and ended_on < family.support_started_on:
        raise ActionNotAllowed("The end date cannot be before support started.")
    for assignment in family.assignments.select_for_update().filter(ended_on__isnull=True).select_related("volunteer"):
        assignment.family = family
        _close_assignment(assignment, ended_on=ended_on, reason="Support ended")
    _move_family(family, FamilyStatus.ENDED)
    family.support_ended_on = ended_on
    family.support_end_reason = reason.strip()
    return save_or_refuse(family)


@transaction.atomic
def visit_log(
    *,
    family: Family,
    visited_on: datetime.date,
    duration_minutes: int,
    kind: str = VisitKind.HOME,
    note_text: str = "",
    actor: User,
) -> Visit:
    """Log a visit by the volunteer assigned now, with an optional private note only they and the coordinator can read."""
    family = Family.objects.select_related("lead_coordinator").get(pk=family.pk)
    if not can_log_visit(actor, family, is_assigned=is_assigned(actor, family)):
        raise ActionNotAllowed("Only a volunteer assigned to this family can log a visit.")
    if visited_on > timezone.localdate():
        raise ActionNotAllowed("The date of the visit cannot be in the future.")
    visit = save_or_refuse(
        Visit(family=family, volunteer=actor, visited_on=visited_on, duration_minutes=duration_minutes, kind=kind)
    )
    if note_text.strip():
        note = save_or_refuse(CaseNote(family=family, author=actor, visit=visit, text=note_text.strip()))
        assign_perm(VIEW_NOTE, actor, note)
        if family.lead_coordinator is not None:
            assign_perm(VIEW_NOTE, family.lead_coordinator, note)
    return visit


# A read only appends audit entries: inside the page's transaction it needs no savepoint (two queries) of its own.
@transaction.atomic(savepoint=False)
def case_notes_read(*, family: Family, reader: User, limit: int = 50) -> list[CaseNote]:
    """The private notes the reader may see (newest first), each read written to the audit log."""
    notes = list(case_notes_for_user(reader, family).order_by("-created_at", "-pk")[:limit])
    audit.record_reads(instances=notes, actor=reader, event=FamilyAuditEvent.NOTE_READ)
    return notes


def _check_family_group(
    scheme_id: int,
    *,
    held_on: datetime.date,
    venue: str,
    helpers: Sequence[User],
    families: Sequence[Family],
    actor: User,
) -> None:
    if not can_run_family_groups(actor, scheme_id):
        raise ActionNotAllowed("Only a coordinator of this scheme can record a family group session.")
    if held_on > timezone.localdate():
        raise ActionNotAllowed("The date of the session cannot be in the future.")
    if not venue.strip():
        raise ActionNotAllowed("Enter where the session was held.")
    if not helpers:
        raise ActionNotAllowed("Choose the staff or volunteers who were there.")
    if any(not (is_case_worker(person) and person.scheme_id == scheme_id) for person in helpers):
        raise ActionNotAllowed("Staff and volunteers present must be active coordinators or volunteers of this scheme.")
    if any(family.scheme_id != scheme_id for family in families):
        raise ActionNotAllowed("Only families of this scheme can be recorded as attending.")


def _set_rows(existing: Any, wanted: Sequence[Any], key: str, make: Any) -> None:
    """Make a session's attendance rows match ``wanted``: removals one by one, so each is in the audit log."""
    wanted_by_pk = {item.pk: item for item in wanted}
    for row in existing:
        if getattr(row, key) not in wanted_by_pk:
            row.delete()
        else:
            del wanted_by_pk[getattr(row, key)]
    for item in wanted_by_pk.values():
        save_or_refuse(make(item))


@transaction.atomic
def family_group_record(
    *,
    held_on: datetime.date,
    venue: str,
    helpers: Sequence[User],
    families: Sequence[Family],
    actor: User,
) -> FamilyGroupSession:
    """Record a family group session of the actor's scheme: when, where, who helped and which families came.

    Attendance only, by design (P10): families set their own boundaries at groups, so nothing is kept about what
    anyone said there.
    """
    scheme_id = actor.scheme_id
    _check_family_group(scheme_id, held_on=held_on, venue=venue, helpers=helpers, families=families, actor=actor)
    session = save_or_refuse(FamilyGroupSession(scheme_id=scheme_id, held_on=held_on, venue=venue.strip()))
    _set_rows([], helpers, "person_id", lambda person: FamilyGroupHelper(session=session, person=person))
    _set_rows([], families, "family_id", lambda family: FamilyGroupAttendance(session=session, family=family))
    return session


@transaction.atomic
def family_group_update(
    *,
    session: FamilyGroupSession,
    held_on: datetime.date,
    venue: str,
    helpers: Sequence[User],
    families: Sequence[Family],
    actor: User,
) -> FamilyGroupSession:
    """Correct a family group session's date, venue, helpers or attendance, under the same rules (P10)."""
    session = FamilyGroupSession.objects.select_for_update().get(pk=session.pk)
    _check_family_group(
        session.scheme_id, held_on=held_on, venue=venue, helpers=helpers, families=families, actor=actor
    )
    session.held_on = held_on
    session.venue = venue.strip()
    save_or_refuse(session)
    _set_rows(
        session.helper_rows.all(),
        helpers,
        "person_id",
        lambda person: FamilyGroupHelper(session=session, person=person),
    )
    _set_rows(
        session.attendances.all(),
        families,
        "family_id",
        lambda family: FamilyGroupAttendance(session=session, family=family),
    )
    return session
