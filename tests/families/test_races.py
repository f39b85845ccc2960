"""Logging a visit while a coordinator ends the volunteer's assignment or changes the family's coordinator.

Each service works under the family's row lock, so the two run one after the other whatever the timing: a note is
never left readable by a volunteer no longer assigned, nor unreadable by the family's coordinator (P5, P6)."""

from collections.abc import Callable
from typing import Any

import pytest
from django.utils import timezone

from families import selectors, services
from families.models import Assignment, CaseNote, Family
from homestart.models import Role, User
from tests.conftest import build_world, make_user
from tests.races import write_while

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def _visit(world: Any) -> Callable[[], Any]:
    return lambda: services.visit_log(
        family=Family.objects.get(pk=world.family.pk),
        visited_on=timezone.localdate(),
        duration_minutes=60,
        note_text="Written while the coordinator was changing things.",
        actor=world.volunteer,
    )


@pytest.fixture
def race_world() -> Any:
    return build_world()  # committed, so that both threads' connections see it


def test_a_visit_posted_while_the_assignment_ends_leaves_the_volunteer_no_note(race_world: Any) -> None:
    w = race_world
    assignment = Assignment.objects.get(family=w.family, volunteer=w.volunteer, ended_on__isnull=True)
    outcome = write_while(
        lambda: services.assignment_end(
            assignment=assignment, ended_on=timezone.localdate(), reason="Moved away", actor=w.coordinator
        ),
        _visit(w),
    )
    assert outcome["waited"], "the visit did not wait for the family's lock"
    assert "refused" in outcome, "a visit was logged by a volunteer whose assignment had ended"
    volunteer = User.objects.get(pk=w.volunteer.pk)
    assert not selectors.case_notes_for_user(volunteer, w.family).exists()


def _note_written_while_the_coordinator_changes(w: Any, write: Callable[[], Any]) -> None:
    """``write`` (a visit with its note, or a note) runs while the family is handed to a new coordinator: the note it
    wrote is the new coordinator's to read, and no longer the previous one's."""
    newcomer = make_user(w.scheme, "newcomer", Role.COORDINATOR)
    outcome = write_while(
        lambda: services.family_change_coordinator(
            family=Family.objects.get(pk=w.family.pk), coordinator=newcomer, actor=w.coordinator
        ),
        write,
    )
    assert outcome["waited"], "the note did not wait for the family's lock"
    written = outcome["written"]
    note = written if isinstance(written, CaseNote) else CaseNote.objects.get(visit=written)
    readable = selectors.case_notes_for_user
    assert readable(User.objects.get(pk=newcomer.pk), w.family).filter(pk=note.pk).exists()
    assert not readable(User.objects.get(pk=w.coordinator.pk), w.family).filter(pk=note.pk).exists()


def test_a_note_posted_while_the_coordinator_changes_is_the_new_coordinators_to_read(race_world: Any) -> None:
    _note_written_while_the_coordinator_changes(race_world, _visit(race_world))


def test_a_note_without_a_visit_written_while_the_coordinator_changes_is_the_new_coordinators(race_world: Any) -> None:
    w = race_world
    _note_written_while_the_coordinator_changes(
        w,
        lambda: services.case_note_write(
            family=Family.objects.get(pk=w.family.pk), text="Mum called about the group.", actor=w.volunteer
        ),
    )
