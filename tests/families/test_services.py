"""The family services: lifecycle, who may see what after each step, and the audit trail each leaves."""

import datetime
from typing import Any

import pytest
from django.contrib.auth.models import Permission
from django.utils import timezone

from families import selectors, services
from families.audit import FamilyAuditEvent
from families.models import Assignment, CaseNote, Family, FamilyStatus, ReferralOutcome
from homestart.exceptions import ActionNotAllowed
from homestart.models import AuditEntry, Role, User
from tests.conftest import log_visit, make_family, make_user

TODAY = timezone.localdate


def _entries_for(instance: Any, action: int) -> Any:
    return AuditEntry.objects.filter(
        object_pk=str(instance.pk), action=action, content_type__model=instance._meta.model_name
    )


def test_referral_creates_referred_family_with_scheme_reference(world: Any) -> None:
    family = make_family(world.coordinator, "Nowak", accept=False)
    assert family.status == FamilyStatus.REFERRED
    assert (
        family.reference
        == f"PMH-{(TODAY() - datetime.timedelta(days=30)).year}-{Family.objects.filter(scheme=world.scheme).count():04d}"
    )
    assert family.lead_coordinator == world.coordinator
    assert family.members.count() == 2
    entry = _entries_for(family, AuditEntry.Action.CREATE).get()
    assert (entry.actor, entry.event, entry.family_pk) == (
        world.coordinator,
        FamilyAuditEvent.REFERRAL_RECEIVED,
        family.pk,
    )
    assert entry.changes["family_name"] == ["[not recorded]", "[not recorded]"]
    assert "Nowak" not in str(entry.changes)


def _trail(family: Family, since: int) -> list[tuple[str, int, str]]:
    """What the log says happened to the family after entry ``since``: (model, action, event), in order."""
    return [
        (entry.content_type.model, entry.action, entry.event)
        for entry in AuditEntry.objects.filter(pk__gt=since, family_pk=family.pk).order_by("pk")
    ]


def test_every_row_a_service_writes_gets_an_entry_with_the_services_event(world: Any) -> None:
    """From referral to the end of support: the family, each household member, the referral, the assignment, the
    support period, the visit and its note each have their own entry, named for what the coordinator or volunteer
    did, about the family, by the person who did it."""
    create, update = AuditEntry.Action.CREATE, AuditEntry.Action.UPDATE
    event = FamilyAuditEvent
    start = AuditEntry.objects.order_by("-pk").values_list("pk", flat=True).first()
    family = make_family(world.coordinator, "Nowak", accept=False)
    assert _trail(family, start) == [
        ("family", create, event.REFERRAL_RECEIVED),
        ("householdmember", create, event.MEMBER_ADDED),
        ("householdmember", create, event.MEMBER_ADDED),
        ("referral", create, event.REFERRAL_RECEIVED),
    ]
    steps = AuditEntry.objects.order_by("-pk").values_list("pk", flat=True).first()
    services.referral_decide(referral=family.referrals.get(), outcome=ReferralOutcome.ACCEPTED, actor=world.dsl)
    services.assignment_start(family=family, volunteer=world.other_volunteer, started_on=TODAY(), actor=world.dsl)
    log_visit(family, world.other_volunteer, note="A first visit.", days_ago=0)
    services.family_end_support(family=family, ended_on=TODAY(), reason="Goals reached.", actor=world.dsl)
    assert _trail(family, steps) == [
        ("family", update, event.REFERRAL_DECIDED),
        ("referral", update, event.REFERRAL_DECIDED),
        ("assignment", create, event.VOLUNTEER_ASSIGNED),
        ("supportperiod", create, event.VOLUNTEER_ASSIGNED),
        ("family", update, event.VOLUNTEER_ASSIGNED),
        ("visit", create, event.VISIT_LOGGED),
        ("casenote", create, event.NOTE_WRITTEN),
        ("assignment", update, event.SUPPORT_ENDED),
        ("supportperiod", update, event.SUPPORT_ENDED),
        ("family", update, event.SUPPORT_ENDED),
    ]
    by_whom = set(AuditEntry.objects.filter(pk__gt=steps, family_pk=family.pk).values_list("event", "actor"))
    assert by_whom == {
        (event.REFERRAL_DECIDED, world.dsl.pk),
        (event.VOLUNTEER_ASSIGNED, world.dsl.pk),
        (event.VISIT_LOGGED, world.other_volunteer.pk),
        (event.NOTE_WRITTEN, world.other_volunteer.pk),
        (event.SUPPORT_ENDED, world.dsl.pk),
    }


def test_only_coordinators_take_referrals(world: Any) -> None:
    for user in (world.volunteer, world.administrator):
        with pytest.raises(ActionNotAllowed):
            make_family(user, "Nowak", accept=False)


def test_referral_decisions_move_the_family(world: Any) -> None:
    waiting = make_family(world.coordinator, "Hughes", accept=False)
    referral = waiting.referrals.get()
    services.referral_decide(referral=referral, outcome=ReferralOutcome.WAITING_LIST, actor=world.coordinator)
    waiting.refresh_from_db()
    assert waiting.status == FamilyStatus.WAITING_LIST
    services.referral_decide(referral=referral, outcome=ReferralOutcome.ACCEPTED, actor=world.dsl)
    waiting.refresh_from_db()
    assert waiting.status == FamilyStatus.AWAITING_VOLUNTEER
    with pytest.raises(ActionNotAllowed, match="already been decided"):
        services.referral_decide(
            referral=referral, outcome=ReferralOutcome.DECLINED, reason="x", actor=world.coordinator
        )


def test_declining_needs_a_reason(world: Any) -> None:
    family = make_family(world.coordinator, "Clarke", accept=False)
    with pytest.raises(ActionNotAllowed, match="reason"):
        services.referral_decide(
            referral=family.referrals.get(), outcome=ReferralOutcome.DECLINED, actor=world.coordinator
        )
    services.referral_decide(
        referral=family.referrals.get(),
        outcome=ReferralOutcome.DECLINED,
        reason="Outside our area",
        actor=world.coordinator,
    )
    family.refresh_from_db()
    assert family.status == FamilyStatus.NOT_ACCEPTED


def test_other_schemes_coordinator_cannot_act_on_a_family(world: Any) -> None:
    with pytest.raises(ActionNotAllowed):
        services.family_end_support(family=world.family, ended_on=TODAY(), reason="x", actor=world.other_coordinator)
    with pytest.raises(ActionNotAllowed):
        services.referral_decide(
            referral=make_family(world.coordinator, "Nowak", accept=False).referrals.get(),
            outcome=ReferralOutcome.ACCEPTED,
            actor=world.other_coordinator,
        )


def test_volunteer_sees_family_only_while_assigned(world: Any) -> None:
    assert world.family in selectors.families_for_user(world.volunteer)
    assert world.family not in selectors.families_for_user(world.other_volunteer)
    assignment = Assignment.objects.get(family=world.family, volunteer=world.volunteer)
    services.assignment_end(assignment=assignment, ended_on=TODAY(), reason="Moved away", actor=world.coordinator)
    assert world.family not in selectors.families_for_user(world.volunteer)
    world.family.refresh_from_db()
    assert world.family.status == FamilyStatus.AWAITING_VOLUNTEER


def test_assignment_refuses_wrong_people_and_states(world: Any) -> None:
    other_scheme_volunteer = make_user(world.other_scheme, "farvolunteer", Role.VOLUNTEER)
    with pytest.raises(ActionNotAllowed, match="volunteer from this scheme"):
        services.assignment_start(
            family=world.family, volunteer=other_scheme_volunteer, started_on=TODAY(), actor=world.coordinator
        )
    with pytest.raises(ActionNotAllowed, match="volunteer from this scheme"):
        services.assignment_start(family=world.family, volunteer=world.dsl, started_on=TODAY(), actor=world.coordinator)
    with pytest.raises(ActionNotAllowed, match="already assigned"):
        services.assignment_start(
            family=world.family, volunteer=world.volunteer, started_on=TODAY(), actor=world.coordinator
        )
    referred = make_family(world.coordinator, "Nowak", accept=False)
    with pytest.raises(ActionNotAllowed, match="referral is accepted"):
        services.assignment_start(
            family=referred, volunteer=world.other_volunteer, started_on=TODAY(), actor=world.coordinator
        )
    with pytest.raises(ActionNotAllowed, match="future"):
        services.assignment_start(
            family=world.family,
            volunteer=world.other_volunteer,
            started_on=TODAY() + datetime.timedelta(days=1),
            actor=world.coordinator,
        )
    with pytest.raises(ActionNotAllowed):
        services.assignment_start(
            family=world.family, volunteer=world.other_volunteer, started_on=TODAY(), actor=world.volunteer
        )


def test_note_readable_only_by_author_while_assigned_and_family_coordinator(world: Any) -> None:
    services.assignment_start(
        family=world.family, volunteer=world.other_volunteer, started_on=TODAY(), actor=world.coordinator
    )
    log_visit(world.family, world.volunteer, note="first volunteer's note")
    log_visit(world.family, world.other_volunteer, note="second volunteer's note")

    def texts(user: User) -> set[str]:
        return {note.text for note in selectors.case_notes_for_user(user, world.family)}

    assert texts(world.volunteer) == {"first volunteer's note"}
    assert texts(world.other_volunteer) == {"second volunteer's note"}
    assert texts(world.coordinator) == {"first volunteer's note", "second volunteer's note"}
    assert texts(world.dsl) == set()  # a safeguarding lead is not the family's coordinator
    assert texts(world.administrator) == set()
    assert texts(world.other_coordinator) == set()

    assignment = Assignment.objects.get(family=world.family, volunteer=world.volunteer, ended_on__isnull=True)
    services.assignment_end(assignment=assignment, ended_on=TODAY(), actor=world.coordinator)
    assert texts(world.volunteer) == set()
    assert len(texts(world.coordinator)) == 2

    services.assignment_start(
        family=world.family, volunteer=world.volunteer, started_on=TODAY(), actor=world.coordinator
    )
    assert texts(world.volunteer) == {"first volunteer's note"}


def test_changing_coordinator_moves_note_access(world: Any) -> None:
    log_visit(world.family, world.volunteer, note="a note")
    services.family_change_coordinator(family=world.family, coordinator=world.dsl, actor=world.coordinator)
    assert not selectors.case_notes_for_user(world.coordinator, world.family).exists()
    assert selectors.case_notes_for_user(world.dsl, world.family).count() == 1
    entry = _entries_for(world.family, AuditEntry.Action.UPDATE).latest("timestamp")
    assert entry.changes["lead_coordinator"] == [str(world.coordinator.pk), str(world.dsl.pk)]
    assert (entry.event, entry.actor) == (FamilyAuditEvent.COORDINATOR_CHANGED, world.coordinator)
    with pytest.raises(ActionNotAllowed):
        services.family_change_coordinator(family=world.family, coordinator=world.volunteer, actor=world.dsl)


def test_no_superuser_or_global_permission_bypass(world: Any) -> None:
    """SECURITY 3: superuser status and global permissions grant no family or note."""
    log_visit(world.family, world.volunteer, note="a note")
    # No service makes anyone a superuser or grants global permissions; simulate an operator doing it by hand.
    intruder = User.objects.get(pk=world.other_volunteer.pk)
    intruder.is_superuser = True
    intruder.save()
    intruder.user_permissions.add(*Permission.objects.filter(codename__in=["view_family", "view_casenote"]))
    intruder = User.objects.get(pk=intruder.pk)
    assert not selectors.families_for_user(intruder).exists()
    assert not selectors.case_notes_for_user(intruder, world.family).exists()


def test_end_support_ends_every_assignment(world: Any) -> None:
    services.assignment_start(
        family=world.family, volunteer=world.other_volunteer, started_on=TODAY(), actor=world.coordinator
    )
    with pytest.raises(ActionNotAllowed, match="reason"):
        services.family_end_support(family=world.family, ended_on=TODAY(), reason=" ", actor=world.coordinator)
    services.family_end_support(family=world.family, ended_on=TODAY(), reason="Goals reached", actor=world.coordinator)
    world.family.refresh_from_db()
    assert world.family.status == FamilyStatus.ENDED
    assert not Assignment.objects.filter(family=world.family, ended_on__isnull=True).exists()
    assert not selectors.families_for_user(world.volunteer).exists()
    assert not selectors.families_for_user(world.other_volunteer).exists()
    with pytest.raises(ActionNotAllowed):
        services.family_end_support(family=world.family, ended_on=TODAY(), reason="again", actor=world.coordinator)


def test_only_the_assigned_volunteer_logs_visits(world: Any) -> None:
    for user in (world.other_volunteer, world.coordinator, world.administrator):
        with pytest.raises(ActionNotAllowed):
            log_visit(world.family, user, note="x")
    with pytest.raises(ActionNotAllowed, match="future"):
        log_visit(world.family, world.volunteer, days_ago=-1)
    visit = log_visit(world.family, world.volunteer, note="")
    assert not CaseNote.objects.filter(visit=visit).exists()  # an empty note is not stored


def test_reading_notes_writes_one_access_entry_per_note(world: Any) -> None:
    log_visit(world.family, world.volunteer, note="one")
    log_visit(world.family, world.volunteer, note="two", days_ago=2)
    notes = services.case_notes_read(family=world.family, reader=world.coordinator)
    assert len(notes) == 2
    entries = AuditEntry.objects.filter(event=FamilyAuditEvent.NOTE_READ, action=AuditEntry.Action.ACCESS)
    assert entries.count() == 2
    assert {e.actor_id for e in entries} == {world.coordinator.pk}
    assert {e.object_pk for e in entries} == {str(n.pk) for n in notes}
    assert services.case_notes_read(family=world.family, reader=world.dsl) == []
    assert AuditEntry.objects.filter(event=FamilyAuditEvent.NOTE_READ).count() == 2


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_two_coordinators_assigning_the_same_volunteer_at_once_make_one_assignment() -> None:
    """SECURITY 26: the family row lock serialises concurrent assignments of the same volunteer."""
    import threading

    from django.db import connection

    from tests.conftest import make_scheme

    scheme = make_scheme("RACE")
    first = make_user(scheme, "c1", Role.COORDINATOR)
    second = make_user(scheme, "c2", Role.COORDINATOR)
    volunteer = make_user(scheme, "v1", Role.VOLUNTEER)
    for round_ in range(10):
        family = make_family(first, f"Race{round_}")
        barrier = threading.Barrier(2)
        outcomes: list[str] = []

        def assign(
            actor: User, family: Family = family, barrier: threading.Barrier = barrier, outcomes: list = outcomes
        ) -> None:
            barrier.wait()
            try:
                services.assignment_start(
                    family=family, volunteer=volunteer, started_on=TODAY(), confirmed=True, actor=actor
                )
                outcomes.append("ok")
            except ActionNotAllowed:
                outcomes.append("refused")
            finally:
                connection.close()

        threads = [threading.Thread(target=assign, args=(actor,)) for actor in (first, second)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        assert sorted(outcomes) == ["ok", "refused"]
        assert Assignment.objects.filter(family=family, volunteer=volunteer, ended_on__isnull=True).count() == 1
