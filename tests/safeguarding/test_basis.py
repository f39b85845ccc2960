"""The safeguarding basis of the disclosure register (consents.bases), registered by this app at start-up."""

from typing import Any

import pytest

from consents import bases
from consents import selectors as consent_selectors
from consents import services as consent_services
from consents.models import Disclosure
from tests.safeguarding.conftest import decide, discuss, raise_concern, refer, review


def _referred(world: Any) -> Any:
    concern = raise_concern(world)
    review(world, concern)
    decide(world, concern)
    discuss(world, concern)
    return concern, refer(world, concern)


def test_the_referral_step_is_the_link_between_the_disclosure_and_its_concern(sg_world: Any) -> None:
    concern, step = _referred(sg_world)
    disclosure = Disclosure.objects.get()
    assert disclosure.concern_step == step and step.concern == concern
    assert disclosure.basis_link.text == f"Safeguarding: concern {concern.pk}"
    assert disclosure.basis_link.url == f"/safeguarding/concerns/{concern.pk}/"


def test_without_its_registration_a_referral_is_refused_and_earlier_ones_are_hidden(
    sg_world: Any, monkeypatch: Any
) -> None:
    """Nothing leaves on a basis nobody registered, and the register never shows a row it cannot vouch for."""
    _referred(sg_world)
    assert consent_selectors.disclosures(sg_world.dsl).count() == 1
    monkeypatch.setattr(bases, "BASES", {k: v for k, v in bases.BASES.items() if k != "safeguarding"})
    assert consent_selectors.disclosures(sg_world.dsl).count() == 0
    concern = raise_concern(sg_world)
    review(sg_world, concern)
    decide(sg_world, concern)
    discuss(sg_world, concern)
    with pytest.raises(consent_services.DisclosureRefused, match="without a lawful basis"):
        refer(sg_world, concern)
    assert Disclosure.objects.count() == 1


def test_a_safeguarding_disclosure_is_listed_only_for_those_who_may_read_the_concern(sg_world: Any) -> None:
    _referred(sg_world)
    assert consent_selectors.disclosures(sg_world.dsl).count() == 1
    assert consent_selectors.disclosures(sg_world.coordinator).count() == 1  # the family's coordinator
    assert consent_selectors.disclosures(sg_world.colleague).count() == 0
    assert consent_selectors.disclosures(sg_world.other_dsl).count() == 0
