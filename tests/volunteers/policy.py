"""Access policy rows for supervision, group meetings, volunteers' records and family groups, merged into
tests/homestart/test_authorization.py.

One-to-one supervision (P9): the world's session is held by ``coordinator`` with ``volunteer`` about the world's
family, so only those two open it (``dsl`` is a coordinator of the scheme but took no part). Group meetings (P8):
the world's meeting was attended by ``volunteer`` only, so ``other_volunteer`` gets 404. Family groups (P10) and
volunteers' records are the scheme's coordinators' business. Administrators get 404 everywhere.
"""

import datetime
from collections.abc import Callable
from typing import Any

from django.utils import timezone

COORDINATORS = {"coordinator", "dsl", "other_coordinator"}
SCHEME_COORDINATORS = {"coordinator", "dsl"}
VOLUNTEERS = {"volunteer", "other_volunteer"}
SESSION_PEOPLE = {"coordinator", "volunteer"}

# route name -> (methods, roles allowed, anonymous behaviour), as in test_authorization.POLICY.
VOLUNTEER_POLICY: dict[str, tuple[set[str], set[str], str]] = {
    "volunteers:detail": ({"get"}, SCHEME_COORDINATORS, "login"),
    "volunteers:availability_edit": ({"get", "post"}, SCHEME_COORDINATORS, "login"),
    "volunteers:my_supervision": ({"get"}, VOLUNTEERS, "login"),
    "volunteers:supervision_list": ({"get"}, COORDINATORS, "login"),
    "volunteers:supervision_interval": ({"get", "post"}, COORDINATORS, "login"),
    "volunteers:supervision_new": ({"get", "post"}, SCHEME_COORDINATORS, "login"),
    "volunteers:supervision_detail": ({"get"}, SESSION_PEOPLE, "login"),
    "volunteers:action_done": ({"post"}, SESSION_PEOPLE, "login"),  # marking done changes a record: never a GET
    "volunteers:meeting_list": ({"get"}, COORDINATORS, "login"),
    "volunteers:meeting_new": ({"get", "post"}, COORDINATORS, "login"),
    "volunteers:meeting_detail": ({"get"}, SCHEME_COORDINATORS | {"volunteer"}, "login"),
    "volunteers:meeting_edit": ({"get", "post"}, SCHEME_COORDINATORS, "login"),
    "families:group_list": ({"get"}, COORDINATORS, "login"),
    "families:group_new": ({"get", "post"}, COORDINATORS, "login"),
    "families:group_figures": ({"get"}, COORDINATORS, "login"),
    "families:group_detail": ({"get"}, SCHEME_COORDINATORS, "login"),
    "families:group_edit": ({"get", "post"}, SCHEME_COORDINATORS, "login"),
}


def supervision_session(world: Any) -> Any:
    """The world's supervision session: coordinator with volunteer, about the world's family, with one action."""
    from volunteers import services
    from volunteers.models import SupervisionSession

    existing = SupervisionSession.objects.filter(coordinator=world.coordinator, volunteer=world.volunteer).first()
    if existing is not None:
        return existing
    held_on = timezone.localdate() - datetime.timedelta(days=2)
    return services.supervision_record(
        volunteer=world.volunteer,
        held_on=held_on,
        notes="Settling in well; would like more training on sleep.",
        discussed=[services.DiscussedFamily(world.family, "Visits going well.")],
        actions=[services.AgreedAction("Book the sleep workshop", held_on + datetime.timedelta(days=14))],
        actor=world.coordinator,
    )


def group_meeting(world: Any) -> Any:
    """The world's volunteer group meeting, attended by ``volunteer`` only."""
    from volunteers import services
    from volunteers.models import GroupMeeting

    existing = GroupMeeting.objects.filter(scheme=world.scheme).first()
    if existing is not None:
        return existing
    return services.group_meeting_record(
        held_on=timezone.localdate() - datetime.timedelta(days=3),
        facilitator=world.coordinator,
        attendees=[world.volunteer],
        topics="Winter wellbeing",
        notes="We shared ideas for rainy-day activities.",
        actor=world.coordinator,
    )


def family_group(world: Any) -> Any:
    """The world's family group session, attended by the world's family."""
    from families import services
    from families.models import FamilyGroupSession

    existing = FamilyGroupSession.objects.filter(scheme=world.scheme).first()
    if existing is not None:
        return existing
    return services.family_group_record(
        held_on=timezone.localdate() - datetime.timedelta(days=1),
        venue="St Mary's Church Hall",
        helpers=[world.coordinator, world.volunteer],
        families=[world.family],
        actor=world.coordinator,
    )


def _profile(world: Any) -> dict[str, Any]:
    return {"pk": world.volunteer.volunteer_profile.pk}


def _open_action(world: Any) -> dict[str, Any]:
    return {"pk": supervision_session(world).actions.get().pk}


VOLUNTEER_ROUTE_ARGS: dict[str, Callable[[Any], dict[str, Any]]] = {
    "volunteers:detail": _profile,
    "volunteers:availability_edit": _profile,
    "volunteers:supervision_new": _profile,
    "volunteers:supervision_detail": lambda w: {"pk": supervision_session(w).pk},
    "volunteers:action_done": _open_action,
    "volunteers:meeting_detail": lambda w: {"pk": group_meeting(w).pk},
    "volunteers:meeting_edit": lambda w: {"pk": group_meeting(w).pk},
    "families:group_detail": lambda w: {"pk": family_group(w).pk},
    "families:group_edit": lambda w: {"pk": family_group(w).pk},
}
