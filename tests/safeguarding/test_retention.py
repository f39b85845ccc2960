"""A concern is held until the youngest child concerned is 25, recomputed as the household changes, never earlier.

families announces a child added, born or with corrected dates (``families.hooks.children_changed``); safeguarding
recomputes in ``concerns_retention_recompute``. The service only moves a date later, and on PostgreSQL a trigger
(migration 0003) refuses any UPDATE that would move it earlier, whoever runs it.
"""

import datetime
from typing import Any

import pytest
from django.db import IntegrityError, InternalError, connection, transaction
from django.utils import timezone

from families import services as family_services
from families.models import MemberKind
from homestart.exceptions import ActionNotAllowed
from safeguarding import services
from safeguarding.models import Concern, ConcernCategory
from tests.safeguarding.conftest import raise_concern

TODAY = timezone.localdate


def _concern_about(world: Any, children: list) -> Concern:
    return services.concern_raise(
        family=world.family,
        children=children,
        category=ConcernCategory.NEGLECT,
        account="Sentinel-Retention: the house was cold.",
        observed_on=TODAY(),
        observed_time=None,
        immediate_danger=False,
        actor=world.coordinator,
        site_root="https://homestart.example/",
    )


def _held(concern: Concern) -> datetime.date:
    return Concern.objects.get(pk=concern.pk).retain_until


def _25th_birthday(day: datetime.date) -> datetime.date:
    return services._add_years(day, services.RETAIN_FOR_YEARS)


def test_a_new_baby_extends_a_concern_about_the_whole_family_but_not_one_about_another_child(sg_world: Any) -> None:
    about_tobi = raise_concern(sg_world)
    about_family = _concern_about(sg_world, [])
    assert _held(about_family) == _25th_birthday(sg_world.child.date_of_birth)
    due = TODAY() + datetime.timedelta(days=90)
    family_services.household_member_add(
        family=sg_world.family, kind=MemberKind.CHILD, first_name="Baby", expected_due_date=due,
        actor=sg_world.coordinator,
    )  # fmt: skip
    assert _held(about_family) == _25th_birthday(due)
    assert _held(about_tobi) == _25th_birthday(sg_world.child.date_of_birth)


def test_a_baby_born_early_never_shortens_how_long_a_concern_is_held(sg_world: Any) -> None:
    due = TODAY() + datetime.timedelta(days=5)
    baby = family_services.household_member_add(
        family=sg_world.family, kind=MemberKind.CHILD, first_name="Baby", expected_due_date=due,
        actor=sg_world.coordinator,
    )  # fmt: skip
    concern = _concern_about(sg_world, [baby])
    assert _held(concern) == _25th_birthday(due)
    family_services.household_member_born(
        member=baby, date_of_birth=TODAY() - datetime.timedelta(days=10), actor=sg_world.coordinator
    )
    assert _held(concern) == _25th_birthday(due)  # born before the due date: the later date stands


def test_a_baby_born_late_holds_the_concern_longer(sg_world: Any) -> None:
    due = TODAY() - datetime.timedelta(days=20)
    baby = family_services.household_member_add(
        family=sg_world.family, kind=MemberKind.CHILD, first_name="Baby", expected_due_date=due,
        actor=sg_world.coordinator,
    )  # fmt: skip
    concern = _concern_about(sg_world, [baby])
    family_services.household_member_born(
        member=baby, date_of_birth=TODAY() - datetime.timedelta(days=2), actor=sg_world.coordinator
    )
    assert _held(concern) == _25th_birthday(TODAY() - datetime.timedelta(days=2))


def test_a_corrected_date_of_birth_moves_the_date_later_but_never_earlier(sg_world: Any) -> None:
    concern = raise_concern(sg_world)
    born = sg_world.child.date_of_birth
    later, earlier = born + datetime.timedelta(days=40), born - datetime.timedelta(days=400)
    family_services.household_member_correct(
        member=sg_world.child, first_name="Tobi", date_of_birth=later, actor=sg_world.coordinator
    )
    assert _held(concern) == _25th_birthday(later)
    family_services.household_member_correct(
        member=sg_world.child, first_name="Tobi", date_of_birth=earlier, actor=sg_world.coordinator
    )
    assert _held(concern) == _25th_birthday(later)


def test_the_service_refuses_to_move_a_retention_date_earlier(sg_world: Any) -> None:
    concern = raise_concern(sg_world)
    held = concern.retain_until
    with pytest.raises(ActionNotAllowed, match="only move later"):
        services._hold_until(concern, held - datetime.timedelta(days=1), actor=sg_world.dsl)
    assert _held(concern) == held


def test_recomputing_for_a_family_without_concerns_changes_nothing(sg_world: Any) -> None:
    assert services.concerns_retention_recompute(family=sg_world.family, children=[sg_world.child]) == []


@pytest.mark.postgres
def test_the_database_refuses_an_update_that_moves_a_retention_date_earlier(sg_world: Any) -> None:
    concern = raise_concern(sg_world)
    held = concern.retain_until
    with pytest.raises((IntegrityError, InternalError)), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(
            "UPDATE safeguarding_concern SET retain_until = %s WHERE id = %s",
            [held - datetime.timedelta(days=1), concern.pk],
        )
    assert _held(concern) == held
    with pytest.raises((IntegrityError, InternalError)), transaction.atomic():
        Concern.objects.filter(pk=concern.pk).update(retain_until=datetime.date(2000, 1, 1))
    assert _held(concern) == held
    # Later is allowed, and so is any other change to the row.
    with connection.cursor() as cursor:
        cursor.execute(
            "UPDATE safeguarding_concern SET retain_until = %s, urgent = true WHERE id = %s",
            [held + datetime.timedelta(days=1), concern.pk],
        )
    assert _held(concern) == held + datetime.timedelta(days=1)
