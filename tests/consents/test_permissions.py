"""The consents app's permission rules, one test per rule not already covered through the pages."""

from typing import Any

from django.contrib.auth.models import AnonymousUser

from consents.permissions import can_read_wordings


def test_administrators_and_coordinators_read_the_wordings_no_one_else(world: Any) -> None:
    assert can_read_wordings(world.administrator)
    assert can_read_wordings(world.coordinator) and can_read_wordings(world.dsl)
    assert can_read_wordings(world.other_coordinator)  # the wordings of their own scheme
    assert not can_read_wordings(world.volunteer)
    assert not can_read_wordings(AnonymousUser())
