"""A safeguarding referral names only an active professional: the referral page does not offer a retired one (or
anyone at a retired agency), and the referral service refuses one, so a forged form cannot record it either. A
referral recorded before the retirement keeps its recipient."""

from typing import Any

import pytest
from django.urls import reverse
from django.utils import timezone

from consents.models import Disclosure
from families import services as family_services
from homestart.exceptions import ActionNotAllowed
from safeguarding.models import ConcernStep, StepKind
from tests.safeguarding.conftest import decide, discuss, raise_concern, refer, review

pytestmark = pytest.mark.django_db


def _ready_to_refer(world: Any) -> Any:
    concern = raise_concern(world)
    review(world, concern)
    decide(world, concern)
    discuss(world, concern)
    return concern


def _retire_mash(world: Any, how: str) -> None:
    if how == "professional":
        family_services.professional_retire(professional=world.mash, actor=world.coordinator)
    else:
        family_services.agency_retire(agency=world.mash.agency, actor=world.coordinator)


@pytest.mark.parametrize("how", ["professional", "agency"])
def test_concern_refer_refuses_a_retired_recipient(sg_world: Any, how: str) -> None:
    concern = _ready_to_refer(sg_world)
    _retire_mash(sg_world, how)

    with pytest.raises(ActionNotAllowed, match="Pat Duty .* is retired from the directory"):
        refer(sg_world, concern)
    assert not Disclosure.objects.exists()
    assert not ConcernStep.objects.filter(concern=concern, kind=StepKind.REFERRAL).exists()


@pytest.mark.parametrize("how", ["professional", "agency"])
def test_referral_page_offers_no_retired_recipient_and_refuses_a_forged_one(
    client: Any, sg_world: Any, how: str
) -> None:
    concern = _ready_to_refer(sg_world)
    _retire_mash(sg_world, how)
    client.force_login(sg_world.dsl)
    url = reverse("safeguarding:referral", args=[concern.pk])

    page = client.get(url).content.decode()
    assert f'<option value="{sg_world.health_visitor.pk}">' in page
    assert f'<option value="{sg_world.mash.pk}"' not in page and "Pat Duty" not in page
    response = client.post(
        url,
        {
            "recipient": str(sg_world.mash.pk),
            "reference_number": "MASH-1",
            "what_was_shared": "The concern and the address.",
            "method": "phone",
            "referred_on": timezone.localdate().isoformat(),
        },
    )
    assert response.status_code == 200 and "Choose a person from the list" in response.content.decode()
    assert not Disclosure.objects.exists()


def test_a_referral_made_before_the_retirement_keeps_its_recipient(client: Any, sg_world: Any) -> None:
    concern = _ready_to_refer(sg_world)
    refer(sg_world, concern)
    _retire_mash(sg_world, "professional")
    client.force_login(sg_world.dsl)

    html = client.get(reverse("safeguarding:concern_detail", args=[concern.pk])).content.decode()

    assert "Pat Duty" in html and "Portsmouth MASH" in html
    assert Disclosure.objects.get().recipient == sg_world.mash
