"""Set-up for the retention tests: families whose support ended, made through the services on the day it happened.

Each helper travels to the day something happened (time-machine, time standing still) and records it there, as
the pages would have; the tests then run the rules on a later day. Sentinel strings stand in every personal
field, so a test can show none is left anywhere once the family is anonymised.
"""

import datetime
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import time_machine
from django.utils import timezone

from families import services as family_services
from families.models import Family, HouseholdMember, MemberKind, Professional, ReferralOutcome
from homestart.models import User

# The day the tests' schemes, people and families begin: long enough ago that every later day a test runs the rules
# on is still in the past for the database too (its triggers compare safeguarding dates with CURRENT_DATE).
START = datetime.date(2023, 1, 16)

SENTINEL = "Sentinel"
POSTCODE = "ZZ1 9QX"
PHONE = "07700 900555"


@contextmanager
def on_day(day: datetime.date) -> Iterator[None]:
    """Travel to midday on ``day`` (London time) and stay there."""
    moment = timezone.make_aware(datetime.datetime.combine(day, datetime.time(12, 0)))
    with time_machine.travel(moment, tick=False):
        yield


def build_past_world() -> Any:
    """The shared test world (two schemes, a person in every role), made on ``START``."""
    from tests.conftest import build_world

    with on_day(START):
        return build_world()


def refer(coordinator: User, name: str = "Sentinel-Family", *, older_child_born: datetime.date | None = None) -> Family:
    """A referral received today, with a sentinel in every personal field of the family and its household."""
    members = [
        {
            "kind": MemberKind.ADULT,
            "first_name": f"{SENTINEL}-Mum",
            "last_name": f"{SENTINEL}-Surname",
            "relationship": f"{SENTINEL}-Relationship",
            "date_of_birth": datetime.date(1990, 7, 14),
        },
        {
            "kind": MemberKind.CHILD,
            "first_name": f"{SENTINEL}-Baby",
            "last_name": f"{SENTINEL}-Surname",
            "date_of_birth": timezone.localdate() - datetime.timedelta(days=200),
        },
    ]
    if older_child_born is not None:
        members.append({"kind": MemberKind.CHILD, "first_name": f"{SENTINEL}-Older", "date_of_birth": older_child_born})
    referral = family_services.referral_receive(
        actor=coordinator,
        family_name=name,
        address=f"1 {SENTINEL}-Address Road\nPortsmouth",
        postcode=POSTCODE,
        phone=PHONE,
        referrer=None,
        date_received=timezone.localdate(),
        reasons=f"{SENTINEL}-Reasons: isolated after a move.",
        members=members,
    )
    return referral.family


def supported(world: Any, family: Family) -> Family:
    referral = family.referrals.get()
    family_services.referral_decide(referral=referral, outcome=ReferralOutcome.ACCEPTED, actor=world.coordinator)
    family_services.assignment_start(
        family=family, volunteer=world.volunteer, started_on=timezone.localdate(), confirmed=True,
        actor=world.coordinator,
    )  # fmt: skip
    return Family.objects.get(pk=family.pk)


def end_support(world: Any, family: Family) -> Family:
    family_services.family_end_support(
        family=family, ended_on=timezone.localdate(), reason=f"{SENTINEL}-End-Reason", actor=world.coordinator
    )
    return Family.objects.get(pk=family.pk)


def ended_family(world: Any, *, day: datetime.date, name: str = "Sentinel-Family") -> Family:
    """A family referred, supported and ended, all on ``day``."""
    with on_day(day):
        family = supported(world, refer(world.coordinator, name))
        return end_support(world, family)


def declined_family(world: Any, *, day: datetime.date, name: str = "Sentinel-Declined") -> Family:
    """A family whose referral was declined on ``day``."""
    with on_day(day):
        family = refer(world.coordinator, name)
        family_services.referral_decide(
            referral=family.referrals.get(), outcome=ReferralOutcome.DECLINED,
            reason=f"{SENTINEL}-Declined-Reason", actor=world.coordinator,
        )  # fmt: skip
        return Family.objects.get(pk=family.pk)


def child(family: Family, first_name: str) -> HouseholdMember:
    return family.members.get(first_name=first_name)


def health_visitor() -> Professional:
    return Professional.objects.get(name="Helen Price")
