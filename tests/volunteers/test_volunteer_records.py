"""Volunteers' records: who is overdue for supervision, who can take a new family, and the pages that show it."""

import datetime
from typing import Any

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone

from homestart.exceptions import ActionNotAllowed
from homestart.models import AuditEntry, Role
from tests.conftest import make_family, make_user
from volunteers import selectors, services
from volunteers.audit import VolunteerAuditEvent


def _at(days: int) -> Any:
    """Travel to ``days`` days from now (time stands still there)."""
    return time_machine.travel(timezone.now() + datetime.timedelta(days=days), tick=False)


def _supervise(world: Any, volunteer: Any) -> Any:
    return services.supervision_record(volunteer=volunteer, held_on=timezone.localdate(), actor=world.coordinator)


def _due(world: Any) -> dict[str, Any]:
    return {str(row.volunteer): row for row in selectors.volunteers_due_for_supervision(world.coordinator)}


def test_p9_overdue_once_the_interval_has_passed_since_the_last_session(world: Any) -> None:
    joined = timezone.localdate()
    assert _due(world) == {}  # both volunteers joined today
    with _at(56):
        assert _due(world) == {}  # due today, not yet overdue
    with _at(57):
        due = _due(world)
        assert set(due) == {"Volunteer Tester", "Othervolunteer Tester"}
        assert due["Volunteer Tester"].last_supervised_on is None
        assert due["Volunteer Tester"].due_on == joined + datetime.timedelta(days=56)
        session = _supervise(world, world.volunteer)
        assert set(_due(world)) == {"Othervolunteer Tester"}
    with _at(57 + 57):
        due = _due(world)
        assert due["Volunteer Tester"].last_supervised_on == session.held_on
        assert due["Volunteer Tester"].due_on == session.held_on + datetime.timedelta(days=56)
        services.supervision_interval_set(scheme=world.scheme, weeks=12, actor=world.coordinator)
        world.coordinator.scheme.refresh_from_db()  # as the next request would load it
        assert set(_due(world)) == {"Othervolunteer Tester"}  # 57 days after their session: within 12 weeks


def test_overdue_list_is_the_schemes_active_volunteers_only(world: Any) -> None:
    from homestart import services as account_services

    gone = make_user(world.scheme, "gone", Role.VOLUNTEER)
    account_services.user_deactivate(user=gone, actor=world.administrator)
    elsewhere = make_user(world.other_scheme, "elsewhere", Role.VOLUNTEER)
    with _at(100):
        names = set(_due(world))
        assert names == {"Volunteer Tester", "Othervolunteer Tester"}
        assert str(elsewhere) in {
            str(row.volunteer) for row in selectors.volunteers_due_for_supervision(world.other_coordinator)
        }
        assert selectors.volunteers_due_for_supervision(world.volunteer) == []


def test_dashboard_and_supervision_page_list_volunteers_overdue(client: Any, world: Any) -> None:
    client.force_login(world.coordinator)
    html = client.get(reverse("dashboard")).content.decode()
    assert "No volunteer is overdue for one-to-one supervision" in html
    with _at(60):
        _supervise(world, world.other_volunteer)
        client.force_login(world.coordinator)
        for url in (reverse("dashboard"), reverse("volunteers:supervision_list")):
            html = client.get(url).content.decode()
            section = html.split("Volunteers due for supervision")[1].split("</section>")[0]
            assert "Volunteer Tester" in section and "Never" in section and "Overdue" in section
            assert "Othervolunteer Tester" not in section
            profile = world.volunteer.volunteer_profile
            assert reverse("volunteers:supervision_new", args=[profile.pk]) in section


# --- Availability ------------------------------------------------------------------------------------------------


def _availability(world: Any, volunteer: Any, *, available: bool, most: int = 1, times: str = "") -> Any:
    return services.volunteer_availability_update(
        profile=volunteer.volunteer_profile,
        available_for_new_family=available,
        available_times=times,
        max_families=most,
        actor=world.coordinator,
    )


def test_availability_is_kept_by_the_schemes_coordinators(world: Any) -> None:
    profile = _availability(world, world.other_volunteer, available=True, most=2, times="Tuesday mornings")
    assert (profile.available_for_new_family, profile.max_families, profile.available_times) == (
        True,
        2,
        "Tuesday mornings",
    )
    entries = AuditEntry.objects.filter(
        content_type__model="volunteerprofile", object_pk=str(profile.pk), action=AuditEntry.Action.UPDATE
    )
    entry = entries.latest("pk")  # after the DBS check and course recorded when the volunteer was set up
    assert entry.changes["max_families"] == ["1", "2"]
    assert entry.changes["available_times"] == ["[not recorded]", "[not recorded]"]  # typed freely: masked
    assert entry.event == VolunteerAuditEvent.VOLUNTEER_AVAILABILITY_CHANGED
    checks = entries.get(event=VolunteerAuditEvent.VOLUNTEER_CHECKS_RECORDED)
    assert checks.changes["dbs_certificate_number"] == ["[not recorded]", "[not recorded]"]
    for actor in (world.volunteer, world.administrator, world.other_coordinator):
        with pytest.raises(ActionNotAllowed):
            services.volunteer_availability_update(
                profile=profile, available_for_new_family=False, available_times="", max_families=1, actor=actor
            )
    for most in (0, 7):
        with pytest.raises(ActionNotAllowed, match="between 1 and 6"):
            _availability(world, world.other_volunteer, available=True, most=most)


def test_who_can_take_a_new_family_and_how_many_each_has(world: Any) -> None:
    _availability(world, world.volunteer, available=True, most=1)  # has the Okafor family: full
    _availability(world, world.other_volunteer, available=True, most=2)
    records = {str(person): person for person in selectors.volunteer_records(world.coordinator)}
    assert records["Volunteer Tester"].families_now == 1 and not records["Volunteer Tester"].takes_new_family
    assert records["Othervolunteer Tester"].families_now == 0 and records["Othervolunteer Tester"].takes_new_family
    make_family(world.coordinator, "Nowak", volunteer=world.other_volunteer, postcode="PO3 5DD")
    records = {str(person): person for person in selectors.volunteer_records(world.coordinator)}
    assert records["Othervolunteer Tester"].families_now == 1 and records["Othervolunteer Tester"].takes_new_family
    make_family(world.coordinator, "Hughes", volunteer=world.other_volunteer, postcode="PO6 2RT")
    available = selectors.volunteer_records(world.coordinator, available_only=True)
    assert list(available) == []
    _availability(world, world.volunteer, available=True, most=3)
    assert [str(person) for person in selectors.volunteer_records(world.coordinator, available_only=True)] == [
        "Volunteer Tester"
    ]


def test_volunteer_list_shows_availability_and_filters_it(client: Any, world: Any) -> None:
    _availability(world, world.other_volunteer, available=True, most=2, times="Weekday afternoons")
    client.force_login(world.coordinator)
    html = client.get(reverse("volunteers:list")).content.decode()
    assert "Available" in html and "Weekday afternoons" in html and "Not available" in html
    assert "1 of 1" in html and "0 of 2" in html
    filtered = client.get(reverse("volunteers:list"), {"available": "yes"}).content.decode()
    assert "Othervolunteer Tester" in filtered
    assert "Volunteer Tester</a>" not in filtered.replace("Othervolunteer Tester</a>", "")


def test_dashboard_lists_who_can_take_a_new_family_and_links_to_every_volunteer(client: Any, world: Any) -> None:
    _availability(world, world.volunteer, available=True, most=1)  # has the Okafor family: full
    _availability(world, world.other_volunteer, available=True, most=2, times="Weekday afternoons")
    client.force_login(world.coordinator)
    html = client.get(reverse("dashboard")).content.decode()
    section = html.split('id="volunteers-heading"')[1].split("</section>")[0]
    assert '<span class="count">1</span>' in section
    assert "Othervolunteer Tester" in section and "0 of 2" in section and "Weekday afternoons" in section
    assert "Volunteer Tester</a>" not in section.replace("Othervolunteer Tester</a>", "")  # full: not offered
    assert reverse("volunteers:detail", args=[world.other_volunteer.volunteer_profile.pk]) in section
    assert f'href="{reverse("volunteers:list")}"' in section
    assert "See all" not in section  # every one is shown
    _availability(world, world.other_volunteer, available=False, most=2)
    html = client.get(reverse("dashboard")).content.decode()
    assert "No volunteer can take a new family just now" in html


def test_dashboard_shows_the_first_rows_of_a_long_list_and_links_to_the_whole(client: Any, world: Any) -> None:
    from office.views import DASHBOARD_ROWS

    volunteers = [make_user(world.scheme, f"many{number:02d}", Role.VOLUNTEER) for number in range(DASHBOARD_ROWS + 2)]
    for volunteer in volunteers:
        _availability(world, volunteer, available=True, most=1)
    with _at(60):
        client.force_login(world.coordinator)
        html = client.get(reverse("dashboard")).content.decode()
        available = html.split('id="volunteers-heading"')[1].split("</section>")[0]
        assert f'<span class="count">{DASHBOARD_ROWS + 2}</span>' in available
        assert available.count("<tr>") == DASHBOARD_ROWS + 1  # the heading row and ten volunteers
        assert f"See all {DASHBOARD_ROWS + 2} volunteers who can take a new family" in available
        assert f'href="{reverse("volunteers:list")}?available=yes"' in available
        due = html.split('id="supervision-due-heading"')[1].split("</section>")[0]
        total = DASHBOARD_ROWS + 4  # every new volunteer and the scheme's two, none supervised
        assert f'<span class="count">{total}</span>' in due and due.count("<tr>") == DASHBOARD_ROWS + 1
        assert f"See all {total} volunteers due for supervision" in due
        assert reverse("volunteers:supervision_list") in due
        everyone = client.get(reverse("volunteers:supervision_list")).content.decode()
        assert everyone.split("Volunteers due for supervision")[1].split("</section>")[0].count("<tr>") == total + 1


def test_availability_page(client: Any, world: Any) -> None:
    profile = world.other_volunteer.volunteer_profile
    url = reverse("volunteers:availability_edit", args=[profile.pk])
    client.force_login(world.coordinator)
    response = client.post(url, {"available_for_new_family": "yes", "available_times": "Fridays", "max_families": "9"})
    assert response.status_code == 200
    assert "Ensure this value is less than or equal to 6" in response.content.decode()
    response = client.post(url, {"available_for_new_family": "yes", "available_times": "Fridays", "max_families": "2"})
    assert response["Location"] == reverse("volunteers:detail", args=[profile.pk])
    page = client.get(response["Location"]).content.decode()
    assert "is available for a new family" in page and "Fridays" in page
    client.force_login(world.other_coordinator)
    assert client.get(url).status_code == 404
