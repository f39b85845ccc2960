"""Notes over time, in a browser: on a phone the volunteer writes a note without a visit and corrects an earlier
note; at a desk the coordinator reads both under the original, and is asked to confirm before giving the volunteer
more families than they will take.

Screenshots go to test-output/browser/ (git-ignored) for people to look at.
"""

import re
from pathlib import Path
from typing import Any

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from families.models import Assignment
from tests.browser.conftest import BROWSER_DB, assert_fits_phone, capture, sign_in
from tests.conftest import World, log_visit, make_family

pytestmark = [pytest.mark.browser, BROWSER_DB]

NOTE = "Grace said Tobi is eight months old and crawling."
CORRECTION = "Correction: Tobi is ten months old, not eight."
PHONE_MESSAGE = "Grace phoned: the health visitor is coming on Thursday, so we moved our visit to Friday."


def test_volunteer_corrects_a_note_and_writes_one_without_a_visit(
    live_world: World, phone: Any, desktop: Any, screenshots: Path
) -> None:
    family = live_world.family
    log_visit(family, live_world.volunteer, note=NOTE, days_ago=3)
    family_page = reverse("families:detail", args=[family.pk])

    sign_in(phone, live_world.volunteer.username)
    phone.goto(family_page)
    visits = phone.get_by_role("region", name="My visits and private notes")
    visits.get_by_role("link", name="Add a correction").click()
    expect(phone.get_by_role("heading", level=1)).to_have_text("Add a correction to your note")
    expect(phone.get_by_text(NOTE)).to_be_visible()
    assert_fits_phone(phone)
    phone.get_by_label("Your correction").fill(CORRECTION)
    capture(phone, str(screenshots / "notes-01-phone-correction.png"))
    with phone.expect_navigation():
        phone.get_by_role("button", name="Save correction").click()
    expect(phone).to_have_url(re.compile(re.escape(family_page) + "$"))
    expect(phone.get_by_role("status")).to_contain_text("Correction saved.")

    phone.get_by_role("link", name="Write a note without a visit").click()
    expect(phone.get_by_role("heading", level=1)).to_have_text("Write a note without a visit")
    assert_fits_phone(phone)
    phone.get_by_label("Private note").fill(PHONE_MESSAGE)
    with phone.expect_navigation():
        phone.get_by_role("button", name="Save note").click()
    expect(phone.get_by_role("status")).to_contain_text("It is private")
    assert_fits_phone(phone)
    capture(phone, str(screenshots / "notes-02-phone-family-page.png"))

    sign_in(desktop, live_world.coordinator.username)
    desktop.goto(family_page)
    timeline = desktop.get_by_role("region", name="Visits and private notes")
    visit = timeline.locator(".timeline__item").filter(has_text=NOTE)
    expect(visit.get_by_text(NOTE)).to_be_visible()
    expect(visit.get_by_text(CORRECTION)).to_be_visible()
    expect(visit.get_by_text(re.compile(r"^Correction by Volunteer Tester, written"))).to_be_visible()
    expect(visit.get_by_role("link", name="Add a correction")).to_have_count(0)  # not the coordinator's note
    expect(timeline.locator(".timeline__item").first).to_contain_text(PHONE_MESSAGE)  # the newest first
    capture(desktop, str(screenshots / "notes-03-desktop-coordinator-reads-both.png"))


def test_coordinator_confirms_before_giving_a_volunteer_more_families(
    live_world: World, desktop: Any, screenshots: Path
) -> None:
    other = make_family(live_world.coordinator, "Nowak", postcode="PO3 5DD")
    sign_in(desktop, live_world.coordinator.username)
    desktop.goto(reverse("families:assignment_new", args=[other.pk]))
    desktop.get_by_label("Volunteer").select_option(str(live_world.volunteer.pk))
    with desktop.expect_navigation():
        desktop.get_by_role("button", name="Assign volunteer").click()
    expect(desktop.get_by_role("alert")).to_contain_text("Volunteer Tester already supports 1 family")
    assert not Assignment.objects.filter(family=other, volunteer=live_world.volunteer).exists()
    capture(desktop, str(screenshots / "notes-04-desktop-assign-anyway.png"))
    with desktop.expect_navigation():
        desktop.get_by_role("button", name="Assign anyway").click()
    expect(desktop.get_by_role("status")).to_contain_text("is now assigned to the Nowak family")
    assert Assignment.objects.filter(family=other, volunteer=live_world.volunteer, ended_on__isnull=True).exists()
