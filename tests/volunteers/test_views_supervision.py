"""Supervision pages: recording a session, reading it, the volunteer's own history and actions, the family page."""

import datetime
from typing import Any

from django.urls import reverse
from django.utils import timezone

from families import services as family_services
from tests.conftest import make_family
from volunteers import services
from volunteers.models import SupervisionAction, SupervisionSession

TODAY = timezone.localdate


def _new_url(world: Any) -> str:
    return reverse("volunteers:supervision_new", args=[world.volunteer.volunteer_profile.pk])


def _post(world: Any, **overrides: Any) -> dict[str, Any]:
    pk = world.family.pk
    data = {
        "held_on": TODAY().isoformat(),
        "notes": "Enjoying the role.",
        f"family_{pk}": "on",
        f"family_{pk}_notes": "Twins sleeping better.",
        "action_1_text": "Share the sleep leaflet",
        "action_1_due_on": (TODAY() + datetime.timedelta(days=7)).isoformat(),
        "action_1_family": str(pk),
    }
    data.update(overrides)
    return data


def test_record_page_offers_only_the_volunteers_families(client: Any, world: Any) -> None:
    make_family(world.coordinator, "Nowak", volunteer=world.other_volunteer, postcode="PO3 5DD")
    client.force_login(world.coordinator)
    html = client.get(_new_url(world)).content.decode()
    assert "We discussed the Okafor family" in html and "Notes about the Okafor family" in html
    assert "Nowak" not in html and "Evans" not in html
    assert "Private: only you and Volunteer Tester can read this record" in html


def test_coordinator_records_a_session_and_reads_it(client: Any, world: Any) -> None:
    client.force_login(world.coordinator)
    response = client.post(_new_url(world), _post(world))
    session = SupervisionSession.objects.get()
    assert response["Location"] == reverse("volunteers:supervision_detail", args=[session.pk])
    html = client.get(response["Location"]).content.decode()
    assert "Supervision with Volunteer Tester on" in html  # the banner
    for text in ("Enjoying the role.", "Twins sleeping better.", "Share the sleep leaflet", "The Okafor family"):
        assert text in html
    assert SupervisionAction.objects.get().family == world.family


def test_bad_supervision_input_says_what_to_fix_and_saves_nothing(client: Any, world: Any) -> None:
    pk = world.family.pk
    client.force_login(world.coordinator)
    for overrides, message in [
        ({f"family_{pk}": ""}, "Tick the Okafor family if you discussed them"),
        ({"action_1_due_on": ""}, "Enter the date action 1 is due by"),
        ({"action_1_text": ""}, "Enter action 1, or clear its due date"),
        ({"held_on": (TODAY() + datetime.timedelta(days=2)).isoformat()}, "must be today or in the past"),
        ({"held_on": "2024-02-30"}, "Enter a valid date"),
        ({"action_1_family": "999999"}, "Select a valid choice"),
    ]:
        response = client.post(_new_url(world), _post(world, **overrides))
        html = response.content.decode()
        assert response.status_code == 200 and "There is a problem" in html and message in html, message
        assert "Twins sleeping better." in html  # the form keeps what was typed
    assert not SupervisionSession.objects.exists()


def test_service_refusal_is_shown_on_the_form(client: Any, world: Any) -> None:
    """A family assigned after the session date: the form cannot know, the service refuses, the page explains."""
    client.force_login(world.coordinator)
    early = (TODAY() - datetime.timedelta(days=25)).isoformat()
    html = client.post(_new_url(world), _post(world, held_on=early, action_1_due_on=TODAY().isoformat())).content
    assert "was not assigned to the Okafor family by" in html.decode()
    assert not SupervisionSession.objects.exists()


def test_volunteer_sees_their_history_and_marks_actions_done(client: Any, world: Any) -> None:
    client.force_login(world.coordinator)
    client.post(_new_url(world), _post(world))
    session = SupervisionSession.objects.get()
    action = SupervisionAction.objects.get()
    client.force_login(world.volunteer)
    html = client.get(reverse("volunteers:my_supervision")).content.decode()
    assert "Share the sleep leaflet" in html and "Families discussed: Okafor" in html
    assert reverse("volunteers:supervision_detail", args=[session.pk]) in html
    detail = client.get(reverse("volunteers:supervision_detail", args=[session.pk])).content.decode()
    assert "Private: only you and Coordinator Tester can read this record" in detail
    assert "Twins sleeping better." in detail
    response = client.post(reverse("volunteers:action_done", args=[action.pk]))
    assert response["Location"] == reverse("volunteers:my_supervision")
    html = client.get(response["Location"]).content.decode()
    assert "Action marked done: Share the sleep leaflet" in html
    assert "You have no open actions from supervision." in html
    action.refresh_from_db()
    assert action.done_on == TODAY()
    assert client.get(reverse("volunteers:action_done", args=[action.pk])).status_code == 405


def test_volunteer_navigation_has_supervision(client: Any, world: Any) -> None:
    client.force_login(world.volunteer)
    html = client.get(reverse("volunteers:my_supervision")).content.decode()
    assert 'aria-current="page">Supervision</a>' in html
    assert "My families</a>" in html
    assert "No supervision has been recorded yet" in html


def test_p9_family_page_shows_the_familys_coordinator_only_the_part_about_the_family(client: Any, world: Any) -> None:
    second = make_family(world.dsl, "Williams", volunteer=world.volunteer, postcode="PO4 8HX")
    services.supervision_record(
        volunteer=world.volunteer,
        held_on=TODAY(),
        notes="General: tired after the holidays.",
        discussed=[
            services.DiscussedFamily(world.family, "Okafor part: sleep is better."),
            services.DiscussedFamily(second, "Williams part: school runs."),
        ],
        actions=[
            services.AgreedAction("Okafor action", TODAY(), world.family),
            services.AgreedAction("General action", TODAY()),
        ],
        actor=world.dsl,
    )
    client.force_login(world.coordinator)  # leads the Okafor family; did not hold the session
    html = client.get(reverse("families:detail", args=[world.family.pk])).content.decode()
    assert "Discussed in one-to-one supervision" in html
    assert "Okafor part: sleep is better." in html and "Okafor action" in html
    for hidden in ("General: tired", "Williams part", "General action"):
        assert hidden not in html
    assert "Williams part" not in client.get(reverse("families:detail", args=[second.pk])).content.decode()
    assert "Okafor part" not in client.get(reverse("volunteers:supervision_list")).content.decode()

    family_services.family_change_coordinator(family=world.family, coordinator=world.dsl, actor=world.coordinator)
    html = client.get(reverse("families:detail", args=[world.family.pk])).content.decode()
    assert "Okafor part" not in html  # no longer the family's coordinator


def test_coordinator_supervision_page_lists_sessions_they_held(client: Any, world: Any) -> None:
    client.force_login(world.coordinator)
    html = client.get(reverse("volunteers:supervision_list")).content.decode()
    assert "You have not recorded any supervision yet" in html
    client.post(_new_url(world), _post(world))
    html = client.get(reverse("volunteers:supervision_list")).content.decode()
    assert "Volunteer Tester" in html and "Enjoying the role." not in html  # a list of dates, not the notes
    client.force_login(world.dsl)
    assert (
        "You have not recorded any supervision yet"
        in client.get(reverse("volunteers:supervision_list")).content.decode()
    )


def test_volunteer_page_shows_dates_to_every_coordinator_and_links_only_their_own(client: Any, world: Any) -> None:
    client.force_login(world.coordinator)
    client.post(_new_url(world), _post(world))
    session = SupervisionSession.objects.get()
    url = reverse("volunteers:detail", args=[world.volunteer.volunteer_profile.pk])
    html = client.get(url).content.decode()
    assert reverse("volunteers:supervision_detail", args=[session.pk]) in html
    client.force_login(world.dsl)
    html = client.get(url).content.decode()
    assert f"{session.held_on:%-d %B %Y} with Coordinator Tester" in html
    assert reverse("volunteers:supervision_detail", args=[session.pk]) not in html
    assert "Enjoying the role." not in html


def test_interval_page(client: Any, world: Any) -> None:
    client.force_login(world.dsl)
    url = reverse("volunteers:supervision_interval")
    assert 'value="8"' in client.get(url).content.decode()
    html = client.post(url, {"weeks": "60"}).content.decode()
    assert "Ensure this value is less than or equal to 52" in html
    response = client.post(url, {"weeks": "6"})
    assert response["Location"] == reverse("volunteers:supervision_list")
    assert "due every 6 weeks" in client.get(response["Location"]).content.decode()
