"""Logging a visit while a coordinator ends the volunteer's assignment or changes the family's coordinator.

Each service works under the family's row lock, so the two run one after the other whatever the timing: a note is
never left readable by a volunteer no longer assigned, nor unreadable by the family's coordinator (P5, P6)."""

import threading
from collections.abc import Callable
from typing import Any

import pytest
from django.db import connection, transaction
from django.utils import timezone

from families import selectors, services
from families.models import Assignment, CaseNote, Family
from homestart.exceptions import ActionNotAllowed
from homestart.models import Role, User
from tests.conftest import build_world, make_user

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def _visit(world: Any) -> Any:
    return services.visit_log(
        family=Family.objects.get(pk=world.family.pk),
        visited_on=timezone.localdate(),
        duration_minutes=60,
        note_text="Written while the coordinator was changing things.",
        actor=world.volunteer,
    )


def _visit_while(world: Any, change: Callable[[], Any], write: Callable[[Any], Any] = _visit) -> dict[str, Any]:
    """Run ``change`` in a transaction that stays open (its locks held) while ``write`` (a visit with a note, by
    default) runs on another connection; then commit it and let the write finish. What the write answered is
    returned."""
    changed, release, outcome = threading.Event(), threading.Event(), {}

    def coordinator() -> None:
        try:
            with transaction.atomic():
                change()
                changed.set()
                release.wait(timeout=10)
        finally:
            changed.set()
            connection.close()

    def volunteer() -> None:
        try:
            outcome["written"] = write(world)
        except ActionNotAllowed as exc:
            outcome["refused"] = exc.message
        finally:
            connection.close()

    first = threading.Thread(target=coordinator)
    first.start()
    changed.wait(timeout=10)
    second = threading.Thread(target=volunteer)
    second.start()
    second.join(timeout=1)  # with the lock held, the visit waits for the change to commit
    outcome["waited"] = second.is_alive()
    release.set()
    first.join()
    second.join()
    return outcome


@pytest.fixture
def race_world() -> Any:
    return build_world()  # committed, so that both threads' connections see it


def test_a_visit_posted_while_the_assignment_ends_leaves_the_volunteer_no_note(race_world: Any) -> None:
    w = race_world
    assignment = Assignment.objects.get(family=w.family, volunteer=w.volunteer, ended_on__isnull=True)
    outcome = _visit_while(
        w,
        lambda: services.assignment_end(
            assignment=assignment, ended_on=timezone.localdate(), reason="Moved away", actor=w.coordinator
        ),
    )
    assert outcome["waited"], "the visit did not wait for the family's lock"
    assert "refused" in outcome, "a visit was logged by a volunteer whose assignment had ended"
    volunteer = User.objects.get(pk=w.volunteer.pk)
    assert not selectors.case_notes_for_user(volunteer, w.family).exists()


def test_a_note_posted_while_the_coordinator_changes_is_the_new_coordinators_to_read(race_world: Any) -> None:
    w = race_world
    newcomer = make_user(w.scheme, "newcomer", Role.COORDINATOR)
    outcome = _visit_while(
        w,
        lambda: services.family_change_coordinator(
            family=Family.objects.get(pk=w.family.pk), coordinator=newcomer, actor=w.coordinator
        ),
    )
    assert outcome["waited"], "the visit did not wait for the family's lock"
    note = CaseNote.objects.get(visit=outcome["written"])
    assert selectors.case_notes_for_user(User.objects.get(pk=newcomer.pk), w.family).filter(pk=note.pk).exists()
    assert (
        not selectors.case_notes_for_user(User.objects.get(pk=w.coordinator.pk), w.family).filter(pk=note.pk).exists()
    )


def test_a_note_without_a_visit_written_while_the_coordinator_changes_is_the_new_coordinators(race_world: Any) -> None:
    w = race_world
    newcomer = make_user(w.scheme, "newcomer", Role.COORDINATOR)
    outcome = _visit_while(
        w,
        lambda: services.family_change_coordinator(
            family=Family.objects.get(pk=w.family.pk), coordinator=newcomer, actor=w.coordinator
        ),
        lambda world: services.case_note_write(
            family=Family.objects.get(pk=world.family.pk), text="Mum called about the group.", actor=world.volunteer
        ),
    )
    assert outcome["waited"], "the note did not wait for the family's lock"
    note = outcome["written"]
    assert selectors.case_notes_for_user(User.objects.get(pk=newcomer.pk), w.family).filter(pk=note.pk).exists()
    assert (
        not selectors.case_notes_for_user(User.objects.get(pk=w.coordinator.pk), w.family).filter(pk=note.pk).exists()
    )
