"""Every write about families: referrals, support, assignments, visits and private notes.

Each service checks the rule it enforces, runs in one transaction (``@audit.service``) and writes its own audit
entries in it: one for every record it creates, changes or removes, with the event of the service, and one for
every private note read. Permission rows are not audited themselves: the record that grants them (an assignment,
a note, the family's coordinator) says who may read what.
"""

import datetime
import uuid
from collections.abc import Sequence
from typing import Any

from django.contrib.auth.models import Permission
from django.contrib.contenttypes.models import ContentType
from django.db import IntegrityError, connection, models, transaction
from django.db.models import Exists, OuterRef, Q, Subquery
from django.utils import timezone
from guardian.shortcuts import assign_perm, remove_perm
from guardian.utils import get_user_obj_perms_model

from families import hooks, retention
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
    RetentionHold,
    SupportPeriod,
    Visit,
    VisitKind,
)
from families.permissions import (
    can_be_chosen,
    can_correct_note,
    can_hand_over_family,
    can_hold_records,
    can_log_visit,
    can_manage_directory,
    can_manage_family,
    can_refer_again,
    can_run_family_groups,
    can_write_note,
)
from families.selectors import case_notes_for_user, is_assigned
from homestart import audit
from homestart import retention as core_retention
from homestart.exceptions import ActionNotAllowed, NeedsConfirmation, save_or_refuse
from homestart.models import Role, Scheme, User
from homestart.permissions import can_coordinate, is_case_worker, is_scheme_coordinator
from homestart.services import record_anonymise

VIEW_FAMILY = "families.view_family"
VIEW_NOTE = "families.view_casenote"

# Public functions here that write nothing: the rules other apps' hooks and the directory's pages ask.
WRITES_NOTHING = (
    "check_professional_choosable",
    "coordinator_deactivation_refusal",
    "deactivation_refusal",
    "role_change_refusal",
)

# The family's status lifecycle. A service moves a family only along these arrows.
FAMILY_TRANSITIONS: dict[str, set[str]] = {
    FamilyStatus.REFERRED: {FamilyStatus.WAITING_LIST, FamilyStatus.AWAITING_VOLUNTEER, FamilyStatus.NOT_ACCEPTED},
    FamilyStatus.WAITING_LIST: {FamilyStatus.AWAITING_VOLUNTEER, FamilyStatus.NOT_ACCEPTED},
    FamilyStatus.AWAITING_VOLUNTEER: {FamilyStatus.SUPPORTED, FamilyStatus.ENDED},
    FamilyStatus.SUPPORTED: {FamilyStatus.AWAITING_VOLUNTEER, FamilyStatus.ENDED},
    # A family comes back: re-referred on the same record and reference (``referral_rerefer``).
    FamilyStatus.ENDED: {FamilyStatus.REFERRED},
    FamilyStatus.NOT_ACCEPTED: {FamilyStatus.REFERRED},
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
    """Re-read the family under a row lock, so two coordinators acting at once are serialised, and a note or visit
    written while the coordinator changes (or an assignment ends) waits for it and is granted from the settled state.

    The family alone: its coordinator is read after the lock, when needed. Joined to the locked row, PostgreSQL would
    recheck a family changed while this waited against the coordinator row it read before, and give a note to the
    previous coordinator or to nobody (ADR 0021, tests/families/test_races.py)."""
    return Family.objects.select_for_update().get(pk=family.pk)


def _next_reference(scheme: Scheme, on: datetime.date) -> str:
    # Locking the scheme row serialises reference numbers within a scheme.
    Scheme.objects.select_for_update().filter(pk=scheme.pk).first()
    prefix = f"{scheme.code}-{on.year}-"
    taken = Family.objects.filter(scheme=scheme, reference__startswith=prefix).count()
    return f"{prefix}{taken + 1:04d}"


def _latest_referral(family: Family) -> Referral | None:
    return family.referrals.order_by("-date_received", "-pk").first()


def _support_period_open_if_none(family: Family, started_on: datetime.date, *, event: str, actor: User) -> None:
    """Support starts (the first volunteer of this referral): open a support period linked to the accepted referral.

    A family already in a period (a second volunteer, or a new one after a change) stays in it. The family's own
    support dates become those of the new period.
    """
    if family.support_periods.filter(ended_on__isnull=True).exists():
        return
    referral = (
        family.referrals.filter(outcome=ReferralOutcome.ACCEPTED, support_period__isnull=True)
        .order_by("-date_received", "-pk")
        .first()
    )
    if referral is not None and started_on < referral.date_received:
        raise ActionNotAllowed(
            f"Support cannot start before the referral was received ({referral.date_received:%-d %B %Y})."
        )
    period = save_or_refuse(SupportPeriod(family=family, referral=referral, started_on=started_on))
    audit.record_change(period, event=event, created=True, actor=actor)
    family.support_started_on = started_on
    family.support_ended_on = None
    family.support_end_reason = ""


def _support_period_close(family: Family, *, ended_on: datetime.date, reason: str, event: str, actor: User) -> None:
    """Support ends: close the open period; the family's support dates stay those of its latest period.

    A family whose referral was accepted but who never had a volunteer has no period to close: the end is recorded
    on the family alone, with no start date, so the family page never shows an earlier period's start beside it.
    """
    if ended_on > timezone.localdate():
        raise ActionNotAllowed("The end date cannot be in the future.")
    period = family.support_periods.select_for_update().filter(ended_on__isnull=True).first()
    if period is None:
        referral = _latest_referral(family)
        if referral is not None and ended_on < referral.date_received:
            raise ActionNotAllowed(
                f"The end date cannot be before the referral was received ({referral.date_received:%-d %B %Y})."
            )
        family.support_started_on = None
    else:
        if ended_on < period.started_on:
            raise ActionNotAllowed("The end date cannot be before support started.")
        before = audit.snapshot(period)
        period.ended_on = ended_on
        period.end_reason = reason
        save_or_refuse(period)
        audit.record_change(period, event=event, before=before, actor=actor)
    family.support_ended_on = ended_on
    family.support_end_reason = reason


@audit.service
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
    """Add a professional to the scheme's directory, creating their agency when it is new (not a retired one)."""
    _require_directory_manager(actor, scheme.pk)
    agency = Agency.objects.select_for_update().filter(scheme=scheme, name__iexact=agency_name.strip()).first()
    if agency is None:
        agency = save_or_refuse(Agency(scheme=scheme, name=agency_name.strip(), kind=agency_kind))
        audit.record_change(agency, event=FamilyAuditEvent.AGENCY_ADDED, created=True, actor=actor)
    elif agency.retired_on is not None:
        raise ActionNotAllowed(f"{agency.name} is retired from the directory, so nobody can be added to it.")
    professional = save_or_refuse(
        Professional(agency=agency, name=name.strip(), role=role.strip(), email=email.strip(), phone=phone.strip())
    )
    audit.record_change(professional, event=FamilyAuditEvent.PROFESSIONAL_ADDED, created=True, actor=actor)
    return professional


def _require_directory_manager(actor: User, scheme_id: int) -> None:
    if not can_manage_directory(actor, scheme_id):
        raise ActionNotAllowed("Only a coordinator or an administrator of this scheme can change the directory.")


def check_professional_choosable(professional: Professional, *, scheme_id: int) -> None:
    """Refuse a professional who may not be named on a new record: another scheme's, retired, or in a retired
    agency. Every service that records a professional calls this, so a forged form cannot choose one.

    Read again from the database, so a professional retired since the page was loaded is refused too.
    """
    current = Professional.objects.select_related("agency").filter(pk=professional.pk).first()
    if current is None or current.agency.scheme_id != scheme_id:
        raise ActionNotAllowed("That professional is not in this scheme's directory.")
    if not can_be_chosen(current):
        raise ActionNotAllowed(
            f"{current.name} ({current.agency.name}) is retired from the directory and cannot be chosen for new "
            "records. Choose someone else, or add them to the directory again."
        )


@audit.service
def agency_update(
    *, agency: Agency, name: str, kind: str, email: str = "", phone: str = "", address: str = "", actor: User
) -> Agency:
    """Correct an agency's name, kind and contact details. Old records that name its people show the new details."""
    agency = Agency.objects.select_for_update().get(pk=agency.pk)
    _require_directory_manager(actor, agency.scheme_id)
    name = name.strip()
    if Agency.objects.filter(scheme_id=agency.scheme_id, name__iexact=name).exclude(pk=agency.pk).exists():
        raise ActionNotAllowed(f"The directory already has an agency called {name}. Choose another name.")
    before = audit.snapshot(agency)
    agency.name = name
    agency.kind = kind
    agency.email = email.strip()
    agency.phone = phone.strip()
    agency.address = address.strip()
    save_or_refuse(agency)
    audit.record_change(agency, event=FamilyAuditEvent.AGENCY_CHANGED, before=before, actor=actor)
    return agency


@audit.service
def agency_retire(*, agency: Agency, actor: User) -> Agency:
    """Retire an agency (never delete it): it and all its people stay on old records but can no longer be chosen."""
    agency = Agency.objects.select_for_update().get(pk=agency.pk)
    _require_directory_manager(actor, agency.scheme_id)
    if agency.retired_on is not None:
        raise ActionNotAllowed(f"{agency.name} was already retired on {agency.retired_on:%-d %B %Y}.")
    before = audit.snapshot(agency)
    agency.retired_on = timezone.localdate()
    save_or_refuse(agency)
    audit.record_change(agency, event=FamilyAuditEvent.AGENCY_RETIRED, before=before, actor=actor)
    return agency


@audit.service
def professional_update(
    *,
    professional: Professional,
    name: str,
    role: str,
    agency: Agency,
    email: str = "",
    phone: str = "",
    actor: User,
) -> Professional:
    """Correct a professional's details, or move them to another active agency of the scheme."""
    professional = Professional.objects.select_for_update().select_related("agency").get(pk=professional.pk)
    scheme_id = professional.agency.scheme_id
    _require_directory_manager(actor, scheme_id)
    before = audit.snapshot(professional)
    if agency.pk != professional.agency_id:
        agency = Agency.objects.get(pk=agency.pk)
        if agency.scheme_id != scheme_id:
            raise ActionNotAllowed("Choose an agency in this scheme's directory.")
        if agency.retired_on is not None:
            raise ActionNotAllowed(f"{agency.name} is retired from the directory: choose an active agency.")
        professional.agency = agency
    professional.name = name.strip()
    professional.role = role.strip()
    professional.email = email.strip()
    professional.phone = phone.strip()
    save_or_refuse(professional)
    audit.record_change(professional, event=FamilyAuditEvent.PROFESSIONAL_CHANGED, before=before, actor=actor)
    return professional


@audit.service
def professional_retire(*, professional: Professional, actor: User) -> Professional:
    """Retire a professional (never delete them): they stay on old records but can no longer be chosen."""
    professional = Professional.objects.select_for_update().select_related("agency").get(pk=professional.pk)
    _require_directory_manager(actor, professional.agency.scheme_id)
    if professional.retired_on is not None:
        raise ActionNotAllowed(f"{professional.name} was already retired on {professional.retired_on:%-d %B %Y}.")
    before = audit.snapshot(professional)
    professional.retired_on = timezone.localdate()
    save_or_refuse(professional)
    audit.record_change(professional, event=FamilyAuditEvent.PROFESSIONAL_RETIRED, before=before, actor=actor)
    return professional


@audit.service
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
        if professional is not None:
            check_professional_choosable(professional, scheme_id=scheme.pk)
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
    audit.record_change(family, event=FamilyAuditEvent.REFERRAL_RECEIVED, created=True, actor=actor)
    for member in members:
        household_member_add(family=family, actor=actor, **member)
    referral = save_or_refuse(
        Referral(
            family=family,
            referrer=referrer,
            self_referral=referrer is None,
            date_received=date_received,
            reasons=reasons.strip(),
            received_by=actor,
        )
    )
    audit.record_change(referral, event=FamilyAuditEvent.REFERRAL_RECEIVED, created=True, actor=actor)
    return referral


@audit.service
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
    if kind == MemberKind.ADULT and expected_due_date is not None:
        raise ActionNotAllowed("Only a child not born yet has a due date.")
    member = save_or_refuse(
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
    audit.record_change(member, event=FamilyAuditEvent.MEMBER_ADDED, created=True, actor=actor)
    if member.kind == MemberKind.CHILD:
        # Safeguarding records about the family may now be held for longer (until this child is 25).
        hooks.children_changed(family=family, children=[member], actor=actor)
    return member


@audit.service
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
    before = audit.snapshot(family)
    _move_family(family, REFERRAL_OUTCOME_TO_STATUS[outcome])
    save_or_refuse(family)
    audit.record_change(family, event=FamilyAuditEvent.REFERRAL_DECIDED, before=before, actor=actor)
    before = audit.snapshot(referral)
    referral.outcome = outcome
    referral.outcome_reason = reason.strip()
    referral.decided_on = timezone.localdate()
    referral.decided_by = actor
    save_or_refuse(referral)
    audit.record_change(referral, event=FamilyAuditEvent.REFERRAL_DECIDED, before=before, actor=actor)
    return referral


@audit.service
def family_change_coordinator(*, family: Family, coordinator: User, actor: User) -> Family:
    """Hand a family to another coordinator of the scheme; the private notes' read permission moves with it."""
    family = _lock_family(family)
    if not can_hand_over_family(actor, family):
        raise ActionNotAllowed("Only a coordinator or the administrator of this scheme can do that.")
    # The new coordinator's row is locked too: an account being deactivated at the same moment waits, then sees
    # the family (homestart.services.user_deactivate locks the account before asking whether anything is left).
    coordinator = User.objects.select_for_update().get(pk=coordinator.pk)
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
    before = audit.snapshot(family)
    family.lead_coordinator = coordinator
    save_or_refuse(family)
    audit.record_change(family, event=FamilyAuditEvent.COORDINATOR_CHANGED, before=before, actor=actor)
    return family


# --- A family's life: details, household and coming back ----------------------------------------------------------


def _choosable_professional(professional: Professional | None, scheme_id: int, *, keeping: int | None) -> None:
    """A professional chosen for a record must be in the scheme's directory and, unless already on it, not retired."""
    if professional is None:
        return
    if professional.pk == keeping:
        return
    check_professional_choosable(professional, scheme_id=scheme_id)


@audit.service
def family_update_details(
    *, family: Family, address: str, postcode: str, phone: str, preferred_language: str, actor: User
) -> Family:
    """Record a move or a correction: the family's address and postcode, phone and preferred language."""
    family = _lock_family(family)
    _require_coordinator(actor, family)
    if not address.strip():
        raise ActionNotAllowed("Enter the family's address.")
    if not postcode.strip():
        raise ActionNotAllowed("Enter the postcode.")
    if not preferred_language.strip():
        raise ActionNotAllowed("Enter the family's preferred language.")
    before = audit.snapshot(family)
    family.address = address.strip()
    family.postcode = postcode.strip().upper()
    family.phone = phone.strip()
    family.preferred_language = preferred_language.strip()
    save_or_refuse(family)
    audit.record_change(family, event=FamilyAuditEvent.FAMILY_DETAILS_CHANGED, before=before, actor=actor)
    return family


@audit.service
def family_change_health_visitor(*, family: Family, health_visitor: Professional | None, actor: User) -> Family:
    """Record the family's health visitor, from the scheme's directory (not a retired entry), or that none is known.

    Support-agreed notices and consent letters go to the health visitor on record from then on.
    """
    family = _lock_family(family)
    _require_coordinator(actor, family)
    _choosable_professional(health_visitor, family.scheme_id, keeping=family.health_visitor_id)
    before = audit.snapshot(family)
    family.health_visitor = health_visitor
    save_or_refuse(family)
    audit.record_change(family, event=FamilyAuditEvent.HEALTH_VISITOR_CHANGED, before=before, actor=actor)
    return family


def _household_member(member: HouseholdMember) -> tuple[HouseholdMember, Family]:
    """The member re-read under its family's lock, so two coordinators correcting the household are serialised."""
    family = _lock_family(member.family)
    member = HouseholdMember.objects.select_for_update().get(pk=member.pk)
    member.family = family
    return member, family


def _check_member_dates(
    kind: str, date_of_birth: datetime.date | None, expected_due_date: datetime.date | None
) -> None:
    if kind == MemberKind.CHILD and date_of_birth is None and expected_due_date is None:
        raise ActionNotAllowed("Enter the child's date of birth, or the due date if the baby is not born yet.")
    if date_of_birth is not None and expected_due_date is not None:
        raise ActionNotAllowed("Enter a date of birth or a due date, not both.")
    if date_of_birth and date_of_birth > timezone.localdate():
        raise ActionNotAllowed("A date of birth cannot be in the future.")
    if kind == MemberKind.ADULT and expected_due_date is not None:
        raise ActionNotAllowed("Only a child not born yet has a due date.")


@audit.service
def household_member_correct(
    *,
    member: HouseholdMember,
    first_name: str,
    last_name: str = "",
    relationship: str = "",
    date_of_birth: datetime.date | None = None,
    expected_due_date: datetime.date | None = None,
    actor: User,
) -> HouseholdMember:
    """Correct a person's record in the household: name, relationship, date of birth or due date.

    Whether they are an adult or a child is not changed here (their safeguarding records name them as they are).
    """
    member, family = _household_member(member)
    _require_coordinator(actor, family)
    _check_member_dates(member.kind, date_of_birth, expected_due_date)
    if not first_name.strip():
        raise ActionNotAllowed("Enter the person's first name.")
    if member.left_on and date_of_birth and date_of_birth > member.left_on:
        raise ActionNotAllowed("The date of birth cannot be after the day they left the household.")
    dates_changed = (member.date_of_birth, member.expected_due_date) != (date_of_birth, expected_due_date)
    before = audit.snapshot(member)
    member.first_name = first_name.strip()
    member.last_name = last_name.strip()
    member.relationship = relationship.strip()
    member.date_of_birth = date_of_birth
    member.expected_due_date = expected_due_date
    save_or_refuse(member)
    audit.record_change(member, event=FamilyAuditEvent.MEMBER_CORRECTED, before=before, actor=actor)
    if member.kind == MemberKind.CHILD and dates_changed:
        hooks.children_changed(family=family, children=[member], actor=actor)
    return member


@audit.service
def household_member_born(
    *,
    member: HouseholdMember,
    date_of_birth: datetime.date,
    first_name: str = "",
    relationship: str = "",
    actor: User,
) -> HouseholdMember:
    """Record that an expected baby was born: the due date gives way to the date of birth on the same record, so
    the child keeps everything already written about them; a name and relationship may be given now too."""
    member, family = _household_member(member)
    _require_coordinator(actor, family)
    if not member.is_unborn:
        raise ActionNotAllowed("This child's birth is already recorded: correct the date of birth instead.")
    if date_of_birth > timezone.localdate():
        raise ActionNotAllowed("A date of birth cannot be in the future.")
    if member.left_on is not None:
        raise ActionNotAllowed("This child is recorded as no longer in the household.")
    before = audit.snapshot(member)
    member.date_of_birth = date_of_birth
    member.expected_due_date = None
    if first_name.strip():
        member.first_name = first_name.strip()
    if relationship.strip():
        member.relationship = relationship.strip()
    save_or_refuse(member)
    audit.record_change(member, event=FamilyAuditEvent.CHILD_BORN, before=before, actor=actor)
    hooks.children_changed(family=family, children=[member], actor=actor)
    return member


@audit.service
def household_member_leave(*, member: HouseholdMember, left_on: datetime.date, actor: User) -> HouseholdMember:
    """Record that someone is no longer in the household from a day. Kept in the family's history, never deleted."""
    member, family = _household_member(member)
    _require_coordinator(actor, family)
    if member.left_on is not None:
        raise ActionNotAllowed(f"{member.full_name} is already recorded as having left on {member.left_on:%-d %B %Y}.")
    if left_on > timezone.localdate():
        raise ActionNotAllowed("The date they left cannot be in the future.")
    if member.date_of_birth and left_on < member.date_of_birth:
        raise ActionNotAllowed("The date they left cannot be before their date of birth.")
    before = audit.snapshot(member)
    member.left_on = left_on
    save_or_refuse(member)
    audit.record_change(member, event=FamilyAuditEvent.MEMBER_LEFT, before=before, actor=actor)
    return member


@audit.service
def referral_rerefer(
    *,
    family: Family,
    referrer: Professional | None,
    date_received: datetime.date,
    reasons: str,
    actor: User,
) -> Referral:
    """Refer again a family whose support ended or whose referral was declined: a new referral on the same record
    and reference. The family is "Referred" again; earlier referrals, support periods, assignments and consents
    stay as its history. A family whose lead coordinator has left is led by the coordinator taking the referral."""
    family = _lock_family(family)
    _require_coordinator(actor, family)
    if not can_refer_again(actor, family):
        raise ActionNotAllowed(
            f"Only a family whose support has ended or whose referral was declined can be referred again "
            f"(this family is “{family.get_status_display()}”)."
        )
    _choosable_professional(referrer, family.scheme_id, keeping=None)
    if date_received > timezone.localdate():
        raise ActionNotAllowed("The date the referral was received cannot be in the future.")
    latest = _latest_referral(family)
    if latest is not None and date_received < latest.date_received:
        raise ActionNotAllowed(
            f"The new referral cannot be dated before the last one ({latest.date_received:%-d %B %Y})."
        )
    if family.support_ended_on and date_received < family.support_ended_on:
        raise ActionNotAllowed(
            f"The new referral cannot be dated before support ended ({family.support_ended_on:%-d %B %Y})."
        )
    if not reasons.strip():
        raise ActionNotAllowed("Enter the reasons for the referral.")
    lead = family.lead_coordinator
    if lead is None or not is_scheme_coordinator(lead, family.scheme_id):
        family = family_change_coordinator(family=family, coordinator=actor, actor=actor)
    before = audit.snapshot(family)
    _move_family(family, FamilyStatus.REFERRED)
    save_or_refuse(family)
    audit.record_change(family, event=FamilyAuditEvent.REFERRED_AGAIN, before=before, actor=actor)
    referral = save_or_refuse(
        Referral(
            family=family,
            referrer=referrer,
            self_referral=referrer is None,
            date_received=date_received,
            reasons=reasons.strip(),
            received_by=actor,
        )
    )
    audit.record_change(referral, event=FamilyAuditEvent.REFERRED_AGAIN, created=True, actor=actor)
    return referral


def deactivation_refusal(*, user: User) -> str | None:
    """Registered with ``homestart.hooks.account_deactivation``: a volunteer with families cannot be deactivated."""
    if user.role == Role.VOLUNTEER and Assignment.objects.filter(volunteer=user, ended_on__isnull=True).exists():
        return "This volunteer still has families. A coordinator must end those assignments first."
    return None


def _families_led(user: User) -> str:
    count = Family.objects.filter(lead_coordinator=user).count()
    return "" if count == 0 else f"{count} {'family' if count == 1 else 'families'}"


def coordinator_deactivation_refusal(*, user: User) -> str | None:
    """Registered with ``homestart.hooks.account_deactivation``: a coordinator who still leads any family (whatever
    its status) cannot be deactivated, so no family and no private note is left without a coordinator to read it."""
    led = _families_led(user)
    if led:
        return f"{user} still leads {led}. Choose which coordinator takes each one over first."
    return None


def role_change_refusal(*, user: User, role: str) -> str | None:
    """Registered with ``homestart.hooks.account_role_change``: a volunteer keeps the role while they have families,
    and a coordinator while they lead any family."""
    if role == user.role:
        return None
    if user.role == Role.VOLUNTEER and Assignment.objects.filter(volunteer=user, ended_on__isnull=True).exists():
        return (
            f"{user} still has families as a volunteer. A coordinator must end those assignments before their role "
            "can change."
        )
    led = _families_led(user) if user.role == Role.COORDINATOR else ""
    if led:
        return (
            f"{user} still leads {led}. Hand each family to another coordinator (from the family's page) before "
            "their role can change."
        )
    return None


@audit.service
def assignment_start(
    *, family: Family, volunteer: User, started_on: datetime.date, confirmed: bool = False, actor: User
) -> Assignment:
    """Assign a volunteer: from now they may open the family, log visits and read their own notes about it.

    Refused for a volunteer who is not ready (apps above say why: a DBS check past its renewal date, no preparation
    course). A warning (the volunteer already has the most families they said they would take) refuses it with
    ``NeedsConfirmation`` unless the coordinator ``confirmed`` it.
    """
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
    refusal = hooks.assignment_refusals.refusal(volunteer=volunteer, family=family)
    if refusal:
        raise ActionNotAllowed(refusal)
    warning = None if confirmed else hooks.assignment_warnings.refusal(volunteer=volunteer, family=family)
    if warning:
        raise NeedsConfirmation(warning)
    event = FamilyAuditEvent.VOLUNTEER_ASSIGNED
    assignment = save_or_refuse(
        Assignment(family=family, volunteer=volunteer, started_on=started_on, assigned_by=actor)
    )
    audit.record_change(assignment, event=event, created=True, actor=actor)
    assign_perm(VIEW_FAMILY, volunteer, family)
    own_notes = CaseNote.objects.filter(family=family, author=volunteer)
    if own_notes.exists():
        assign_perm(VIEW_NOTE, volunteer, own_notes)
    before = audit.snapshot(family)
    _move_family(family, FamilyStatus.SUPPORTED)
    _support_period_open_if_none(family, started_on, event=event, actor=actor)
    save_or_refuse(family)
    audit.record_change(family, event=event, before=before, actor=actor)
    return assignment


def _close_assignment(assignment: Assignment, *, ended_on: datetime.date, reason: str, event: str, actor: User) -> None:
    if ended_on < assignment.started_on:
        raise ActionNotAllowed("The end date cannot be before the assignment started.")
    if ended_on > timezone.localdate():
        raise ActionNotAllowed("The end date cannot be in the future.")
    before = audit.snapshot(assignment)
    assignment.ended_on = ended_on
    assignment.end_reason = reason.strip()
    save_or_refuse(assignment)
    audit.record_change(assignment, event=event, before=before, actor=actor)
    volunteer, family = assignment.volunteer, assignment.family
    remove_perm(VIEW_FAMILY, volunteer, family)
    remove_perm(VIEW_NOTE, volunteer, CaseNote.objects.filter(family=family, author=volunteer))


@audit.service
def assignment_end(*, assignment: Assignment, ended_on: datetime.date, reason: str = "", actor: User) -> Assignment:
    """End an assignment: from the volunteer's next request they can no longer open the family or its notes."""
    family = _lock_family(assignment.family)
    _require_coordinator(actor, family)
    assignment = Assignment.objects.select_for_update().select_related("volunteer").get(pk=assignment.pk)
    assignment.family = family
    if assignment.ended_on is not None:
        raise ActionNotAllowed("This assignment has already ended.")
    event = FamilyAuditEvent.ASSIGNMENT_ENDED
    _close_assignment(assignment, ended_on=ended_on, reason=reason, event=event, actor=actor)
    if not family.assignments.filter(ended_on__isnull=True).exists() and family.status == FamilyStatus.SUPPORTED:
        before = audit.snapshot(family)
        _move_family(family, FamilyStatus.AWAITING_VOLUNTEER)
        save_or_refuse(family)
        audit.record_change(family, event=event, before=before, actor=actor)
    return assignment


@audit.service
def family_end_support(*, family: Family, ended_on: datetime.date, reason: str, actor: User) -> Family:
    """End support: every open assignment ends the same day, the support period closes with the reason, and the
    family's volunteers lose access. The family can come back later (``referral_rerefer``)."""
    family = _lock_family(family)
    _require_coordinator(actor, family)
    if family.status not in (FamilyStatus.AWAITING_VOLUNTEER, FamilyStatus.SUPPORTED):
        raise ActionNotAllowed(f"Support cannot end for a family whose status is “{family.get_status_display()}”.")
    if not reason.strip():
        raise ActionNotAllowed("Enter the reason support is ending.")
    if family.support_started_on and ended_on < family.support_started_on:
        raise ActionNotAllowed("The end date cannot be before support started.")
    event = FamilyAuditEvent.SUPPORT_ENDED
    for assignment in family.assignments.select_for_update().filter(ended_on__isnull=True).select_related("volunteer"):
        assignment.family = family
        _close_assignment(assignment, ended_on=ended_on, reason="Support ended", event=event, actor=actor)
    before = audit.snapshot(family)
    _move_family(family, FamilyStatus.ENDED)
    _support_period_close(family, ended_on=ended_on, reason=reason.strip(), event=event, actor=actor)
    save_or_refuse(family)
    audit.record_change(family, event=event, before=before, actor=actor)
    return family


@audit.service
def visit_log(
    *,
    family: Family,
    visited_on: datetime.date,
    duration_minutes: int,
    kind: str = VisitKind.HOME,
    note_text: str = "",
    idempotency_key: uuid.UUID | None = None,
    actor: User,
) -> Visit:
    """Log a visit by the volunteer assigned now, with an optional private note only they and the coordinator can read.

    The same form sent twice (the same ``idempotency_key``: a retry after a lost answer, a double tap, two tabs)
    records one visit: the second call records nothing and returns the visit the first recorded, even when both run
    at once (the database's unique constraint decides). The visit comes back with ``has_note``.
    """
    # Under the family's row lock, as ending an assignment and changing the coordinator are (ADR 0021).
    family = _lock_family(family)
    if not can_log_visit(actor, family, is_assigned=is_assigned(actor, family)):
        raise ActionNotAllowed("Only a volunteer assigned to this family can log a visit.")
    if visited_on > timezone.localdate():
        raise ActionNotAllowed("The date of the visit cannot be in the future.")
    visit = Visit(
        family=family,
        volunteer=actor,
        visited_on=visited_on,
        duration_minutes=duration_minutes,
        kind=kind,
        idempotency_key=idempotency_key,
    )
    try:
        # A savepoint of its own: the insert that loses to the same form's first post rolls back alone, and this
        # transaction goes on to answer with the first post's visit.
        with transaction.atomic():
            save_or_refuse(visit, decided_by_database=("idempotency_key",))
    except IntegrityError:
        first = _visit_logged_with_form(family=family, volunteer=actor, idempotency_key=idempotency_key)
        if first is None:
            raise
        return first
    created: list[tuple[models.Model, str]] = [(visit, FamilyAuditEvent.VISIT_LOGGED)]
    visit.has_note = bool(note_text.strip())
    if visit.has_note:
        # The visit was inserted just now, in this transaction: no note can be on it yet, so its uniqueness is
        # left to the database rather than asked beforehand.
        note = CaseNote(family=family, author=actor, visit=visit, text=note_text.strip())
        save_or_refuse(note, decided_by_database=("visit",))
        created.append((note, FamilyAuditEvent.NOTE_WRITTEN))
    audit.record_created(created, actor=actor)  # the visit's entry and the note's, in one statement
    if visit.has_note:
        _note_readers_grant(note, family)
    return visit


def _visit_logged_with_form(*, family: Family, volunteer: User, idempotency_key: uuid.UUID | None) -> Visit | None:
    """The visit this volunteer already logged for this family with the form of this key, if any."""
    if idempotency_key is None:
        return None
    return (
        Visit.objects.filter(family=family, volunteer=volunteer, idempotency_key=idempotency_key)
        .annotate(has_note=Exists(CaseNote.objects.filter(visit=OuterRef("pk"))))
        .first()
    )


def _note_readers_grant(note: CaseNote, family: Family) -> None:
    """The one place a note gets its readers: its author and the family's lead coordinator, nobody else. Notes, notes
    without a visit and corrections all pass here, so a correction is read by exactly those who read the original.

    ``family`` is the row read under the family's lock: its coordinator is the settled one (ADR 0021)."""
    readers = [note.author_id]
    if family.lead_coordinator_id is not None and family.lead_coordinator_id != note.author_id:
        readers.append(family.lead_coordinator_id)
    _grant(VIEW_NOTE, readers, note)


def _grant(perm: str, user_ids: Sequence[int], obj: models.Model) -> None:
    """The rows guardian's ``assign_perm(perm, users, obj)`` writes to the object's direct permission table, as one
    INSERT that names the permission by a subquery: every note written asks it, and guardian would first read the
    permission and the users' rows (two queries) for ids the caller already holds. A grant already there is left as
    it is, as guardian leaves it (``tests/families/test_note_grants.py`` holds the two to the same rows)."""
    _app_label, codename = perm.split(".")
    meta, permissions = get_user_obj_perms_model(obj)._meta, Permission._meta
    quote = connection.ops.quote_name
    content_type_id = ContentType.objects.get_for_model(obj).pk
    # Typed: a bare parameter in a SELECT list is text to PostgreSQL, which the INSERT would refuse.
    user_type, object_type = (meta.get_field(name).db_type(connection) for name in ("user", "content_object"))
    readers = " UNION ALL ".join([f"SELECT CAST(%s AS {user_type}) AS reader"] * len(user_ids))
    sql = (
        f"INSERT INTO {quote(meta.db_table)} ({quote(meta.get_field('permission').column)},"  # noqa: S608
        f" {quote(meta.get_field('user').column)}, {quote(meta.get_field('content_object').column)})"
        f" SELECT p.{quote(permissions.pk.column)}, r.reader, CAST(%s AS {object_type}) FROM {quote(permissions.db_table)} p,"
        f" ({readers}) r WHERE p.{quote(permissions.get_field('content_type').column)} = %s"
        f" AND p.{quote(permissions.get_field('codename').column)} = %s ON CONFLICT DO NOTHING"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, [obj.pk, *user_ids, content_type_id, codename])


@audit.service
def case_note_write(*, family: Family, text: str, actor: User) -> CaseNote:
    """A private note without a visit (a phone message, say) by the volunteer assigned now: only they and the
    family's coordinator can read it."""
    family = _lock_family(family)
    if not can_write_note(actor, family, is_assigned=is_assigned(actor, family)):
        raise ActionNotAllowed("Only a volunteer assigned to this family can write a note about it.")
    if not text.strip():
        raise ActionNotAllowed("Enter the note.")
    note = save_or_refuse(CaseNote(family=family, author=actor, text=text.strip()))
    audit.record_change(note, event=FamilyAuditEvent.NOTE_WRITTEN, created=True, actor=actor)
    _note_readers_grant(note, family)
    return note


@audit.service
def case_note_correct(*, note: CaseNote, text: str, actor: User) -> CaseNote:
    """Add a correction to a private note, by its author while they may still read it. The original stays as it
    was; the correction shows under it, and exactly the people who read the original read the correction."""
    family = _lock_family(note.family)
    note = CaseNote.objects.select_for_update().get(pk=note.pk)
    can_read = case_notes_for_user(actor, family).filter(pk=note.pk).exists()
    if not can_correct_note(actor, note, can_read=can_read):
        raise ActionNotAllowed("Only the person who wrote a note can correct it, while they can still read it.")
    if note.corrects_id is not None:
        raise ActionNotAllowed("Add your correction to the original note.")
    if not text.strip():
        raise ActionNotAllowed("Enter the correction.")
    correction = save_or_refuse(CaseNote(family=family, author=actor, corrects=note, text=text.strip()))
    audit.record_change(correction, event=FamilyAuditEvent.NOTE_CORRECTED, created=True, actor=actor)
    _note_readers_grant(correction, family)
    return correction


# A read only appends audit entries: inside the page's transaction it needs no savepoint (two queries) of its own.
@audit.service(savepoint=False)
def case_notes_read(*, family: Family, reader: User, limit: int = 50) -> list[CaseNote]:
    """The private notes the reader may see (newest first), each read written to the audit log."""
    notes = list(case_notes_for_user(reader, family).order_by("-created_at", "-pk")[:limit])
    audit.record_reads(instances=notes, actor=reader, event=FamilyAuditEvent.NOTE_READ)
    return notes


@audit.service(savepoint=False)
def case_notes_shown(
    *, family: Family, reader: User, visit_ids: Sequence[int] = (), note_ids: Sequence[int] = ()
) -> list[CaseNote]:
    """The notes a page shows, read and audited, and no others (oldest first): the reader's readable notes written
    after the given visits, the given notes, and the corrections of both. One query however many there are."""
    shown = Q(visit_id__in=visit_ids) | Q(pk__in=note_ids)
    # The corrections as those of the notes shown (a subquery), not through a join to every note's original.
    originals = CaseNote.objects.filter(shown, family=family).values("pk")
    notes = list(
        case_notes_for_user(reader, family)
        .filter(shown | Q(corrects_id__in=Subquery(originals)))
        .order_by("created_at", "pk")
    )
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


def _set_rows(existing: Any, wanted: Sequence[Any], key: str, make: Any, *, event: str, actor: User) -> None:
    """Make a session's attendance rows match ``wanted``, one row at a time, each with its audit entry."""
    wanted_by_pk = {item.pk: item for item in wanted}
    for row in existing:
        if getattr(row, key) not in wanted_by_pk:
            audit.record_change(row, event=event, deleted=True, actor=actor)  # while the row still has its id
            row.delete()
        else:
            del wanted_by_pk[getattr(row, key)]
    for item in wanted_by_pk.values():
        audit.record_change(save_or_refuse(make(item)), event=event, created=True, actor=actor)


@audit.service
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
    event = FamilyAuditEvent.FAMILY_GROUP_RECORDED
    session = save_or_refuse(FamilyGroupSession(scheme_id=scheme_id, held_on=held_on, venue=venue.strip()))
    audit.record_change(session, event=event, created=True, actor=actor)
    _set_rows(
        [],
        helpers,
        "person_id",
        lambda person: FamilyGroupHelper(session=session, person=person),
        event=event,
        actor=actor,
    )
    _set_rows(
        [],
        families,
        "family_id",
        lambda family: FamilyGroupAttendance(session=session, family=family),
        event=event,
        actor=actor,
    )
    return session


@audit.service
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
    event = FamilyAuditEvent.FAMILY_GROUP_CORRECTED
    before = audit.snapshot(session)
    session.held_on = held_on
    session.venue = venue.strip()
    save_or_refuse(session)
    audit.record_change(session, event=event, before=before, actor=actor)
    _set_rows(
        session.helper_rows.all(),
        helpers,
        "person_id",
        lambda person: FamilyGroupHelper(session=session, person=person),
        event=event,
        actor=actor,
    )
    _set_rows(
        session.attendances.all(),
        families,
        "family_id",
        lambda family: FamilyGroupAttendance(session=session, family=family),
        event=event,
        actor=actor,
    )
    return session


# --- Retention: holds, and anonymising a family past its retention (families.retention) -------------------------


@audit.service
def retention_hold_place(*, family: Family, reason: str, actor: User) -> RetentionHold:
    """Hold the family's records: while the hold is open nothing about the family is anonymised, whatever its
    retention date (a legal claim, safeguarding still going on). One open hold at a time, with its reason."""
    family = _lock_family(family)
    if not can_hold_records(actor, family):
        if family.anonymised_on is not None:
            raise ActionNotAllowed(
                f"The family's personal details were anonymised on {family.anonymised_on:%-d %B %Y}: there is "
                "nothing left to hold."
            )
        raise ActionNotAllowed("Only a coordinator of this scheme can place a hold on a family's records.")
    if not reason.strip():
        raise ActionNotAllowed("Enter the reason for the hold.")
    current = retention.open_holds().filter(family=family).first()
    if current is not None:
        raise ActionNotAllowed(
            f"The family's records have been on hold since {timezone.localtime(current.placed_at):%-d %B %Y}. "
            "Lift that hold first if the reason has changed."
        )
    hold = save_or_refuse(
        RetentionHold(family=family, reason=reason.strip(), placed_by=actor, placed_at=timezone.now())
    )
    audit.record_change(
        hold, event=FamilyAuditEvent.RETENTION_HOLD_PLACED, created=True, actor=actor, family_pk=family.pk
    )
    return hold


@audit.service
def retention_hold_lift(*, family: Family, actor: User) -> RetentionHold:
    """Lift the family's hold: from the next retention run the family's records are anonymised if they are past
    their retention date. The hold stays in the family's history, with who lifted it and when."""
    family = _lock_family(family)
    if not can_hold_records(actor, family):
        raise ActionNotAllowed("Only a coordinator of this scheme can lift a hold on a family's records.")
    hold = retention.open_holds().select_for_update().filter(family=family).first()
    if hold is None:
        raise ActionNotAllowed("The family's records are not on hold.")
    before = audit.snapshot(hold)
    hold.lifted_by = actor
    hold.lifted_at = timezone.now()
    save_or_refuse(hold)
    audit.record_change(
        hold, event=FamilyAuditEvent.RETENTION_HOLD_LIFTED, before=before, actor=actor, family_pk=family.pk
    )
    return hold


def _year_only(day: datetime.date | None) -> datetime.date | None:
    """A date of birth or due date as anonymisation keeps it: the year (stored as 1 January), for age figures."""
    return day.replace(month=1, day=1) if day is not None else None


@audit.service
def family_anonymise(*, family: Family, today: datetime.date, actor: User | None = None) -> bool:
    """Anonymise a family whose records are past their retention (``families.retention.families_due``), or finish
    one anonymised before and written to since: names, address, postcode, phone and every free text the families
    app holds about it become "[anonymised]" (or empty where there was nothing); dates of birth and due dates keep
    only the year. The rows stay, so the scheme's
    figures (families, children's ages, referrals and outcomes, support periods, visits, group attendance) still
    count them. Each changed record is in the audit log, with no value it held.

    Checked again under the family's row lock, so a hold placed meanwhile wins: answers False, changing nothing,
    when the family is no longer due.
    """
    family = _lock_family(family)
    if not retention.families_due(today).filter(pk=family.pk).exists():
        return False
    text = core_retention.anonymised_text

    def anonymise(record: Any, **values: Any) -> None:
        record_anonymise(record=record, values=values, actor=actor, family_pk=family.pk)

    for member in family.members.select_for_update().order_by("pk"):
        anonymise(
            member,
            first_name=core_retention.ANONYMISED,
            last_name="",
            relationship=text(member.relationship),
            date_of_birth=_year_only(member.date_of_birth),
            expected_due_date=_year_only(member.expected_due_date),
        )
    for referral in family.referrals.select_for_update().order_by("pk"):
        anonymise(referral, reasons=core_retention.ANONYMISED, outcome_reason=text(referral.outcome_reason))
    for period in family.support_periods.select_for_update().order_by("pk"):
        anonymise(period, end_reason=text(period.end_reason))
    for assignment in family.assignments.select_for_update().order_by("pk"):
        anonymise(assignment, end_reason=text(assignment.end_reason))
    for note in family.case_notes.select_for_update().order_by("pk"):
        anonymise(note, text=core_retention.ANONYMISED)
    for hold in family.retention_holds.select_for_update().order_by("pk"):
        anonymise(hold, reason=core_retention.ANONYMISED)
    anonymise(
        family,
        family_name=core_retention.ANONYMISED,
        address=text(family.address),
        # A postcode field is too short for the marker; emptied, it no longer points at a street.
        postcode="",
        phone=text(family.phone),
        support_end_reason=text(family.support_end_reason),
        anonymised_on=family.anonymised_on or today,  # the first time; a later run only finishes what was added
    )
    return True
