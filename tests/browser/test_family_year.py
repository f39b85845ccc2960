"""A year in one family's life, through the pages a coordinator and a volunteer use.

The Adebayo family is referred with a baby on the way; the coordinator accepts them and assigns a volunteer; the
family signs the information-exchange consent and the referrer and health visitor are told support was agreed
(recorded through the services: tests/browser/test_consent_journey.py walks those pages); the volunteer logs
visits from a phone; the baby is born; the family moves and has a new health visitor; support ends; months later
they are referred again, on the same record, and supported again. At the end the family page shows it all.

Dates are set back so the year fits into one run: the referral came 330 days ago, support ended 100 days ago.
Screenshots (desktop and 375 px) go to test-output/browser/ for people to look at.
"""

import datetime
import re
from pathlib import Path
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone
from playwright.sync_api import expect

from consents import services as consent_services
from consents.models import Category, ConsentMethod, DisclosureMethod, Purpose
from families import services as family_services
from families.models import AgencyKind, Family, FamilyStatus, HouseholdMember, SupportPeriod
from homestart.pdf import render_html
from tests.browser.conftest import BROWSER_DB, assert_fits_phone, capture, sign_in
from tests.conftest import World
from tests.consents.conftest import publish_wordings

pytestmark = [pytest.mark.browser, BROWSER_DB]

TODAY = timezone.localdate()
HV = "Helen Price"
NEW_HV = "Hannah Cole"


def ago(days: int) -> datetime.date:
    return TODAY - datetime.timedelta(days=days)


def shot(page: Any, screenshots: Path, name: str) -> None:
    capture(page, str(screenshots / f"year-{name}.png"))


def go(page: Any, role: str, name: str) -> None:
    """Click a link or button that loads a new page, and wait for it."""
    with page.expect_navigation():
        page.get_by_role(role, name=name, exact=True).first.click()


def choose(select: Any, starting: str) -> None:
    """Pick the option of a drop-down whose text starts with ``starting`` (its label also says the role and team)."""
    value = select.locator("option").filter(has_text=re.compile(f"^{re.escape(starting)}")).first.get_attribute("value")
    select.select_option(value=value)


def banner(page: Any) -> Any:
    return page.get_by_role("status")


@pytest.fixture
def year_world(live_world: World) -> World:
    """The live world, with consent wordings published and a second health visitor in the directory."""
    publish_wordings(live_world.scheme, live_world.administrator)
    family_services.professional_add(
        scheme=live_world.scheme,
        agency_name="Southsea Health Visiting Team",
        agency_kind=AgencyKind.HEALTH_VISITING,
        name=NEW_HV,
        role="Health visitor",
        actor=live_world.coordinator,
    )
    return live_world


def _refer(page: Any, screenshots: Path) -> Family:
    go(page, "link", "Referrals")
    go(page, "link", "Record a new referral")
    page.get_by_label("Family name").fill("Adebayo")
    page.get_by_label("Address").fill("14 Elm Grove\nSouthsea")
    page.get_by_label("Postcode").fill("po5 1ab")
    page.get_by_label("Phone number (optional)").fill("07700 900108")
    mother, baby = page.locator("fieldset.member").nth(0), page.locator("fieldset.member").nth(1)
    mother.get_by_role("radio", name="Adult").check()
    mother.get_by_label("First name").fill("Folake")
    mother.get_by_label("Last name (optional)").fill("Adebayo")
    mother.get_by_label("Relationship (optional)").fill("mother")
    baby.get_by_role("radio", name="Child").check()
    baby.get_by_label("First name").fill("Baby")
    baby.get_by_label("Last name (optional)").fill("Adebayo")
    baby.get_by_label("Relationship (optional)").fill("expected baby")
    baby.get_by_text("Not born yet? Enter the due date").click()
    baby.get_by_label("Due date").fill(ago(200).isoformat())
    choose(page.get_by_label("Who referred the family?"), HV)
    choose(page.get_by_label("Health visitor (optional)"), HV)
    page.get_by_label("Date the referral was received").fill(ago(330).isoformat())
    page.get_by_label("Reasons for the referral").fill("First baby due; Folake has no family nearby.")
    shot(page, screenshots, "01-desktop-referral")
    go(page, "button", "Save referral")
    expect(banner(page)).to_contain_text("Referral recorded.")
    return Family.objects.get(family_name="Adebayo")


def _accept_and_assign(page: Any, volunteer: Any, started_on: datetime.date) -> None:
    page.get_by_role("radio", name="Accept: the family will be matched with a volunteer").check()
    go(page, "button", "Save decision")
    expect(banner(page)).to_contain_text("Referral accepted.")
    go(page, "link", "Assign a volunteer")
    choose(page.get_by_label("Volunteer"), str(volunteer))
    page.get_by_label("Start date").fill(started_on.isoformat())
    go(page, "button", "Assign volunteer")
    expect(banner(page)).to_contain_text(f"{volunteer} is now assigned to the Adebayo family.")


def _support_agreed(world: World, family: Family) -> None:
    """The signed consent and the support-agreed notices, through the services (their pages have their own test)."""
    signer = family.members.get(first_name="Folake")
    consent, _letter, _pdf = consent_services.consent_request(
        family=family,
        purpose=Purpose.INFORMATION_EXCHANGE,
        signer=signer,
        recipients=list({p.pk: p for p in (family.health_visitor, family.referrals.get().referrer)}.values()),
        categories=[Category.SUPPORT_STATUS, Category.VISIT_SUMMARY],
        review_on=TODAY + datetime.timedelta(days=365),
        actor=world.coordinator,
    )
    scan = SimpleUploadedFile("signed.pdf", render_html("<p>Signed</p>"), "application/pdf")
    consent_services.consent_record_signed(
        consent=consent,
        scan=scan,
        signed_on=TODAY,
        method=ConsentMethod.SCANNED_LETTER,
        received_by=world.coordinator,
        actor=world.coordinator,
    )
    consent_services.support_agreed_notices_send(family=family, method=DisclosureMethod.LETTER, actor=world.coordinator)


def _log_visit(phone: Any, family: Family, on: datetime.date, minutes: int, note: str) -> None:
    phone.goto(reverse("volunteers:home"))
    card = phone.locator(".card").filter(has_text="The Adebayo family")
    with phone.expect_navigation():
        card.get_by_role("link", name="Log a visit").click()
    phone.get_by_label("Date of the visit").fill(on.isoformat())
    phone.get_by_label("How long, in minutes").fill(str(minutes))
    phone.get_by_label("Private note (optional)").fill(note)
    go(phone, "button", "Save visit")
    expect(banner(phone)).to_contain_text(f"Visit to the Adebayo family on {on:%-d %B %Y} saved.")


def test_a_year_in_the_life_of_one_family(
    year_world: World, desktop: Any, browser: Any, live_server: Any, screenshots: Path
) -> None:
    world = year_world
    page = desktop
    sign_in(page, world.coordinator.username)

    # 1. The referral: a mother and a baby on the way.
    family = _refer(page, screenshots)
    family_url = reverse("families:detail", args=[family.pk])
    reference = family.reference

    # 2. Support agreed: accepted, a volunteer assigned, the consent signed and the notices sent.
    _accept_and_assign(page, world.other_volunteer, ago(320))
    _support_agreed(world, family)
    page.goto(family_url)
    expect(page.get_by_role("heading", level=1)).to_have_text("The Adebayo family")
    expect(page.locator("main .tag").first).to_have_text("Being supported")
    details = page.get_by_role("region", name="Family details")
    expect(details.get_by_role("link", name="07700 900108")).to_have_attribute("href", "tel:07700900108")
    shot(page, screenshots, "02-desktop-supported")

    # 3. Visits, from the volunteer's phone.
    context = browser.new_context(
        base_url=live_server.url, locale="en-GB", timezone_id="Europe/London",
        viewport={"width": 375, "height": 812}, is_mobile=True, has_touch=True, device_scale_factor=2,
    )  # fmt: skip
    try:
        phone = context.new_page()
        phone.set_default_timeout(10_000)
        sign_in(phone, world.other_volunteer.username)
        _log_visit(phone, family, ago(300), 90, "Folake is tired but cheerful; we sorted the hospital bag.")
        _log_visit(phone, family, ago(150), 60, "Baby Amara feeding well; walked to the park together.")
        phone.goto(family_url)
        expect(phone.get_by_role("heading", level=1)).to_have_text("The Adebayo family")
        assert_fits_phone(phone)
        shot(phone, screenshots, "03-phone-volunteer-family")
    finally:
        context.close()

    # 4. The baby is born: the due date gives way to the date of birth, on the same record.
    baby = HouseholdMember.objects.get(family=family, first_name="Baby")
    page.goto(family_url)
    household = page.get_by_role("region", name="Household")
    expect(household).to_contain_text("Not born yet")
    go(page, "link", "Record the birth of Baby Adebayo")
    expect(page.get_by_role("heading", level=1)).to_have_text("Record the birth of Baby Adebayo")
    expect(page.get_by_label("Date of birth")).to_have_value(ago(200).isoformat())  # the due date, to start from
    page.get_by_label("Date of birth").fill(ago(205).isoformat())
    page.get_by_label("First name").fill("Amara")
    page.get_by_label("Relationship (optional)").fill("daughter")
    shot(page, screenshots, "04-desktop-birth")
    go(page, "button", "Record the birth")
    expect(banner(page)).to_contain_text(f"Amara Adebayo's birth on {ago(205):%-d %B %Y} has been recorded.")
    baby.refresh_from_db()
    assert (baby.first_name, baby.date_of_birth, baby.expected_due_date) == ("Amara", ago(205), None)

    # 5. A move to a new address, with a new health visitor.
    go(page, "link", "Change address")
    page.get_by_label("Address").fill("3 Harbour View\nGosport")
    page.get_by_label("Postcode").fill("PO12 1AA")
    go(page, "button", "Save the details")
    expect(banner(page)).to_contain_text("details have been updated. If they have a new health visitor, change it")
    go(page, "link", "Change health visitor")
    choose(page.get_by_label("Health visitor"), NEW_HV)
    go(page, "button", "Save the health visitor")
    expect(banner(page)).to_contain_text(f"{NEW_HV} is now the family's health visitor.")
    details = page.get_by_role("region", name="Family details")
    expect(details).to_contain_text("3 Harbour View")
    expect(details).to_contain_text(NEW_HV)

    # 6. Support ends.
    go(page, "link", "End support for this family")
    page.get_by_label("Date support ended").fill(ago(100).isoformat())
    page.get_by_label("Why is support ending?").fill("Amara is thriving and Folake has made friends at the group.")
    go(page, "button", "End support")
    expect(banner(page)).to_contain_text("Support has ended.")
    expect(page.locator("main .tag").first).to_have_text("Support ended")
    shot(page, screenshots, "05-desktop-ended")

    # 7. Months later the family comes back. The coordinator starts a new referral; intake recognises the family
    # (same surname and postcode, typed differently) and offers to refer them again on the same record instead.
    go(page, "link", "Referrals")
    go(page, "link", "Record a new referral")
    page.get_by_label("Family name").fill("ADEBAYO ")
    page.get_by_label("Address").fill("3 Harbour View\nGosport")
    page.get_by_label("Postcode").fill("po121aa")
    mother = page.locator("fieldset.member").nth(0)
    mother.get_by_role("radio", name="Adult").check()
    mother.get_by_label("First name").fill("Folake")
    page.get_by_label("Reasons for the referral").fill("Second baby due.")
    go(page, "button", "Save referral")
    warning = page.locator("#known-family")
    expect(warning).to_contain_text("This may be a family the scheme already knows")
    expect(warning).to_contain_text(f"The Adebayo family ({reference}) Support ended")
    expect(warning).to_contain_text("Same surname and postcode")
    shot(page, screenshots, "06-desktop-intake-knows-the-family")
    assert Family.objects.filter(family_name__iexact="adebayo").count() == 1  # nothing saved
    go(page, "link", "Refer the Adebayo family again instead")
    expect(page.get_by_role("heading", level=1)).to_have_text("Refer the Adebayo family again")
    choose(page.get_by_label("Who referred the family this time?"), NEW_HV)
    page.get_by_label("Date the referral was received").fill(ago(30).isoformat())
    page.get_by_label("Reasons for the referral").fill("Second baby due; Folake's partner is working away.")
    shot(page, screenshots, "07-desktop-rerefer")
    go(page, "button", "Save the referral")
    expect(banner(page)).to_contain_text(f"referred again, with the same reference ({reference})")
    _accept_and_assign(page, world.other_volunteer, ago(20))

    # 8. The family page shows the whole year.
    family.refresh_from_db()
    assert family.reference == reference and family.status == FamilyStatus.SUPPORTED
    assert SupportPeriod.objects.filter(family=family).count() == 2
    page.goto(family_url)
    expect(page.locator("main .tag").first).to_have_text("Being supported")
    details = page.get_by_role("region", name="Family details")
    expect(details).to_contain_text("3 Harbour View")
    expect(details).to_contain_text(f"Support started{ago(20):%-d %B %Y}")
    household = page.get_by_role("region", name="Household")
    expect(household).to_contain_text("Amara Adebayo")
    expect(household).not_to_contain_text("Not born yet")
    referral = page.get_by_role("region", name="Current referral")
    expect(referral).to_contain_text("Second baby due")
    history = page.get_by_role("region", name="Support history")
    items = history.locator(".timeline__item")
    expect(items).to_have_count(2)
    expect(items.nth(0)).to_contain_text(f"Referred on {ago(30):%-d %B %Y} (current)")
    expect(items.nth(0)).to_contain_text(f"Since {ago(20):%-d %B %Y}")
    expect(items.nth(1)).to_contain_text(f"Referred on {ago(330):%-d %B %Y}")
    expect(items.nth(1)).to_contain_text(f"{ago(320):%-d %B %Y} to {ago(100):%-d %B %Y}")
    expect(items.nth(1)).to_contain_text("Amara is thriving")
    expect(items.nth(1)).to_contain_text("Othervolunteer Tester")
    expect(items.nth(1)).to_contain_text(f"Referred by {HV}")
    consents = page.get_by_role("region", name="Consents and sharing")
    expect(consents).to_contain_text("Information exchange with the referrer and health visitor")
    visits = page.get_by_role("region", name=re.compile("^Visits"))
    expect(visits).to_contain_text(f"{ago(300):%A %-d %B %Y}")
    expect(visits).to_contain_text(f"{ago(150):%A %-d %B %Y}")
    shot(page, screenshots, "08-desktop-the-whole-year")

    # The same page on a coordinator's phone: nothing scrolls sideways.
    context = browser.new_context(
        base_url=live_server.url, locale="en-GB", timezone_id="Europe/London",
        viewport={"width": 375, "height": 812}, is_mobile=True, has_touch=True, device_scale_factor=2,
    )  # fmt: skip
    try:
        coordinator_phone = context.new_page()
        coordinator_phone.set_default_timeout(10_000)
        sign_in(coordinator_phone, world.coordinator.username)
        coordinator_phone.goto(family_url)
        expect(coordinator_phone.get_by_role("region", name="Support history")).to_be_visible()
        shot(coordinator_phone, screenshots, "09-phone-the-whole-year")
        assert_fits_phone(coordinator_phone)
    finally:
        context.close()
