"""P12 end to end on phones: a volunteer raises an urgent concern; the safeguarding lead, from the emailed link,
reviews it, records the discussion with the family and the referral; the referral is in the disclosure register.

Screenshots go to test-output/browser/ (git-ignored) for people to look at.
"""

import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone
from playwright.sync_api import expect

from consents.models import Disclosure
from families.models import AgencyKind, MemberKind
from families.services import professional_add
from safeguarding.models import Concern, ConcernStatus
from tests.browser.conftest import BROWSER_DB, PHONE, assert_fits_phone, capture, sign_in
from tests.conftest import World

pytestmark = [pytest.mark.browser, BROWSER_DB]

ACCOUNT = "Tobi had a large bruise on his cheek. Mum's partner shouted at him and he flinched when I picked him up."


@pytest.fixture
def second_phone(browser: Any, live_server: Any) -> Iterator[Any]:
    context = browser.new_context(base_url=live_server.url, locale="en-GB", timezone_id="Europe/London", **PHONE)
    context.set_default_timeout(10_000)
    try:
        yield context.new_page()
    finally:
        context.close()


def test_volunteer_raises_urgent_concern_and_lead_refers_it(
    live_world: World, phone: Any, second_phone: Any, screenshots: Path, settings: Any
) -> None:
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    mail.outbox = []
    family = live_world.family
    professional_add(
        scheme=live_world.scheme,
        agency_name="Portsmouth MASH",
        agency_kind=AgencyKind.CHILDRENS_SOCIAL_CARE,
        name="Pat Duty",
        role="Social worker",
        actor=live_world.coordinator,
    )
    child = family.members.get(kind=MemberKind.CHILD)

    # The volunteer, on a phone outside the family's home, opens the family and raises a concern.
    sign_in(phone, live_world.volunteer.username)
    phone.goto(reverse("families:detail", args=[family.pk]))
    phone.get_by_role("link", name="Raise a safeguarding concern").click()
    expect(phone.get_by_role("heading", level=1)).to_have_text("Is a child in immediate danger?")
    assert_fits_phone(phone)
    phone.get_by_role("radio", name="Yes, a child is in danger now").check()
    phone.get_by_role("button", name="Continue").click()

    # The emergency guidance comes before anything else.
    expect(phone.get_by_role("heading", level=1)).to_have_text("Call 999 now")
    expect(phone.get_by_role("link", name="Call 999")).to_have_attribute("href", "tel:999")
    assert_fits_phone(phone)
    capture(phone, str(screenshots / "sg-01-phone-call-999.png"))
    phone.get_by_role("link", name="Record the concern").click()

    expect(phone.get_by_role("heading", level=1)).to_have_text("What did you see or hear?")
    phone.get_by_role("checkbox", name=re.compile(child.first_name)).check()
    phone.get_by_role("radio", name="Physical abuse").check()
    phone.get_by_label("What did you see or hear?").fill(ACCOUNT)
    phone.get_by_label("When did it happen?").fill(timezone.localdate().isoformat())
    phone.get_by_label("Time (optional)").fill("15:40")
    assert_fits_phone(phone)
    capture(phone, str(screenshots / "sg-02-phone-concern-filled.png"))
    phone.get_by_role("button", name="Send to the safeguarding lead").click()

    expect(phone.get_by_role("heading", level=1)).to_have_text("Concern received")
    expect(phone.get_by_text("Received: waiting for the safeguarding lead")).to_be_visible()
    expect(phone.get_by_text(ACCOUNT)).to_have_count(0)
    assert_fits_phone(phone)
    capture(phone, str(screenshots / "sg-03-phone-receipt.png"))
    concern = Concern.objects.get()
    assert concern.urgent

    # The lead is emailed at once: a link, no personal details.
    assert len(mail.outbox) == 1
    email = mail.outbox[0]
    assert email.to == [live_world.dsl.email] and email.subject.startswith("URGENT")
    assert family.family_name not in email.body and child.first_name not in email.body and "bruise" not in email.body
    link = re.search(r"https?://\S+", email.body).group(0)
    assert link.endswith(reverse("safeguarding:concern_detail", args=[concern.pk]))

    # The lead, also on a phone, follows the link (signing in first) and reviews the concern.
    sign_in(second_phone, live_world.dsl.username)
    second_phone.goto(link)
    expect(second_phone.get_by_role("heading", level=1)).to_have_text("Physical abuse concern")
    expect(second_phone.get_by_text("Urgent", exact=True).first).to_be_visible()
    expect(second_phone.get_by_text(ACCOUNT)).to_be_visible()
    assert_fits_phone(second_phone)
    capture(second_phone, str(screenshots / "sg-04-phone-lead-concern.png"))
    second_phone.get_by_role("link", name="Review the concern").first.click()
    second_phone.get_by_label("Review notes").fill(
        "Spoke to the volunteer by phone. Injury to a toddler, partner in the home."
    )
    second_phone.get_by_role("button", name="Save").click()
    expect(second_phone.get_by_role("status")).to_contain_text("Review recorded")

    # The discussion with the family.
    second_phone.get_by_role("link", name="Record the discussion with the family").first.click()
    second_phone.get_by_label("Who took part?").fill("Mother (Grace), the safeguarding lead")
    second_phone.get_by_label("What was said?").fill(
        "We explained our worry about the bruise and that we must tell the MASH."
    )
    second_phone.get_by_label("How did the family respond?").fill(
        "Grace was upset but agreed; she said the bruise was from a fall."
    )
    assert_fits_phone(second_phone)
    second_phone.get_by_role("button", name="Save").click()
    expect(second_phone.get_by_role("status")).to_contain_text("Discussion with the family recorded")

    # The referral, recorded through the disclosure register.
    second_phone.get_by_role("link", name="Record a referral").first.click()
    expect(second_phone.get_by_role("heading", level=1)).to_have_text("Record the referral")
    expect(second_phone.get_by_text("Basis for sharing: safeguarding.")).to_be_visible()
    recipient = second_phone.get_by_label("Who was the referral made to?")
    recipient.select_option(label=recipient.locator("option", has_text="Pat Duty").inner_text())
    second_phone.get_by_label("Their reference number (optional)").fill("MASH-26-4471")
    second_phone.get_by_label("What was shared, in one sentence").fill(
        "The concern as recorded, the children's names and dates of birth, and the address."
    )
    second_phone.get_by_role("checkbox", name=re.compile("Contact details")).check()
    second_phone.get_by_role("radio", name="Phone").check()
    assert_fits_phone(second_phone)
    capture(second_phone, str(screenshots / "sg-05-phone-referral-form.png"))
    second_phone.get_by_role("button", name="Record the referral").click()
    expect(second_phone.get_by_role("status")).to_contain_text("entered in the disclosure register")
    expect(second_phone.get_by_text("Referral made to Portsmouth MASH")).to_be_visible()
    # Referred before a decision was recorded (urgent): the timeline says what is still to do.
    expect(second_phone.locator("#outstanding")).to_contain_text("Decision")
    assert_fits_phone(second_phone)
    capture(second_phone, str(screenshots / "sg-06-phone-concern-referred.png"))

    # The referral is in the disclosure register, with the basis "safeguarding".
    second_phone.goto(reverse("consents:register"))
    row = second_phone.locator("tr, .card").filter(has_text="Pat Duty").first
    expect(row).to_be_visible()
    expect(row).to_contain_text(f"Safeguarding: concern {concern.pk}")
    expect(row).to_contain_text("Their reference MASH-26-4471")
    assert_fits_phone(second_phone)
    capture(second_phone, str(screenshots / "sg-07-phone-register.png"))

    disclosure = Disclosure.objects.get()
    assert (disclosure.basis, disclosure.concern_step.concern_id, disclosure.reference_number) == (
        "safeguarding",
        concern.pk,
        "MASH-26-4471",
    )
    assert Concern.objects.get().status == ConcernStatus.REFERRED

    # The volunteer's receipt now says it is being dealt with, and nothing of the deliberations.
    phone.reload()
    expect(phone.get_by_text("Being dealt with by the safeguarding lead")).to_be_visible()
    expect(phone.get_by_text("MASH")).to_have_count(0)

    # The lead's dashboard lists it as open, and the chronology shows the steps in date order.
    second_phone.goto(reverse("safeguarding:dashboard"))
    expect(second_phone.get_by_role("heading", level=1)).to_have_text("Safeguarding")
    expect(second_phone.locator("#open")).to_contain_text(f"concern {concern.pk}")
    assert_fits_phone(second_phone)
    capture(second_phone, str(screenshots / "sg-08-phone-lead-dashboard.png"))
    second_phone.goto(reverse("safeguarding:chronology", args=[family.pk]))
    expect(second_phone.get_by_text(f"Concern #{concern.pk}: referral to Portsmouth MASH")).to_be_visible()
    assert_fits_phone(second_phone)
    capture(second_phone, str(screenshots / "sg-09-phone-chronology.png"))
