"""Volunteer group meetings (P8): notes that identify a family are refused with a pointer to supervision; the
meeting is read by the scheme's coordinators and the volunteers who came.

The guard's own table of refusals and acceptances is tests/volunteers/test_guard.py; these tests check that every
way of saving a meeting goes through it, that a refusal saves nothing, and what the person sees.
"""

import datetime
from typing import Any

import pytest
from django.http import Http404
from django.urls import reverse
from django.utils import timezone

from homestart.exceptions import ActionNotAllowed
from homestart.models import AuditEntry, Role
from tests.conftest import make_user
from volunteers import selectors, services
from volunteers.audit import VolunteerAuditEvent
from volunteers.models import GroupMeeting, GroupMeetingAttendee

TODAY = timezone.localdate


def meet(world: Any, **overrides: Any) -> GroupMeeting:
    arguments = {
        "held_on": TODAY() - datetime.timedelta(days=1),
        "facilitator": world.coordinator,
        "attendees": [world.volunteer],
        "topics": "Winter wellbeing",
        "notes": "Shared ideas for rainy days at Fratton library.",
        "actor": world.coordinator,
    }
    arguments.update(overrides)
    return services.group_meeting_record(**arguments)


def _nothing_saved() -> bool:
    return not GroupMeeting.objects.exists() and not GroupMeetingAttendee.objects.exists()


@pytest.mark.parametrize(
    "field, text, words",
    [
        ("notes", "Grace Okafor is finding the nights hard.", "Grace Okafor"),
        ("notes", "Visited someone at po27qa yesterday.", "po27qa"),
        ("notes", "See PMH-{year}-0001 for the details.", "PMH-{year}-0001"),
        ("notes", "The Okafor family might join the picnic.", "Okafor family"),
        ("topics", "Mrs Okafor's housing", "Mrs Okafor"),
    ],
)
def test_p8_meeting_text_naming_a_family_is_refused_and_nothing_saved(
    world: Any, field: str, text: str, words: str
) -> None:
    year = world.family.reference.split("-")[1]
    text, words = text.format(year=year), words.format(year=year)
    with pytest.raises(services.FamilyIdentifiersFound) as refused:
        meet(world, **{field: text})
    assert set(refused.value.by_field) == {field}
    message = refused.value.by_field[field]
    assert f"“{words}”" in message
    assert "one-to-one supervision" in message
    assert isinstance(refused.value, ActionNotAllowed) and refused.value.message == message
    assert _nothing_saved()


@pytest.mark.parametrize(
    "notes",
    [
        "Grace from the church group brought cake.",  # a first name alone
        "We talked about Okafor Road closures.",  # no first name, title or family word next to the surname
        "Met in Portsmouth, by the PO2 postbox.",  # place names; an outward code alone
        "Ideas for sleep routines, weaning and the Tuesday baby group.",
        "",
    ],
)
def test_p8_ordinary_meeting_text_is_accepted(world: Any, notes: str) -> None:
    meeting = meet(world, notes=notes)
    assert meeting.notes == notes
    assert list(meeting.attendees.all()) == [world.volunteer]


def test_p8_both_fields_are_checked_and_each_named(world: Any) -> None:
    with pytest.raises(services.FamilyIdentifiersFound) as refused:
        meet(world, topics="The Okafor family", notes="Grace Okafor again")
    assert set(refused.value.by_field) == {"topics", "notes"}
    assert _nothing_saved()


def test_p8_editing_a_meeting_goes_through_the_same_check(world: Any) -> None:
    meeting = meet(world)
    with pytest.raises(services.FamilyIdentifiersFound):
        services.group_meeting_update(
            meeting=meeting,
            held_on=meeting.held_on,
            facilitator=world.dsl,
            attendees=[world.other_volunteer],
            topics="Winter wellbeing",
            notes="Update: Grace Okafor is better.",
            actor=world.coordinator,
        )
    meeting.refresh_from_db()
    assert meeting.facilitator == world.coordinator
    assert meeting.notes == "Shared ideas for rainy days at Fratton library."
    assert list(meeting.attendees.all()) == [world.volunteer]
    services.group_meeting_update(
        meeting=meeting,
        held_on=meeting.held_on,
        facilitator=world.dsl,
        attendees=[world.other_volunteer],
        topics="Winter wellbeing",
        notes="Update: everyone is better.",
        actor=world.coordinator,
    )
    meeting.refresh_from_db()
    assert (meeting.facilitator, meeting.notes) == (world.dsl, "Update: everyone is better.")
    assert list(meeting.attendees.all()) == [world.other_volunteer]
    removed = AuditEntry.objects.filter(content_type__model="groupmeetingattendee", action=AuditEntry.Action.DELETE)
    assert removed.count() == 1
    assert removed.get().event == VolunteerAuditEvent.GROUP_MEETING_CORRECTED
    corrected = AuditEntry.objects.get(content_type__model="groupmeeting", action=AuditEntry.Action.UPDATE)
    assert (corrected.event, corrected.actor) == (VolunteerAuditEvent.GROUP_MEETING_CORRECTED, world.coordinator)


def test_p8_another_schemes_family_names_are_not_this_schemes_concern(world: Any) -> None:
    """The Evans family belongs to the other scheme: this scheme's guard does not know them (and must not)."""
    meeting = meet(world, notes="Megan Evans from the library ran the story time.")
    assert meeting.pk


def test_meeting_rules_on_people_and_dates(world: Any) -> None:
    with pytest.raises(ActionNotAllowed, match="facilitator must be an active coordinator"):
        meet(world, facilitator=world.volunteer)
    with pytest.raises(ActionNotAllowed, match="active volunteer of this scheme"):
        meet(world, attendees=[world.volunteer, world.dsl])
    elsewhere = make_user(world.other_scheme, "elsewhere", Role.VOLUNTEER)
    with pytest.raises(ActionNotAllowed, match="active volunteer of this scheme"):
        meet(world, attendees=[elsewhere])
    with pytest.raises(ActionNotAllowed, match="Choose the volunteers who came"):
        meet(world, attendees=[])
    with pytest.raises(ActionNotAllowed, match="cannot be in the future"):
        meet(world, held_on=TODAY() + datetime.timedelta(days=1))
    for actor in (world.volunteer, world.administrator):
        with pytest.raises(ActionNotAllowed, match="Only a coordinator of this scheme"):
            meet(world, actor=actor)
    # Another scheme's coordinator records in their own scheme, where these people are not.
    with pytest.raises(ActionNotAllowed, match="facilitator must be an active coordinator of this scheme"):
        meet(world, actor=world.other_coordinator)
    assert _nothing_saved()


def test_meeting_changes_are_audited_with_text_masked(world: Any) -> None:
    meeting = meet(world)
    entry = AuditEntry.objects.get(content_type__model="groupmeeting", action=AuditEntry.Action.CREATE)
    assert entry.changes["notes"] == ["[not recorded]", "[not recorded]"]
    assert entry.changes["topics"] == ["[not recorded]", "[not recorded]"]
    assert entry.object_repr == f"Volunteer group meeting #{meeting.pk}"
    assert entry.event == VolunteerAuditEvent.GROUP_MEETING_RECORDED
    attendees = AuditEntry.objects.filter(content_type__model="groupmeetingattendee", action=AuditEntry.Action.CREATE)
    assert attendees.count() == meeting.attendees.count() > 0
    assert {entry.event for entry in attendees} == {VolunteerAuditEvent.GROUP_MEETING_RECORDED}


# --- Who reads a meeting (P8) ------------------------------------------------------------------------------------


def test_p8_meeting_is_read_by_the_schemes_coordinators_and_those_who_came(world: Any) -> None:
    meeting = meet(world)
    for person in (world.coordinator, world.dsl, world.volunteer):
        assert selectors.get_group_meeting_for_user_or_404(person, meeting.pk) == meeting
    for person in (world.other_volunteer, world.other_coordinator, world.administrator):
        with pytest.raises(Http404):
            selectors.get_group_meeting_for_user_or_404(person, meeting.pk)
    with pytest.raises(Http404):
        selectors.get_group_meeting_to_edit_or_404(world.volunteer, meeting.pk)


def test_p8_volunteer_sees_the_meetings_they_came_to_on_their_supervision_page(client: Any, world: Any) -> None:
    meet(world, topics="Winter wellbeing")
    meet(world, topics="Keeping safe online", attendees=[world.other_volunteer])
    client.force_login(world.volunteer)
    html = client.get(reverse("volunteers:my_supervision")).content.decode()
    assert "Winter wellbeing" in html and "Keeping safe online" not in html


# --- The pages ---------------------------------------------------------------------------------------------------


def _post(world: Any, **overrides: Any) -> dict[str, Any]:
    data = {
        "held_on": (TODAY() - datetime.timedelta(days=1)).isoformat(),
        "facilitator": world.coordinator.pk,
        "attendees": [world.volunteer.pk, world.other_volunteer.pk],
        "topics": "Winter wellbeing",
        "notes": "Shared ideas for rainy days.",
    }
    data.update(overrides)
    return data


def test_p8_refused_notes_keep_what_was_typed_and_say_why_next_to_the_field(client: Any, world: Any) -> None:
    client.force_login(world.coordinator)
    typed = "We talked about how Grace Okafor is coping with the twins."
    response = client.post(reverse("volunteers:meeting_new"), _post(world, notes=typed))
    assert response.status_code == 200
    html = response.content.decode()
    assert "There is a problem" in html
    summary = html.split('class="error-summary"')[1].split("</div>")[0]
    assert 'href="#id_notes"' in summary and "“Grace Okafor”" in summary and "one-to-one supervision" in summary
    assert 'id="id_notes_error"' in html
    field = html.split('id="id_notes_error"')[1].split("</textarea>")[0]
    assert "“Grace Okafor”" in field
    assert typed in field  # the textarea still holds what was typed
    assert 'value="Winter wellbeing"' in html
    assert _nothing_saved()

    response = client.post(reverse("volunteers:meeting_new"), _post(world, notes="We talked about coping with twins."))
    meeting = GroupMeeting.objects.get()
    assert response["Location"] == reverse("volunteers:meeting_detail", args=[meeting.pk])
    assert set(meeting.attendees.all()) == {world.volunteer, world.other_volunteer}
    page = client.get(response["Location"]).content.decode()
    assert "Group meeting on" in page and "coping with twins" in page


def test_p8_edit_page_refuses_and_then_accepts(client: Any, world: Any) -> None:
    meeting = meet(world)
    client.force_login(world.dsl)
    url = reverse("volunteers:meeting_edit", args=[meeting.pk])
    assert "Shared ideas for rainy days" in client.get(url).content.decode()
    response = client.post(url, _post(world, topics="Visit to PO2 7QA"))
    assert response.status_code == 200
    assert 'id="id_topics_error"' in response.content.decode()
    meeting.refresh_from_db()
    assert meeting.topics == "Winter wellbeing"
    response = client.post(url, _post(world, topics="Visit planning"))
    assert response.status_code == 302
    meeting.refresh_from_db()
    assert meeting.topics == "Visit planning"


def test_meeting_list_shows_the_schemes_meetings(client: Any, world: Any) -> None:
    client.force_login(world.coordinator)
    assert "No group meetings are recorded yet" in client.get(reverse("volunteers:meeting_list")).content.decode()
    meet(world, topics="Winter wellbeing")
    html = client.get(reverse("volunteers:meeting_list")).content.decode()
    assert "Winter wellbeing" in html
    client.force_login(world.other_coordinator)
    assert "Winter wellbeing" not in client.get(reverse("volunteers:meeting_list")).content.decode()
