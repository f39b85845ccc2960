"""Set-up for safeguarding tests: the core world, a second coordinator in the scheme and the local MASH."""

import datetime
from typing import Any

import pytest
from django.utils import timezone

from families.models import AgencyKind, MemberKind, Professional
from families.services import professional_add
from homestart.models import Role
from safeguarding import services
from safeguarding.models import Concern, ConcernCategory, Decision
from tests.conftest import make_user

ACCOUNT = "Sentinel-Account-7Q: the baby had a bruise on her cheek and mum said she fell."


@pytest.fixture
def sg_world(world: Any) -> Any:
    """The world, plus a coordinator of the scheme who does not coordinate the family, another scheme's lead, and
    a MASH worker."""
    world.colleague = make_user(world.scheme, "colleague", Role.COORDINATOR)
    world.other_dsl = make_user(world.other_scheme, "otherdsl", Role.COORDINATOR, dsl=True)
    world.mash = professional_add(
        scheme=world.scheme,
        agency_name="Portsmouth MASH",
        agency_kind=AgencyKind.CHILDRENS_SOCIAL_CARE,
        name="Pat Duty",
        role="Social worker",
        actor=world.coordinator,
    )
    world.health_visitor = Professional.objects.get(name="Helen Price")
    world.child = world.family.members.get(kind=MemberKind.CHILD)
    return world


def raise_concern(world: Any, *, urgent: bool = False, by: Any = None, days_ago: int = 0) -> Concern:
    return services.concern_raise(
        family=world.family,
        children=[world.child],
        category=ConcernCategory.PHYSICAL,
        account=ACCOUNT,
        observed_on=timezone.localdate() - datetime.timedelta(days=days_ago),
        observed_time=datetime.time(14, 30),
        immediate_danger=urgent,
        actor=by or world.volunteer,
        site_root="https://homestart.example/",
    )


def review(world: Any, concern: Concern) -> None:
    services.concern_review(
        concern=concern,
        notes="Spoke to the volunteer.",
        urgent=False,
        occurred_on=timezone.localdate(),
        actor=world.dsl,
    )


def discuss(world: Any, concern: Concern, actor: Any = None) -> None:
    services.concern_record_discussion(
        concern=concern,
        occurred_on=timezone.localdate(),
        participants="Mother, the coordinator",
        what_was_said="We explained our worry about the bruise.",
        family_response="Mother agreed we should tell children's social care.",
        actor=actor or world.dsl,
    )


def decide(world: Any, concern: Concern, decision: str = Decision.SOCIAL_CARE) -> None:
    services.concern_decide(
        concern=concern,
        decision=decision,
        reason="Unexplained injury to a non-mobile baby.",
        occurred_on=timezone.localdate(),
        actor=world.dsl,
    )


def refer(world: Any, concern: Concern, actor: Any = None) -> Any:
    return services.concern_refer(
        concern=concern,
        recipient=world.mash,
        reference_number="MASH-2026-118",
        what_was_shared="The concern as recorded, the children's names and dates of birth, the address.",
        categories=["contact_details", "household"],
        method="phone",
        referred_on=timezone.localdate(),
        actor=actor or world.dsl,
    )
