"""The supervision, group meeting, family group and volunteer pages answer in a constant number of queries,
whatever the number of volunteers, sessions, actions, meetings and families."""

import datetime
from typing import Any

from django.urls import reverse
from django.utils import timezone

from families import services as family_services
from homestart.models import Role
from tests.conftest import log_visit, make_family, make_user
from tests.homestart.test_query_counts import MAX_QUERIES, _count
from volunteers import services

TODAY = timezone.localdate


def _grow(world: Any, n: int, start: int) -> None:
    """n more volunteers, each with a family, a supervision session about it with actions, a group meeting and a
    family group session; and one more visit with a note and one more session about the world's family."""
    volunteers = []
    for i in range(start, start + n):
        volunteer = make_user(world.scheme, f"vol{i}", Role.VOLUNTEER)
        family = make_family(world.coordinator, f"Family{i:03d}", volunteer=volunteer)
        services.supervision_record(
            volunteer=volunteer,
            held_on=TODAY(),
            notes=f"general {i}",
            discussed=[services.DiscussedFamily(family, f"about {i}")],
            actions=[
                services.AgreedAction(f"action {i}", TODAY(), family),
                services.AgreedAction(f"other {i}", TODAY()),
            ],
            actor=world.coordinator,
        )
        volunteers.append(volunteer)
        family_services.family_group_record(
            held_on=TODAY() - datetime.timedelta(days=i),
            venue=f"Hall {i}",
            helpers=[world.coordinator, volunteer],
            families=[world.family, family],
            actor=world.coordinator,
        )
    services.group_meeting_record(
        held_on=TODAY(),
        facilitator=world.coordinator,
        attendees=[world.volunteer, *volunteers],
        topics=f"Topics {start}",
        actor=world.coordinator,
    )
    log_visit(world.family, world.volunteer, note=f"private note {start}")
    services.supervision_record(
        volunteer=world.volunteer,
        held_on=TODAY(),
        discussed=[services.DiscussedFamily(world.family, f"okafor {start}")],
        actions=[services.AgreedAction(f"volunteer action {start}", TODAY(), world.family)],
        actor=world.coordinator,
    )


def test_volunteer_and_supervision_pages_do_not_grow_with_rows(client: Any, world: Any) -> None:
    from families.models import FamilyGroupSession
    from volunteers.models import GroupMeeting, SupervisionSession

    _grow(world, 2, 0)
    session = SupervisionSession.objects.filter(volunteer=world.volunteer).first()
    meeting = GroupMeeting.objects.first()
    group = FamilyGroupSession.objects.first()
    profile = world.volunteer.volunteer_profile
    pages = {
        "volunteer list": (world.coordinator, reverse("volunteers:list")),
        "available volunteers": (world.coordinator, reverse("volunteers:list") + "?available=yes"),
        "volunteer page": (world.coordinator, reverse("volunteers:detail", args=[profile.pk])),
        "record supervision": (world.coordinator, reverse("volunteers:supervision_new", args=[profile.pk])),
        "supervision list": (world.coordinator, reverse("volunteers:supervision_list")),
        "supervision record": (world.coordinator, reverse("volunteers:supervision_detail", args=[session.pk])),
        "my supervision": (world.volunteer, reverse("volunteers:my_supervision")),
        "meeting list": (world.coordinator, reverse("volunteers:meeting_list")),
        "meeting": (world.coordinator, reverse("volunteers:meeting_detail", args=[meeting.pk])),
        "meeting form": (world.coordinator, reverse("volunteers:meeting_edit", args=[meeting.pk])),
        "family groups": (world.coordinator, reverse("families:group_list")),
        "family group": (world.coordinator, reverse("families:group_detail", args=[group.pk])),
        "family group form": (world.coordinator, reverse("families:group_new")),
        "group figures": (world.coordinator, reverse("families:group_figures")),
        "family page": (world.coordinator, reverse("families:detail", args=[world.family.pk])),
        "dashboard": (world.coordinator, reverse("dashboard")),
    }

    def measure() -> dict[str, int]:
        counts = {}
        for name, (user, url) in pages.items():
            client.force_login(user)
            client.get(url)  # warm process-wide caches (content types), as a running server has them
            counts[name] = _count(client, url)
        return counts

    small = measure()
    _grow(world, 12, 2)
    large = measure()
    assert large == small, f"queries with few rows: {small}; with many: {large}"
    assert max(large.values()) <= MAX_QUERIES, large
