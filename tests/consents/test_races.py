"""Sending the support-agreed notices while a coordinator changes the family's health visitor (P2, P3).

The notices are sent under the family's row lock, the lock the change takes; the family's professionals are read
after it, so the notice goes to the health visitor the family has once the change is committed, never to the one
it had before."""

from typing import Any

import pytest

from consents import services
from consents.models import Disclosure
from families import services as family_services
from families.models import Family, Professional
from tests.conftest import build_world, make_family
from tests.consents.conftest import add_gp, publish_wordings, signed_information_consent
from tests.races import write_while

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def test_notices_sent_while_the_health_visitor_changes_go_to_the_new_one() -> None:
    world: Any = build_world()  # committed, so that both threads' connections see it
    publish_wordings(world.scheme, world.administrator)
    helen = Professional.objects.get(name="Helen Price")
    gp = add_gp(world)
    # Self-referred, so the health visitor is the only professional the notice is for.
    world.family = make_family(world.coordinator, "Adeyemi", volunteer=world.volunteer, health_visitor=helen)
    world.health_visitor = helen
    signed_information_consent(world, recipients=[helen, gp])

    outcome = write_while(
        lambda: family_services.family_change_health_visitor(
            family=Family.objects.get(pk=world.family.pk), health_visitor=gp, actor=world.coordinator
        ),
        lambda: services.support_agreed_notices_send(
            family=Family.objects.get(pk=world.family.pk), method="letter", actor=world.coordinator
        ),
    )
    assert outcome["waited"], "the notices did not wait for the family's lock"
    assert "refused" not in outcome, outcome.get("refused")
    assert [disclosure.recipient for _letter, _document, disclosure in outcome["written"]] == [gp]
    assert not Disclosure.objects.filter(family=world.family, recipient=helen).exists()
