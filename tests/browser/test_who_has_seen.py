"""Who has seen a family's records, in a browser: on a phone the volunteer reads their note on the family's page; at a
desk the coordinator prints a consent letter, then opens "Who has seen this family's records" and finds both; on a
phone the safeguarding lead reads the same list and follows the volunteer's name to the families they opened.

Screenshots go to test-output/browser/ (git-ignored) for people to look at.
"""

import datetime
import re
from pathlib import Path
from typing import Any

import pytest
from django.urls import reverse
from django.utils import timezone
from playwright.sync_api import expect

from consents import services as consent_services
from consents.models import Category, Purpose
from families.models import Professional
from tests.browser.conftest import BROWSER_DB, assert_fits_phone, capture, sign_in
from tests.conftest import World, log_visit
from tests.consents.conftest import publish_wordings

pytestmark = [pytest.mark.browser, BROWSER_DB]

NOTE = "Grace said the new flat is damp and Tobi has a cough."
LINK = "Who has seen this family's records"


def test_the_coordinator_sees_who_read_the_note_and_who_printed_the_letter(
    live_world: World, phone: Any, desktop: Any, screenshots: Path
) -> None:
    world = live_world
    family = world.family
    family_page = reverse("families:detail", args=[family.pk])
    log_visit(family, world.volunteer, note=NOTE, days_ago=2)
    publish_wordings(world.scheme, world.administrator)
    consent, _letter, _pdf = consent_services.consent_request(
        family=family,
        purpose=Purpose.INFORMATION_EXCHANGE,
        signer=family.members.get(kind="adult"),
        recipients=[Professional.objects.get(name="Helen Price")],
        categories=[Category.SUPPORT_STATUS],
        review_on=timezone.localdate() + datetime.timedelta(days=365),
        print_letter=False,
        actor=world.coordinator,
    )

    # 1. On a phone, the volunteer reads their note on the family's page.
    sign_in(phone, world.volunteer.username)
    phone.goto(family_page)
    expect(phone.get_by_text(NOTE)).to_be_visible()
    expect(phone.get_by_role("link", name=LINK)).to_have_count(0)  # not for volunteers

    # 2. At a desk, the coordinator prints the consent letter.
    sign_in(desktop, world.coordinator.username)
    desktop.goto(reverse("consents:consent_detail", args=[consent.pk]))
    with desktop.expect_download() as download:
        desktop.get_by_role("button", name="Print the letter (PDF)").click()
    assert download.value.suggested_filename.endswith(".pdf")

    # 3. On the family's page, the records section links to who has seen them.
    desktop.goto(family_page)
    records = desktop.get_by_role("region", name="Records about this family")
    expect(records).to_be_visible()
    records.scroll_into_view_if_needed()
    capture(desktop, str(screenshots / "who-has-seen-00-desktop-family-page.png"), full_page=False)
    with desktop.expect_navigation():
        records.get_by_role("link", name=LINK).click()
    expect(desktop).to_have_url(re.compile(re.escape(reverse("families:access", args=[family.pk])) + "$"))
    expect(desktop.get_by_role("heading", level=1)).to_have_text(LINK)
    rows = desktop.locator("main table tbody tr")
    printed = rows.filter(has_text="Letter printed")
    expect(printed).to_have_count(1)
    expect(printed).to_contain_text("Coordinator Tester")
    expect(printed).to_contain_text("127.0.0.1")
    # The note was read twice: by the volunteer on their phone, and by the coordinator opening the page just now.
    read = rows.filter(has_text="Private note read")
    expect(read).to_have_count(2)
    expect(read.filter(has_text="Volunteer Tester")).to_have_count(1)
    expect(read.filter(has_text="Coordinator Tester")).to_have_count(1)
    # Newest first: the coordinator's print above the volunteer's read, above the volunteer opening the page.
    texts = rows.all_inner_texts()
    printed_at = next(i for i, text in enumerate(texts) if "Letter printed" in text)
    read_at = next(i for i, text in enumerate(texts) if "Private note read" in text and "Volunteer Tester" in text)
    opened_at = next(i for i, text in enumerate(texts) if "Family's page opened" in text and "Volunteer Tester" in text)
    assert printed_at < read_at < opened_at, texts
    expect(desktop.locator("main")).not_to_contain_text(NOTE)
    capture(desktop, str(screenshots / "who-has-seen-01-desktop.png"))

    # Narrowed to the volunteer: only what they did.
    desktop.get_by_label("Person").select_option(label="Volunteer Tester (volunteer)")
    with desktop.expect_navigation():
        desktop.get_by_role("button", name="Show").click()
    expect(rows.filter(has_text="Letter printed")).to_have_count(0)
    expect(rows.filter(has_text="Coordinator Tester")).to_have_count(0)
    expect(rows.filter(has_text="Private note read")).to_have_count(1)
    capture(desktop, str(screenshots / "who-has-seen-02-desktop-one-person.png"))

    # 4. On a phone, the safeguarding lead reads the same list, then the families the volunteer opened.
    with phone.expect_navigation():
        phone.locator("header").get_by_role("button", name="Sign out").click()
    sign_in(phone, world.dsl.username)
    phone.goto(family_page)
    with phone.expect_navigation():
        phone.get_by_role("link", name=LINK).click()
    expect(phone.get_by_role("heading", level=1)).to_have_text(LINK)
    expect(phone.locator("main table tbody tr").filter(has_text="Letter printed")).to_have_count(1)
    assert_fits_phone(phone)
    capture(phone, str(screenshots / "who-has-seen-03-phone.png"))

    with phone.expect_navigation():
        phone.get_by_role("link", name="Volunteer Tester").first.click()
    expect(phone.get_by_role("heading", level=1)).to_have_text("Families a person opened")
    result = phone.locator("main table tbody tr")
    expect(result).to_have_count(1)
    expect(result).to_contain_text("The Okafor family")
    expect(result).to_contain_text(family.reference)
    assert_fits_phone(phone)
    capture(phone, str(screenshots / "who-has-seen-04-phone-person.png"))
