"""A note's readers are granted in one INSERT of this product's (families.services._grant): the rows are the ones
django-guardian's ``assign_perm`` writes, and guardian answers about them as about its own."""

from typing import Any

import pytest
from guardian.core import ObjectPermissionChecker
from guardian.shortcuts import assign_perm, get_users_with_perms, remove_perm

from families import services
from families.models import CaseNoteUserObjectPermission
from tests.conftest import World, log_visit

VIEW_NOTE = "families.view_casenote"


def _rows(note: Any) -> set[tuple[int, int]]:
    return set(CaseNoteUserObjectPermission.objects.filter(content_object=note).values_list("permission_id", "user_id"))


def test_a_new_notes_grants_are_the_rows_guardians_assign_perm_writes(world: World) -> None:
    note = log_visit(world.family, world.volunteer, "Tired; baby teething.").note
    granted = _rows(note)
    readers = [world.volunteer, world.coordinator]
    remove_perm(VIEW_NOTE, world.volunteer, note)
    remove_perm(VIEW_NOTE, world.coordinator, note)
    assert _rows(note) == set()
    assign_perm(VIEW_NOTE, readers, note)
    assert granted == _rows(note)
    assert len(granted) == 2


def test_guardian_answers_that_the_author_and_the_coordinator_read_the_note_and_nobody_else(world: World) -> None:
    note = log_visit(world.family, world.volunteer, "Asked about the food bank.").note
    readers = get_users_with_perms(note, only_with_perms_in=["view_casenote"], with_group_users=False)
    assert set(readers) == {world.volunteer, world.coordinator}
    for user in (world.volunteer, world.coordinator):
        assert ObjectPermissionChecker(user).has_perm("view_casenote", note)
    for user in (world.dsl, world.other_volunteer, world.other_coordinator, world.administrator):
        assert not ObjectPermissionChecker(user).has_perm("view_casenote", note)


def test_granting_again_leaves_one_row_a_reader_as_guardian_does(world: World) -> None:
    note = log_visit(world.family, world.volunteer, "Walked to the children's centre.").note
    before = _rows(note)
    services._note_readers_grant(note, world.family)
    assert _rows(note) == before
    assert CaseNoteUserObjectPermission.objects.filter(content_object=note).count() == 2


@pytest.mark.parametrize("reader", ["volunteer", "coordinator"])
def test_one_reader_alone_is_granted_alone(world: World, reader: str) -> None:
    note = log_visit(world.family, world.volunteer, "Short visit.").note
    user = getattr(world, reader)
    remove_perm(VIEW_NOTE, world.volunteer, note)
    remove_perm(VIEW_NOTE, world.coordinator, note)
    services._grant(VIEW_NOTE, [user.pk], note)
    assert {user_id for _permission, user_id in _rows(note)} == {user.pk}
