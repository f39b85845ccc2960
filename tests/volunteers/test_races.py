"""Recording a supervision session while the coordinator of a family discussed in it changes (P9).

The part about the family is given to the family's lead coordinator under the family's row lock, the lock the
change takes: whatever the timing, the part ends up readable by the coordinator the family has afterwards."""

import pytest
from django.utils import timezone

from families import services as family_services
from families.models import Family
from homestart.models import Role, User
from tests.conftest import build_world, make_user
from tests.races import write_while
from volunteers import selectors, services

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def test_a_part_recorded_while_the_familys_coordinator_changes_is_the_new_coordinators() -> None:
    w = build_world()  # committed, so that both threads' connections see it
    newcomer = make_user(w.scheme, "newcomer", Role.COORDINATOR)
    holder = make_user(w.scheme, "holder", Role.COORDINATOR)  # holds the session; neither old nor new lead
    outcome = write_while(
        lambda: family_services.family_change_coordinator(
            family=Family.objects.get(pk=w.family.pk), coordinator=newcomer, actor=w.coordinator
        ),
        lambda: services.supervision_record(
            volunteer=w.volunteer,
            held_on=timezone.localdate(),
            notes="Getting on well.",
            discussed=[services.DiscussedFamily(Family.objects.get(pk=w.family.pk), "Mum is sleeping better.")],
            actor=holder,
        ),
    )
    assert outcome["waited"], "the session did not wait for the family's lock"
    session = outcome["written"]
    part = session.families_discussed.get()
    assert selectors.supervision_parts_for_user(User.objects.get(pk=newcomer.pk)).filter(pk=part.pk).exists()
    assert not selectors.supervision_parts_for_user(User.objects.get(pk=w.coordinator.pk)).filter(pk=part.pk).exists()
