"""A coordinator records a supervision session discussing two families, then a volunteer group meeting whose first
draft is refused for naming a family and is saved once the name is taken out (P8, P9). The volunteer then reads
their supervision on a phone.

Runs real Chromium against the live server, signing in through the real form. Screenshots go to
test-output/browser/ (git-ignored) for people to look at.
"""

import datetime
import re
from pathlib import Path
from typing import Any

import pytest
from django.urls import reverse
from django.utils import timezone
from playwright.sync_api import expect

from tests.browser.conftest import BROWSER_DB, assert_fits_phone, capture, sign_in
from tests.conftest import World, make_family
from volunteers.models import GroupMeeting, SupervisionSession

pytestmark = [pytest.mark.browser, BROWSER_DB]

OKAFOR_NOTES = "Grace is brighter since the Tuesday group; the twins still wake twice a night."
WILLIAMS_NOTES = "Mark has a new job; school runs are the hard part now."
REFUSED_NOTES = "We talked about how Grace Okafor at PO2 7QA copes with twins at night."
ACCEPTED_NOTES = "We talked about coping with twins at night, and where to find free baby groups."


def test_coordinator_records_supervision_and_a_group_meeting(
    live_world: World, desktop: Any, phone: Any, screenshots: Path
) -> None:
    williams = make_family(live_world.dsl, "Williams", volunteer=live_world.volunteer, postcode="PO4 8HX")
    okafor = live_world.family
    today = timezone.localdate()

    # The coordinator opens the volunteers and chooses to record supervision with the volunteer.
    sign_in(desktop, live_world.coordinator.username)
    desktop.get_by_role("navigation", name="Main").get_by_role("link", name="Volunteers").click()
    expect(desktop.get_by_role("heading", level=1)).to_have_text("Volunteers")
    desktop.get_by_role("link", name="Record supervision with Volunteer Tester").click()
    expect(desktop.get_by_role("heading", level=1)).to_have_text("Record supervision with Volunteer Tester")
    expect(desktop.locator(".private-label")).to_contain_text("Private: only you and Volunteer Tester")

    # The session discusses two families, with notes about each, and one agreed action about one of them.
    desktop.get_by_label("Date of the session").fill(today.isoformat())
    desktop.get_by_label("General notes (optional)").fill("Enjoying the role; would like the sleep workshop.")
    desktop.get_by_label(re.compile("We discussed the Okafor family")).check()
    desktop.get_by_label("Notes about the Okafor family").fill(OKAFOR_NOTES)
    desktop.get_by_label(re.compile("We discussed the Williams family")).check()
    desktop.get_by_label("Notes about the Williams family").fill(WILLIAMS_NOTES)
    desktop.get_by_label("Action 1", exact=True).fill("Suggest Grace asks about the sleep clinic")
    desktop.get_by_label("Action 1 due by").fill((today + datetime.timedelta(days=14)).isoformat())
    desktop.get_by_label("Action 1 is about").select_option(label="The Okafor family")
    capture(desktop, str(screenshots / "10-desktop-supervision-filled.png"))
    with desktop.expect_navigation():
        desktop.get_by_role("button", name="Save supervision record").click()

    session = SupervisionSession.objects.get()
    expect(desktop).to_have_url(re.compile(re.escape(reverse("volunteers:supervision_detail", args=[session.pk]))))
    expect(desktop.get_by_role("status")).to_contain_text("Supervision with Volunteer Tester on")
    families = desktop.get_by_role("region", name="Families discussed")
    expect(families.get_by_text(OKAFOR_NOTES)).to_be_visible()
    expect(families.get_by_text(WILLIAMS_NOTES)).to_be_visible()
    actions = desktop.get_by_role("region", name="Agreed actions")
    expect(actions).to_contain_text("Suggest Grace asks about the sleep clinic")
    expect(actions).to_contain_text("About the Okafor family")
    assert {part.family for part in session.families_discussed.all()} == {okafor, williams}
    capture(desktop, str(screenshots / "11-desktop-supervision-saved.png"))

    # A volunteer group meeting: the first draft names a family and gives its postcode.
    desktop.goto(reverse("volunteers:list"))
    desktop.get_by_role("link", name="Volunteer group meetings").click()
    desktop.get_by_role("link", name="Record a group meeting").first.click()
    expect(desktop.get_by_role("heading", level=1)).to_have_text("Record a group meeting")
    desktop.get_by_label("Volunteer Tester", exact=True).check()
    desktop.get_by_label("Othervolunteer Tester", exact=True).check()
    desktop.get_by_label("Topics").fill("Coping with broken nights")
    desktop.get_by_label("Notes (optional)").fill(REFUSED_NOTES)
    with desktop.expect_navigation():
        desktop.get_by_role("button", name="Save group meeting").click()

    summary = desktop.get_by_role("alert")
    expect(summary).to_contain_text("There is a problem")
    expect(summary).to_contain_text("“Grace Okafor”")
    expect(summary).to_contain_text("“PO2 7QA”")
    expect(summary).to_contain_text("one-to-one supervision")
    expect(desktop.locator("#id_notes_error")).to_contain_text("“Grace Okafor”")
    expect(desktop.get_by_label("Notes (optional)")).to_have_value(REFUSED_NOTES)  # kept what was typed
    expect(desktop.get_by_label("Topics")).to_have_value("Coping with broken nights")
    expect(desktop.get_by_label("Volunteer Tester", exact=True)).to_be_checked()
    expect(desktop).to_have_title(re.compile("^Error: "))
    assert not GroupMeeting.objects.exists()
    capture(desktop, str(screenshots / "12-desktop-group-meeting-refused.png"))

    # The link in the summary takes the coordinator to the notes; they take the name out and save again.
    summary.get_by_role("link", name=re.compile("Grace Okafor")).click()
    expect(desktop.get_by_label("Notes (optional)")).to_be_focused()
    desktop.get_by_label("Notes (optional)").fill(ACCEPTED_NOTES)
    with desktop.expect_navigation():
        desktop.get_by_role("button", name="Save group meeting").click()
    meeting = GroupMeeting.objects.get()
    expect(desktop).to_have_url(re.compile(re.escape(reverse("volunteers:meeting_detail", args=[meeting.pk]))))
    expect(desktop.get_by_role("status")).to_contain_text("Group meeting on")
    expect(desktop.get_by_text(ACCEPTED_NOTES)).to_be_visible()
    assert meeting.notes == ACCEPTED_NOTES
    capture(desktop, str(screenshots / "13-desktop-group-meeting-saved.png"))

    # The volunteer, on a phone, finds their supervision and the action agreed.
    sign_in(phone, live_world.volunteer.username)
    phone.get_by_role("navigation", name="Main").get_by_role("link", name="Supervision").click()
    expect(phone.get_by_role("heading", level=1)).to_have_text("Supervision")
    expect(phone.get_by_text("Suggest Grace asks about the sleep clinic", exact=True)).to_be_visible()
    expect(phone.get_by_text("Families discussed: Okafor, Williams")).to_be_visible()
    expect(phone.get_by_role("link", name=re.compile("Coping with broken nights"))).to_have_count(0)
    expect(phone.get_by_text("Coping with broken nights")).to_be_visible()
    assert_fits_phone(phone)
    capture(phone, str(screenshots / "14-phone-volunteer-supervision.png"))
