"""SECURITY 2 and 19 for supervision (P9): sentinel sentences written in a supervision record reach only the
people the rule names, on every page of the project, and never the audit log.

The DSL holds the session with the volunteer, about the family the coordinator leads. So the general notes and
the general action are for the volunteer and the DSL; the part about the family and the action about it are also
for the coordinator; nobody else sees any of it.
"""

import datetime
from typing import Any

import pytest
from django.urls import reverse
from django.utils import timezone

from homestart.models import AuditEntry
from tests.homestart.test_authorization import ROLES
from tests.homestart.test_sentinel import _all_get_responses
from volunteers import services

GENERAL = "Sentinel-S1 the volunteer spoke about her own bereavement"
PART = "Sentinel-S2 said the father of the baby is back in touch"
FAMILY_ACTION = "Sentinel-S3 check the nursery place"
GENERAL_ACTION = "Sentinel-S4 book counselling sessions"

WHOLE_RECORD_READERS = {"volunteer", "dsl"}
PART_READERS = {"volunteer", "dsl", "coordinator"}


@pytest.fixture
def sentinel_world(world: Any) -> Any:
    today = timezone.localdate()
    world.sentinel_session = services.supervision_record(
        volunteer=world.volunteer,
        held_on=today,
        notes=GENERAL,
        discussed=[services.DiscussedFamily(world.family, PART)],
        actions=[
            services.AgreedAction(FAMILY_ACTION, today + datetime.timedelta(days=5), world.family),
            services.AgreedAction(GENERAL_ACTION, today + datetime.timedelta(days=9)),
        ],
        actor=world.dsl,
    )
    return world


@pytest.mark.parametrize("role", ROLES)
def test_p9_supervision_text_reaches_only_the_people_the_rule_names(
    client: Any, sentinel_world: Any, role: str
) -> None:
    html = _all_get_responses(client, sentinel_world, sentinel_world.role(role))
    html += client.get(
        reverse("volunteers:supervision_detail", args=[sentinel_world.sentinel_session.pk]), follow=True
    ).content.decode()
    for text, readers in [
        (GENERAL, WHOLE_RECORD_READERS),
        (GENERAL_ACTION, WHOLE_RECORD_READERS),
        (PART, PART_READERS),
        (FAMILY_ACTION, PART_READERS),
    ]:
        if role in readers:
            assert text in html, f"{role} should be able to read {text!r}"
        else:
            assert text not in html, f"{role} saw {text!r}"


def test_supervision_text_never_in_the_audit_log(client: Any, sentinel_world: Any) -> None:
    for person in (sentinel_world.dsl, sentinel_world.volunteer, sentinel_world.coordinator):
        _all_get_responses(client, sentinel_world, person)
        client.get(reverse("volunteers:supervision_detail", args=[sentinel_world.sentinel_session.pk]))
    action = sentinel_world.sentinel_session.actions.first()
    services.supervision_action_complete(action=action, actor=sentinel_world.volunteer)
    assert AuditEntry.objects.filter(event="supervision_read").count() >= 4
    for entry in AuditEntry.objects.all():
        blob = " ".join(
            str(value)
            for value in (
                entry.object_repr,
                entry.changes,
                entry.changes_text,
                entry.additional_data,
                entry.serialized_data,
            )
        )
        assert "Sentinel-S" not in blob
