"""Access policy rows for the safeguarding pages, merged into tests/homestart/test_authorization.py.

Raising a concern: the family's scheme coordinators and the volunteer assigned now. The receipt: only the person
who raised the concern. The concern, its steps and the chronology: the scheme's safeguarding lead and the family's
coordinator. The safeguarding dashboard: every coordinator (each sees only what they may read). Everyone else: 404.
"""

import datetime
from collections.abc import Callable
from typing import Any

from django.utils import timezone

COORDINATORS = {"coordinator", "dsl", "other_coordinator"}
READERS = {"coordinator", "dsl"}  # the family's coordinator and the scheme's safeguarding lead

SAFEGUARDING_POLICY: dict[str, tuple[set[str], set[str], str]] = {
    "safeguarding:dashboard": ({"get"}, COORDINATORS, "login"),
    "safeguarding:concern_start": ({"get", "post"}, READERS | {"volunteer"}, "login"),
    "safeguarding:concern_emergency": ({"get"}, READERS | {"volunteer"}, "login"),
    "safeguarding:concern_new": ({"get", "post"}, READERS | {"volunteer"}, "login"),
    "safeguarding:receipt": ({"get"}, {"volunteer"}, "login"),
    "safeguarding:concern_detail": ({"get"}, READERS, "login"),
    "safeguarding:review": ({"get", "post"}, READERS, "login"),
    "safeguarding:discussion": ({"get", "post"}, READERS, "login"),
    "safeguarding:no_discussion": ({"get", "post"}, READERS, "login"),
    "safeguarding:decision": ({"get", "post"}, READERS, "login"),
    "safeguarding:referral": ({"get", "post"}, READERS, "login"),
    "safeguarding:follow_up_new": ({"get", "post"}, READERS, "login"),
    "safeguarding:follow_up_done": ({"get", "post"}, READERS, "login"),
    "safeguarding:close": ({"get", "post"}, READERS, "login"),
    "safeguarding:chronology": ({"get"}, READERS, "login"),
    "safeguarding:chronology_pdf": ({"post"}, READERS, "login"),  # printing is recorded, so never a GET
}


def concern_in_review(world: Any) -> Any:
    """A concern about the world's family, raised by its volunteer and reviewed by the lead, with a follow-up."""
    from safeguarding import services
    from safeguarding.models import Concern, ConcernCategory

    existing = Concern.objects.filter(family=world.family).first()
    if existing is not None:
        return existing
    concern = services.concern_raise(
        family=world.family,
        children=list(world.family.members.filter(kind="child")),
        category=ConcernCategory.NEGLECT,
        account="The baby was left alone in the flat for an hour.",
        observed_on=timezone.localdate() - datetime.timedelta(days=1),
        observed_time=None,
        immediate_danger=False,
        actor=world.volunteer,
        site_root="http://testserver/",
    )
    services.concern_review(
        concern=concern, notes="Checked the records.", urgent=False, occurred_on=timezone.localdate(), actor=world.dsl
    )
    services.follow_up_add(
        concern=concern,
        action="Ring the health visitor.",
        due_on=timezone.localdate() + datetime.timedelta(days=7),
        owner=world.dsl,
        actor=world.dsl,
    )
    return concern


def _follow_up_args(world: Any) -> dict[str, Any]:
    concern = concern_in_review(world)
    return {"pk": concern.pk, "follow_up_pk": concern.follow_ups.get().pk}


_family: Callable[[Any], dict[str, Any]] = lambda w: {"pk": w.family.pk}  # noqa: E731
_concern: Callable[[Any], dict[str, Any]] = lambda w: {"pk": concern_in_review(w).pk}  # noqa: E731

SAFEGUARDING_ROUTE_ARGS: dict[str, Callable[[Any], dict[str, Any]]] = {
    "safeguarding:concern_start": _family,
    "safeguarding:concern_emergency": _family,
    "safeguarding:concern_new": _family,
    "safeguarding:chronology": _family,
    "safeguarding:chronology_pdf": _family,
    "safeguarding:receipt": _concern,
    "safeguarding:concern_detail": _concern,
    "safeguarding:review": _concern,
    "safeguarding:discussion": _concern,
    "safeguarding:no_discussion": _concern,
    "safeguarding:decision": _concern,
    "safeguarding:referral": _concern,
    "safeguarding:follow_up_new": _concern,
    "safeguarding:follow_up_done": _follow_up_args,
    "safeguarding:close": _concern,
}
