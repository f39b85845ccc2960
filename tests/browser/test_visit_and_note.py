"""A volunteer logs a visit with a private note from a phone; the family's coordinator reads it at a desk.

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
from tests.conftest import World, log_visit

pytestmark = [pytest.mark.browser, BROWSER_DB]

NOTE = "Tobi pulled himself up on the sofa and took three wobbly steps towards Grace while the kettle boiled."


def test_volunteer_logs_visit_on_phone_and_coordinator_reads_note(
    live_world: World, phone: Any, desktop: Any, screenshots: Path
) -> None:
    family = live_world.family
    visited_on = timezone.localdate() - datetime.timedelta(days=1)

    # The volunteer, on a phone, signs in and lands on their families.
    sign_in(phone, live_world.volunteer.username)
    expect(phone).to_have_url(re.compile(re.escape(reverse("volunteers:home")) + "$"))
    expect(phone.get_by_role("heading", level=1)).to_have_text("My families")
    assert_fits_phone(phone)

    # Opens "Log a visit" for the Okafor family.
    card = phone.locator(".card").filter(has_text="The Okafor family")
    card.get_by_role("link", name="Log a visit").click()
    expect(phone).to_have_url(re.compile(re.escape(reverse("families:visit_new", args=[family.pk])) + "$"))
    expect(phone.get_by_role("heading", level=1)).to_have_text("Log a visit")
    expect(phone.get_by_text("The Okafor family")).to_be_visible()
    assert_fits_phone(phone)

    # Fills it in: date, kind (not the default), duration and a private note.
    phone.get_by_label("Date of the visit").fill(visited_on.isoformat())
    phone.get_by_role("radio", name="Phone call").check()
    phone.get_by_label("How long, in minutes").fill("75")
    phone.get_by_label("Private note (optional)").fill(NOTE)
    expect(phone.get_by_role("radio", name="Phone call")).to_be_checked()
    assert_fits_phone(phone)
    capture(phone, str(screenshots / "01-phone-log-visit-filled.png"))

    with phone.expect_navigation():
        phone.get_by_role("button", name="Save visit").click()

    # Back on "My families", with a banner saying what was saved.
    expect(phone).to_have_url(re.compile(re.escape(reverse("volunteers:home")) + "$"))
    banner = phone.get_by_role("status")
    expect(banner).to_contain_text(f"Visit to the Okafor family on {visited_on:%-d %B %Y} saved.")
    expect(banner).to_contain_text("Your note is private: only you and Coordinator Tester")
    expect(banner).to_be_visible()
    assert_fits_phone(phone)
    capture(phone, str(screenshots / "02-phone-visit-saved.png"))

    # The family's lead coordinator, at a desk, signs in and opens the family.
    assert family.lead_coordinator_id == live_world.coordinator.pk
    sign_in(desktop, live_world.coordinator.username)
    desktop.goto(reverse("families:detail", args=[family.pk]))
    expect(desktop.get_by_role("heading", level=1)).to_have_text("The Okafor family")

    timeline = desktop.get_by_role("region", name="Visits and private notes")
    expect(timeline).to_be_visible()
    expect(timeline.locator(".private-label")).to_contain_text("Private")
    visit = timeline.locator(".timeline__item").filter(has_text=f"Phone call on {visited_on:%A %-d %B %Y}")
    expect(visit).to_be_visible()
    expect(visit.get_by_text("75 minutes")).to_be_visible()
    expect(visit.get_by_text(NOTE)).to_be_visible()
    expect(visit.locator(".note__meta")).to_contain_text("Private note by Volunteer Tester")
    capture(desktop, str(screenshots / "03-desktop-coordinator-family.png"))


def test_unassigned_volunteer_gets_page_not_found(live_world: World, phone: Any, screenshots: Path) -> None:
    family = live_world.family
    log_visit(family, live_world.volunteer, note=NOTE)

    sign_in(phone, live_world.other_volunteer.username)
    expect(phone.get_by_role("heading", level=1)).to_have_text("My families")
    expect(phone.get_by_text("The Okafor family")).to_have_count(0)

    response = phone.goto(reverse("families:detail", args=[family.pk]))
    assert response is not None and response.status == 404
    expect(phone.get_by_role("heading", level=1)).to_have_text("Page not found")
    expect(phone).to_have_title(re.compile("^Page not found"))
    assert NOTE not in phone.content()
    assert "Okafor" not in phone.content()
    assert_fits_phone(phone)
    capture(phone, str(screenshots / "04-phone-other-volunteer-not-found.png"))

    # Nor can they reach the visit form for the family.
    response = phone.goto(reverse("families:visit_new", args=[family.pk]))
    assert response is not None and response.status == 404
    assert NOTE not in phone.content()
