"""SECURITY 27 for the supervision, group meeting, family group and availability forms, driven by Hypothesis.

The same rules as tests/homestart/test_forms_fuzz.py, with its strategies and checks: whatever arrives, the answer is
a page or a redirect, never a 500; a refused form (including group-meeting notes refused for naming a family)
leaves every domain record exactly as it was just before that example's POST; posted markup is shown escaped.
"""

import datetime
from typing import Any

from django.urls import reverse
from hypothesis import example, given
from hypothesis import strategies as st

from families import services as family_services
from tests.consents.test_forms_fuzz_requests import within_lists
from tests.homestart.test_forms_fuzz import (
    EXPECT,
    FUZZ,
    Ref,
    follow,
    form_data,
    junk,
    past_date,
    pk_refs,
    prose,
    submit,
    today,
    world_refs,
)
from volunteers import services

future_or_today = st.one_of(
    st.sampled_from([Ref("today"), Ref("tomorrow")]),
    st.dates(today, datetime.date(9999, 12, 31)).map(datetime.date.isoformat),
)
# Text that sometimes names the world's family: the meeting forms must refuse it and store nothing.
meeting_prose = st.one_of(
    prose,
    st.sampled_from(["Grace Okafor is coping.", "Visit at po2 7qa", "the Okafor family", "Tobi Okafor's first steps"]),
)
people = st.lists(st.sampled_from([Ref("volunteer"), Ref("other_volunteer")]), min_size=1, max_size=2, unique=True)
WRONG_PEOPLE = [[Ref("coordinator")], [Ref("administrator")], [Ref("other_coordinator")], ["0"], ["x"], []]


def _family_keys(data: dict[str, Any], family: Any) -> dict[str, Any]:
    """The supervision form names its family boxes after the family's number, known only once the world exists."""
    return {key.replace("FAMILY", f"family_{family.pk}"): value for key, value in data.items()}


@FUZZ
@given(
    data=form_data(
        st.fixed_dictionaries(
            {
                "held_on": past_date,
                "notes": st.one_of(st.just(""), prose),
                "FAMILY": st.sampled_from(["on", ""]),
                "FAMILY_notes": st.one_of(st.just(""), prose),
                "action_1_text": st.one_of(st.just(""), prose),
                "action_1_due_on": st.one_of(st.just(""), future_or_today),
                "action_1_family": st.sampled_from(["", Ref("family")]),
                "action_2_text": st.just(""),
                "action_2_due_on": st.just(""),
            }
        ),
        near={
            "held_on": [Ref("tomorrow"), "2999-01-01", "2024-02-30"],
            "FAMILY": ["off", "0", "<b>"],
            "action_1_due_on": ["2000-01-01", "2024-02-30"],
            "action_1_family": [Ref("other_family"), "0", "-1", "99999999999999999999"],
            "action_1_text": ["x" * 501],
        },
    )
)
@example(
    data={
        "held_on": Ref("yesterday"),
        "notes": "<script>alert(1)</script>",
        "FAMILY": "on",
        "FAMILY_notes": "<img src=x onerror=alert(1)>",
        "action_1_text": "Ring the health visitor",
        "action_1_due_on": Ref("tomorrow"),
        "action_1_family": Ref("family"),
        EXPECT: "accepted",
    }
)
@example(data={"held_on": Ref("today"), "FAMILY": "", "FAMILY_notes": "notes but no tick", EXPECT: "refused"})
@example(data={"held_on": "2000-01-01", "FAMILY": "on", EXPECT: "refused"})  # before the assignment started
def test_supervision_new(client: Any, world: Any, data: dict[str, Any]) -> None:
    client.force_login(world.coordinator)
    refs = {**world_refs(world), **pk_refs(family=world.family, other_family=world.other_family)}
    url = reverse("volunteers:supervision_new", args=[world.volunteer.volunteer_profile.pk])
    response = submit(client, url, _family_keys(data, world.family), refs)
    follow(client, response, reverse("volunteers:supervision_list"))


@FUZZ
@given(
    data=form_data(
        st.fixed_dictionaries(
            {
                "held_on": past_date,
                "facilitator": st.sampled_from([Ref("coordinator"), Ref("dsl")]),
                "attendees": people,
                "topics": meeting_prose,
                "notes": st.one_of(st.just(""), meeting_prose),
            }
        ),
        near={
            "held_on": [Ref("tomorrow"), "2999-01-01"],
            "facilitator": [Ref("volunteer"), Ref("other_coordinator"), Ref("administrator"), "0"],
            "attendees": WRONG_PEOPLE,
            "topics": ["", " ", "x" * 501],
            "notes": ["x" * 10001, "Grace Okafor", "PMH 2026 0001"],
        },
    )
)
@example(
    data={
        "held_on": Ref("today"),
        "facilitator": Ref("coordinator"),
        "attendees": [Ref("volunteer")],
        "topics": "<script>alert(1)</script>",
        "notes": "Ideas for rainy days.",
        EXPECT: "accepted",
    }
)
@example(
    data={
        "held_on": Ref("today"),
        "facilitator": Ref("coordinator"),
        "attendees": [Ref("volunteer")],
        "topics": "Sleep",
        "notes": "<b>Grace Okafor</b> is coping",
        EXPECT: "refused",
    }
)
def test_meeting_new(client: Any, world: Any, data: dict[str, Any]) -> None:
    client.force_login(world.coordinator)
    refs = world_refs(world)
    response = submit(client, reverse("volunteers:meeting_new"), within_lists(data, refs), refs)
    follow(client, response, reverse("volunteers:meeting_list"))


@FUZZ
@given(
    data=form_data(
        st.fixed_dictionaries(
            {
                "held_on": past_date,
                "facilitator": st.sampled_from([Ref("coordinator"), Ref("dsl")]),
                "attendees": people,
                "topics": meeting_prose,
                "notes": st.one_of(st.just(""), meeting_prose),
            }
        ),
        near={"attendees": WRONG_PEOPLE, "topics": ["", "x" * 501], "notes": ["Okafor, Grace", "PO27QA"]},
    )
)
@example(
    data={
        "held_on": Ref("yesterday"),
        "facilitator": Ref("dsl"),
        "attendees": [Ref("other_volunteer")],
        "topics": "Changed topics",
        "notes": "",
        EXPECT: "accepted",
    }
)
@example(
    data={
        "held_on": Ref("yesterday"),
        "facilitator": Ref("dsl"),
        "attendees": [Ref("other_volunteer")],
        "topics": "The Okafor family",
        EXPECT: "refused",
    }
)
def test_meeting_edit(client: Any, world: Any, data: dict[str, Any]) -> None:
    from volunteers.models import GroupMeeting

    meeting = GroupMeeting.objects.filter(scheme=world.scheme).first() or services.group_meeting_record(
        held_on=today,
        facilitator=world.coordinator,
        attendees=[world.volunteer],
        topics="Winter wellbeing",
        actor=world.coordinator,
    )
    client.force_login(world.coordinator)
    refs = world_refs(world)
    url = reverse("volunteers:meeting_edit", args=[meeting.pk])
    response = submit(client, url, within_lists(data, refs), refs)
    follow(client, response)


family_group_form = form_data(
    st.fixed_dictionaries(
        {
            "held_on": past_date,
            "venue": prose,
            "staff": st.lists(st.sampled_from([Ref("coordinator"), Ref("dsl")]), max_size=2, unique=True),
            "volunteers": st.lists(
                st.sampled_from([Ref("volunteer"), Ref("other_volunteer")]), max_size=2, unique=True
            ),
            "families": st.lists(st.sampled_from([Ref("family"), Ref("second_family")]), max_size=2, unique=True),
        }
    ),
    near={
        "held_on": [Ref("tomorrow"), "2999-01-01"],
        "venue": ["", " ", "x" * 201],
        "staff": [[Ref("volunteer")], [Ref("other_coordinator")], ["0"], []],
        "volunteers": [[Ref("coordinator")], [Ref("administrator")], ["-1"]],
        "families": [[Ref("other_family")], ["0"], ["99999999999999999999"], ["x"]],
    },
)


def _group_refs(world: Any) -> dict[str, Any]:
    from families.models import Family

    second = Family.objects.filter(scheme=world.scheme, family_name="Nowak").first()
    if second is None:
        from tests.conftest import make_family

        second = make_family(world.coordinator, "Nowak", postcode="PO3 5DD")
    return {
        **world_refs(world),
        **pk_refs(family=world.family, second_family=second, other_family=world.other_family),
    }


@FUZZ
@given(data=family_group_form)
@example(
    data={
        "held_on": Ref("today"),
        "venue": "<script>alert(1)</script>",
        "staff": [Ref("coordinator")],
        "volunteers": [],
        "families": [Ref("family"), Ref("second_family")],
        EXPECT: "accepted",
    }
)
@example(data={"held_on": Ref("today"), "venue": "Hall", "staff": [], "volunteers": [], EXPECT: "refused"})
def test_family_group_new(client: Any, world: Any, data: dict[str, Any]) -> None:
    refs = _group_refs(world)
    client.force_login(world.coordinator)
    response = submit(client, reverse("families:group_new"), within_lists(data, refs), refs)
    follow(client, response, reverse("families:group_list"), reverse("families:group_figures"))


@FUZZ
@given(data=family_group_form)
@example(
    data={
        "held_on": Ref("last_week"),
        "venue": "Library",
        "staff": [],
        "volunteers": [Ref("volunteer")],
        "families": [],
        EXPECT: "accepted",
    }
)
def test_family_group_edit(client: Any, world: Any, data: dict[str, Any]) -> None:
    from families.models import FamilyGroupSession

    refs = _group_refs(world)
    group = FamilyGroupSession.objects.filter(scheme=world.scheme).first() or family_services.family_group_record(
        held_on=today, venue="Hall", helpers=[world.coordinator], families=[world.family], actor=world.coordinator
    )
    client.force_login(world.dsl)
    response = submit(client, reverse("families:group_edit", args=[group.pk]), within_lists(data, refs), refs)
    follow(client, response)


@FUZZ
@given(
    data=form_data(
        st.fixed_dictionaries(
            {
                "available_for_new_family": st.sampled_from(["yes", "no"]),
                "available_times": st.one_of(st.just(""), prose),
                "max_families": st.integers(1, 6).map(str),
            }
        ),
        near={
            "available_for_new_family": ["Yes", "true", "1", ""],
            "available_times": ["x" * 201],
            "max_families": ["0", "7", "-1", "1.5", "\u0663", "99999999999999999999"],
        },
    )
)
@example(
    data={
        "available_for_new_family": "yes",
        "available_times": "<script>alert(1)</script>",
        "max_families": "2",
        EXPECT: "accepted",
    }
)
@example(data={"available_for_new_family": "no", "available_times": "", "max_families": "7", EXPECT: "refused"})
def test_availability_edit(client: Any, world: Any, data: dict[str, Any]) -> None:
    client.force_login(world.coordinator)
    profile = world.volunteer.volunteer_profile
    response = submit(client, reverse("volunteers:availability_edit", args=[profile.pk]), data)
    follow(client, response, reverse("volunteers:list"), reverse("dashboard"))


@FUZZ
@given(
    data=form_data(
        st.fixed_dictionaries({"weeks": st.integers(1, 52).map(str)}),
        near={"weeks": ["0", "53", "-4", "8.5", "eight", "\uff18", "32768"]},
    )
)
@example(data={"weeks": "6", EXPECT: "accepted"})
@example(data={"weeks": "53", EXPECT: "refused"})
def test_supervision_interval(client: Any, world: Any, data: dict[str, Any]) -> None:
    client.force_login(world.dsl)
    response = submit(client, reverse("volunteers:supervision_interval"), data)
    follow(client, response, reverse("dashboard"))


@FUZZ
@given(data=st.dictionaries(st.sampled_from(["done_on", "text", "session", "next"]), junk, max_size=3))
@example(data={"done_on": "1999-01-01", "text": "<script>alert(1)</script>"})
def test_action_done(client: Any, world: Any, data: dict[str, Any]) -> None:
    session = services.supervision_record(
        volunteer=world.volunteer,
        held_on=today,
        actions=[services.AgreedAction("Read the leaflet", today)],
        actor=world.coordinator,
    )
    action = session.actions.get()
    client.force_login(world.volunteer)
    response = submit(client, reverse("volunteers:action_done", args=[action.pk]), {**data, EXPECT: "accepted"})
    action.refresh_from_db()
    assert action.done_on == today and action.text == "Read the leaflet"
    follow(client, response)
