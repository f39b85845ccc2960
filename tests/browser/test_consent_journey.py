"""A coordinator asks a supported family for the information-exchange consent, prints the letter, uploads it signed,
sends the support-agreed notices and finds them in the scheme's disclosure register.

Runs real Chromium against the live server, signing in through the real form. The letter and screenshots go to
test-output/browser/ (git-ignored) for people to look at.
"""

import datetime
import re
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest
from django.urls import reverse
from django.utils import timezone
from playwright.sync_api import expect

from families import services as family_services
from families.models import AgencyKind, Professional
from tests.browser.conftest import BROWSER_DB, capture, sign_in
from tests.conftest import PASSWORD, World, make_family
from tests.consents.conftest import publish_wordings

pytestmark = [pytest.mark.browser, BROWSER_DB]

FAMILY_HEADING = "The Adeyemi family"
HEALTH_VISITOR = "Helen Price"
REFERRER = "Dr Samuel Okoro"


@pytest.fixture
def consent_live_world(live_world: World) -> World:
    """The live world with wordings published and a supported family whose referrer and health visitor are known.

    The referrer is a GP and the health visitor is Helen Price, so the support-agreed notices go to two people.
    """
    world = live_world
    publish_wordings(world.scheme, world.administrator)
    world.health_visitor = Professional.objects.get(name=HEALTH_VISITOR)
    world.referrer = family_services.professional_add(
        scheme=world.scheme,
        agency_name="Harbour Medical Practice",
        agency_kind=AgencyKind.GP,
        name=REFERRER,
        role="GP",
        actor=world.coordinator,
    )
    world.family = make_family(
        world.coordinator,
        "Adeyemi",
        volunteer=world.volunteer,
        referrer=world.referrer,
        health_visitor=world.health_visitor,
    )
    return world


def confirm_it_is_you_if_asked(page: Any) -> None:
    """Sensitive pages may ask for the password again (re-authentication); answer as the coordinator would."""
    if "/reauthenticate" in page.url or page.get_by_role("heading", name="Confirm it is you").count():
        expect(page.get_by_role("heading", level=1)).to_have_text("Confirm it is you")
        page.get_by_label("Your password").fill(PASSWORD)
        with page.expect_navigation():
            page.get_by_role("button", name="Continue").click()


def test_coordinator_asks_for_consent_uploads_it_and_sends_support_notices(
    consent_live_world: World, desktop: Any, screenshots: Path
) -> None:
    world = consent_live_world
    family = world.family
    page = desktop
    today = timezone.localdate()
    family_url = reverse("families:detail", args=[family.pk])

    sign_in(page, world.coordinator.username)

    # 1. The family page: nothing asked for yet, and a link to ask for consent.
    page.goto(family_url)
    expect(page.get_by_role("heading", level=1)).to_have_text(FAMILY_HEADING)
    consents = page.get_by_role("region", name="Consents and sharing")
    expect(consents).to_be_visible()
    expect(consents).to_contain_text("The family has not been asked for consent yet.")
    expect(consents).to_contain_text("The referrer and health visitor have not been told that support was agreed.")
    with page.expect_navigation():
        consents.get_by_role("link", name="Ask for consent to share information").click()
    expect(page).to_have_url(re.compile(re.escape(reverse("consents:consent_new", args=[family.pk])) + "$"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Ask the Adeyemi family for consent to share information")
    expect(page.get_by_text("The letter uses the current wording:")).to_be_visible()

    # The form: the only adult, the referrer and health visitor already ticked, the review date filled in.
    signer = page.get_by_role("radio", name="Grace Adeyemi (mother)")
    expect(signer).to_be_checked()
    hv_box = page.get_by_role("checkbox", name=re.compile(f"^{HEALTH_VISITOR}, Health visitor"))
    gp_box = page.get_by_role("checkbox", name=re.compile(f"^{REFERRER}, GP"))
    expect(hv_box).to_be_checked()
    expect(gp_box).to_be_checked()
    review = page.get_by_label("Review date")
    expect(review).not_to_have_value("")
    review_on = review.input_value()
    signer.check()
    page.get_by_role("checkbox", name=re.compile("^Support status")).check()
    page.get_by_role("checkbox", name=re.compile("^Summary of visits")).check()
    expect(page.get_by_role("checkbox", name=re.compile("^Contact details"))).not_to_be_checked()
    with page.expect_navigation():
        page.get_by_role("button", name="Save and prepare the letter").click()

    # 2. The consent page: saved, waiting for signature, with the letter to print.
    expect(page).to_have_url(re.compile(r"/consents/\d+/$"))
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Information exchange with the referrer and health visitor"
    )
    expect(page.get_by_role("status")).to_contain_text(
        "Consent request saved. Next, print the letter and give it to Grace Adeyemi to sign."
    )
    expect(page.locator("main")).to_contain_text("Waiting for signature")
    scope = page.get_by_role("region", name="What the family is asked to agree to")
    expect(scope).to_contain_text(f"{HEALTH_VISITOR}, Health visitor (North Health Visiting Team)")
    expect(scope).to_contain_text(f"{REFERRER}, GP (Harbour Medical Practice)")
    expect(scope).to_contain_text("Support status (whether Home-Start is supporting the family)")
    expect(scope).to_contain_text("Summary of visits")
    expect(scope).not_to_contain_text("Contact details")
    expect(scope).to_contain_text(f"{datetime.date.fromisoformat(review_on):%-d %B %Y}")
    consent_url = page.url

    with page.expect_download() as download_info:
        page.get_by_role("button", name="Print the letter (PDF)").click()
    download = download_info.value
    assert download.suggested_filename.endswith(".pdf"), download.suggested_filename
    letter_pdf = screenshots / "20-information-exchange-form.pdf"
    download.save_as(str(letter_pdf))
    assert letter_pdf.read_bytes().startswith(b"%PDF"), "the printed letter is not a PDF"
    pdftoppm = shutil.which("pdftoppm")
    if pdftoppm:
        subprocess.run(  # noqa: S603
            [
                pdftoppm,
                "-r",
                "60",
                "-png",
                "-f",
                "1",
                "-l",
                "1",
                str(letter_pdf),
                str(screenshots / "20-information-exchange-form"),
            ],
            check=True,
        )

    # The print is recorded on the consent page.
    page.goto(consent_url)
    letters = page.get_by_role("region", name="Letters printed")
    expect(letters).not_to_contain_text("No letter has been printed for this consent.")
    expect(letters).to_contain_text("Coordinator Tester")

    # 3. The signed letter comes back: upload the scan (here, the letter just printed).
    with page.expect_navigation():
        page.get_by_role("link", name="Upload the signed letter").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Upload the signed letter")
    page.get_by_label("Scan or photo of the signed letter").set_input_files(str(letter_pdf))
    page.get_by_label("Date signed").fill(today.isoformat())
    page.get_by_role("radio", name="Scanned").check()
    page.get_by_label("Who received the signed letter?").select_option(label="Coordinator Tester")
    with page.expect_navigation():
        page.get_by_role("button", name="Save the signed letter").click()

    expect(page).to_have_url(consent_url)
    expect(page.get_by_role("status")).to_contain_text("Signed letter recorded. The consent is in force until")
    expect(page.locator("main .tag").first).to_have_text("Signed")
    expect(page.get_by_text(re.compile(r"^In force until "))).to_be_visible()
    history = page.get_by_role("region", name="History")
    expect(history).to_contain_text(f"Signed, {today:%-d %B %Y}")
    expect(history).to_contain_text("Signed letter, scanned, received by Coordinator Tester.")
    expect(history.get_by_role("link", name="Download the signed letter")).to_be_visible()
    expect(page.get_by_role("region", name="What the family agreed to")).to_be_visible()

    # 4. Back on the family page, the consent is signed and the notices are still to send.
    page.goto(family_url)
    consents = page.get_by_role("region", name="Consents and sharing")
    card = consents.locator(".card").filter(has_text="Information exchange with the referrer and health visitor")
    expect(card.locator(".tag")).to_have_text("Signed")
    expect(card).to_contain_text("Signer: Grace Adeyemi")
    with page.expect_navigation():
        consents.get_by_role("link", name="Send the support-agreed notices").click()
    confirm_it_is_you_if_asked(page)
    expect(page).to_have_url(re.compile(re.escape(reverse("consents:support_agreed", args=[family.pk])) + "$"))
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Tell the referrer and health visitor that support was agreed"
    )
    expect(page.locator("main")).to_contain_text(
        f"{REFERRER} (GP, Harbour Medical Practice) and {HEALTH_VISITOR} (Health visitor, North Health Visiting Team)"
    )
    expect(page.get_by_text("Sent under the family's consent signed by Grace Adeyemi")).to_be_visible()
    page.get_by_role("radio", name="By post").check()
    with page.expect_navigation():
        page.get_by_role("button", name="Record and prepare the letters").click()

    expect(page.get_by_role("heading", level=1)).to_have_text("Download the letters")
    expect(page.get_by_role("status")).to_contain_text(
        "Support-agreed notices recorded in the family's disclosure register."
    )
    rows = page.locator("main table tbody tr")
    expect(rows).to_have_count(2)
    for name in (HEALTH_VISITOR, REFERRER):
        row = rows.filter(has_text=name)
        expect(row).to_contain_text("Home-Start support was agreed and started on")
        expect(row.get_by_role("link", name=f"Download the letter to {name} (PDF)")).to_be_visible()

    # The family page no longer warns, and shows the consent.
    page.goto(family_url)
    consents = page.get_by_role("region", name="Consents and sharing")
    expect(consents).not_to_contain_text("have not been told that support was agreed")
    expect(consents.locator(".card")).to_have_count(1)
    consents.scroll_into_view_if_needed()
    capture(consents, str(screenshots / "22-family-consents.png"))

    # 5. The scheme's register, from the navigation: both notices, shared under the signed consent.
    with page.expect_navigation():
        page.get_by_role("navigation", name="Main").get_by_role("link", name="Register").click()
    expect(page).to_have_url(re.compile(re.escape(reverse("consents:register")) + "$"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Disclosure register")
    expect(page.get_by_text("2 entries")).to_be_visible()
    entries = page.locator("main table tbody tr")
    expect(entries).to_have_count(2)
    for name in (HEALTH_VISITOR, REFERRER):
        entry = entries.filter(has_text=name)
        expect(entry).to_contain_text("Adeyemi")
        expect(entry).to_contain_text(family.reference)
        expect(entry.locator(".tag")).to_have_text("Shared")
        expect(entry).to_contain_text("by letter")
        expect(entry).to_contain_text("Support status")
        expect(entry.get_by_role("link", name="Signed consent")).to_be_visible()
        expect(entry).to_contain_text("Recorded by Coordinator Tester")
    capture(page, str(screenshots / "21-register.png"))
