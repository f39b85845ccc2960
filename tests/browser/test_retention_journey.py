"""A coordinator, on a phone, finds the families due for anonymising this month and holds one family's records.

Real Chromium against the live server. Screenshots go to test-output/browser/ (git-ignored) for people to look at.
"""

import re
from pathlib import Path
from typing import Any

import pytest
from django.urls import reverse
from django.utils import timezone
from playwright.sync_api import expect

from families.models import RetentionHold
from homestart import retention
from tests.browser.conftest import BROWSER_DB, assert_fits_phone, capture, sign_in
from tests.conftest import World
from tests.office.retention_world import ended_family

pytestmark = [pytest.mark.browser, BROWSER_DB]


def test_coordinator_holds_a_familys_records_from_the_list_due_this_month(
    live_world: World, phone: Any, screenshots: Path
) -> None:
    # Support ended a year ago today: the family is due at tonight's run.
    ended_on = retention.add_years(timezone.localdate(), -1)
    family = ended_family(live_world, day=ended_on, name="Abara")

    sign_in(phone, live_world.coordinator.username)
    phone.goto(reverse("dashboard"))
    section = phone.locator("section").filter(has=phone.get_by_role("heading", name=re.compile("Records due")))
    expect(section).to_contain_text("1 family is due")
    section.get_by_role("link", name="Due for anonymising this month").click()

    expect(phone.get_by_role("heading", level=1)).to_have_text("Due for anonymising this month")
    row = phone.get_by_role("row").filter(has_text=family.reference)
    expect(row).to_contain_text("Abara")
    expect(row).to_contain_text(f"Support ended on {ended_on:%-d %B %Y}")
    expect(row).to_contain_text("Next run")
    assert_fits_phone(phone)
    capture(phone, str(screenshots / "retention-01-phone-due-this-month.png"))

    row.get_by_role("link", name=re.compile("Place a hold")).click()
    expect(phone.get_by_role("heading", level=1)).to_have_text("Place a hold on the Abara family's records")
    with phone.expect_navigation():
        phone.get_by_role("button", name="Place the hold").click()
    summary = phone.get_by_role("alert")
    expect(summary).to_contain_text("There is a problem")
    expect(summary).to_contain_text("Enter the reason for the hold")
    assert not RetentionHold.objects.exists()
    assert_fits_phone(phone)
    capture(phone, str(screenshots / "retention-02-phone-hold-without-a-reason.png"))

    phone.get_by_label("Why must the family's records be kept?").fill("A solicitor's letter about a claim arrived.")
    with phone.expect_navigation():
        phone.get_by_role("button", name="Place the hold").click()
    expect(phone).to_have_url(re.compile(re.escape(reverse("families:retention_due")) + "$"))
    expect(phone.get_by_role("status")).to_contain_text("records are on hold")
    expect(phone.get_by_text("No family's records are due for anonymising this month.")).to_be_visible()
    held = phone.locator("section").filter(has=phone.get_by_role("heading", name=re.compile("Families on hold")))
    expect(held).to_contain_text("A solicitor's letter about a claim arrived.")
    assert_fits_phone(phone)
    capture(phone, str(screenshots / "retention-03-phone-held.png"))
    assert RetentionHold.objects.get().family_id == family.pk

    # On the family's page, "Records about this family" shows the hold; lifting it asks first.
    held.get_by_role("link", name="Abara", exact=True).click()
    records = phone.locator("section").filter(has=phone.get_by_role("heading", name="Records about this family"))
    expect(records).to_contain_text("On hold")
    expect(records).to_contain_text(f"Without it, the records would be due on {timezone.localdate():%-d %B %Y}")
    assert_fits_phone(phone)
    records.get_by_role("link", name="Lift the hold", exact=True).click()
    expect(phone.get_by_role("heading", level=1)).to_have_text("Lift the hold on the Abara family's records")
    expect(phone.get_by_text("They will be anonymised at the next nightly run")).to_be_visible()
    assert_fits_phone(phone)
    capture(phone, str(screenshots / "retention-04-phone-lift-the-hold.png"))
    with phone.expect_navigation():
        phone.get_by_role("button", name="Lift the hold").click()
    expect(phone.get_by_role("status")).to_contain_text("The hold is lifted")
    expect(records).to_contain_text("at the next nightly run")
    assert RetentionHold.objects.get().lifted_by == live_world.coordinator
