"""Access policy rows for a family's changing details, household, re-referral and the family search, merged into tests/homestart/test_authorization.py."""

import datetime
from collections.abc import Callable
from typing import Any

from django.utils import timezone

from families.models import HouseholdMember, MemberKind

_COORDINATORS = {"coordinator", "dsl", "other_coordinator"}
_SCHEME_COORDINATORS = {"coordinator", "dsl"}
_EDIT = ({"get", "post"}, _SCHEME_COORDINATORS, "login")

# route name -> (methods, roles allowed, anonymous behaviour), as in test_authorization.POLICY.
FAMILY_LIFE_POLICY: dict[str, tuple[set[str], set[str], str]] = {
    # The search is posted (SECURITY 13): any coordinator searches their own scheme's families.
    "families:list": ({"get", "post"}, _COORDINATORS, "login"),
    "families:edit": _EDIT,
    "families:health_visitor": _EDIT,
    "families:member_add": _EDIT,
    "families:member_edit": _EDIT,
    "families:member_born": _EDIT,
    "families:member_left": _EDIT,
    "families:rerefer": _EDIT,
}


def _child(world: Any) -> HouseholdMember:
    return HouseholdMember.objects.filter(family=world.family, kind=MemberKind.CHILD).order_by("pk").first()


def _unborn(world: Any) -> HouseholdMember:
    """An expected baby in the assigned family, added through the service the first time it is needed."""
    from families import services

    baby = HouseholdMember.objects.filter(
        family=world.family, kind=MemberKind.CHILD, date_of_birth__isnull=True
    ).first()
    if baby is None:
        baby = services.household_member_add(
            family=world.family,
            kind=MemberKind.CHILD,
            first_name="Baby",
            expected_due_date=timezone.localdate() + datetime.timedelta(days=60),
            actor=world.coordinator,
        )
    return baby


# route name -> how to build its URL arguments from the world.
FAMILY_LIFE_ROUTE_ARGS: dict[str, Callable[[Any], dict[str, Any]]] = {
    "families:edit": lambda w: {"pk": w.family.pk},
    "families:health_visitor": lambda w: {"pk": w.family.pk},
    "families:member_add": lambda w: {"pk": w.family.pk},
    "families:member_edit": lambda w: {"pk": w.family.pk, "member_pk": _child(w).pk},
    "families:member_born": lambda w: {"pk": w.family.pk, "member_pk": _unborn(w).pk},
    "families:member_left": lambda w: {"pk": w.family.pk, "member_pk": _child(w).pk},
    "families:rerefer": lambda w: {"pk": w.family.pk},
}
