"""A volunteer on a phone chooses how often their email reminders come, from the header, and the page fits."""

from typing import Any

import pytest
from playwright.sync_api import expect

from homestart import reminders
from tests.browser.conftest import BROWSER_DB, assert_fits_phone, capture, sign_in

pytestmark = [pytest.mark.browser, BROWSER_DB]


def test_a_volunteer_turns_one_reminder_off_and_another_to_weekly_on_a_phone(
    phone: Any, live_world: Any, screenshots: Any
) -> None:
    sign_in(phone, "volunteer")
    phone.locator("header").get_by_role("link", name="Email reminders").click()
    expect(phone.get_by_role("heading", level=1)).to_have_text("Your email reminders")
    assert_fits_phone(phone)
    capture(phone, str(screenshots / "reminders-phone.png"))

    supervision = phone.get_by_role("group", name="Your one-to-one supervision is due")
    supervision.get_by_label("Never").check()
    dbs = phone.get_by_role("group", name="Your DBS renewal (60, 30 and 7 days before)")
    expect(dbs.get_by_label("Never")).to_have_count(0)  # mandatory: no way to turn it off
    dbs.get_by_label("Once a week").check()
    with phone.expect_navigation():
        phone.get_by_role("button", name="Save your reminders").click()
    expect(phone.get_by_role("status")).to_contain_text("Your email reminders are saved")
    expect(phone.get_by_role("group", name="Your one-to-one supervision is due").get_by_label("Never")).to_be_checked()
    assert_fits_phone(phone)
    capture(phone, str(screenshots / "reminders-saved-phone.png"))
    assert reminders.choices_for(live_world.volunteer)["volunteers.own_dbs_renewal"] == "weekly"
