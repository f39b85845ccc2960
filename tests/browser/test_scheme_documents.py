"""An administrator writes the scheme's confidentiality policy and publishes it; then a family member, on a phone and
never signed in, opens the scheme's public page and downloads it.

Real Chromium against the live server, signing in through the real forms. Screenshots and the downloaded PDF (with
its pages as PNG when pdftoppm is there) go to test-output/browser/ for people to look at.
"""

import datetime
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest
from django.urls import reverse
from django.utils import timezone
from playwright.sync_api import expect

from documents.models import DocumentVersion, VersionStatus
from tests.browser.conftest import BROWSER_DB, assert_fits_phone, capture, sign_in
from tests.conftest import World

pytestmark = [pytest.mark.browser, BROWSER_DB]

POLICY = """Home-Start, through its volunteers, develops a very special and privileged relationship with a family.

# When we talk to other agencies

We tell the person who referred you and your health visitor that our support has been agreed. Everything else you \
tell your volunteer stays private.

# If we are worried about a child

- We will always talk to you first.
- We may then talk to children's social care."""


def test_an_administrator_publishes_and_a_family_downloads_it_on_a_phone(
    live_world: World, desktop: Any, phone: Any, screenshots: Path
) -> None:
    world = live_world
    page = desktop
    sign_in(page, world.administrator.username)

    # 1. The administrator's menu leads to the scheme's documents: none yet, and what to add first.
    page.get_by_role("link", name="Documents").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Scheme documents")
    expect(page.get_by_text("The scheme has no documents yet")).to_be_visible()
    page.get_by_role("link", name="Add a document").click()

    # 2. A mistake first: "upload a PDF" chosen, and no file. The page says what is missing and keeps the choice.
    page.get_by_label("Confidentiality policy").check()
    page.get_by_label("Upload a PDF").check()
    page.get_by_role("button", name="Save the draft").click()
    expect(page.get_by_role("heading", name="There is a problem")).to_be_visible()
    expect(
        page.locator(".error-summary").get_by_role("link", name="Choose the PDF file of the document")
    ).to_be_visible()
    capture(page, str(screenshots / "documents_1_missing_pdf.png"))
    # Only the fields for the choice made are shown: the file box for an upload, the text box once writing.
    expect(page.get_by_label("The text", exact=True)).to_be_hidden()
    expect(page.get_by_label("Title (for another document)")).to_be_hidden()

    # 3. Written here instead, saved as a draft only administrators see.
    page.get_by_label("Write the text here").check()
    expect(page.get_by_label("The PDF file")).to_be_hidden()
    page.get_by_label("The text", exact=True).fill(POLICY)
    page.get_by_role("button", name="Save the draft").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Confidentiality policy")
    expect(page.get_by_text("Only administrators can see this draft")).to_be_visible()
    capture(page, str(screenshots / "documents_2_draft.png"))

    # 4. The check before publishing says what publishing does; then it is published.
    page.get_by_role("link", name="Publish this draft").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Publish version 1")
    expect(page.get_by_text("can never be changed or taken back")).to_be_visible()
    capture(page, str(screenshots / "documents_3_publish.png"))
    page.get_by_role("button", name="Publish version 1").click()
    expect(page.get_by_text("Version 1 of the confidentiality policy is published")).to_be_visible()
    expect(page.get_by_text("In force: version 1")).to_be_visible()
    capture(page, str(screenshots / "documents_4_published.png"))
    published = DocumentVersion.objects.get(status=VersionStatus.PUBLISHED)

    # 5. The list shows the public address to give families.
    page.get_by_role("link", name="Back to scheme documents").click()
    public = reverse("scheme_documents", args=[world.scheme.code.lower()])
    expect(page.get_by_text("The public page:")).to_be_visible()

    # 6. A family member on a phone, never signed in, opens the address from a letter, with no JavaScript at all.
    phone.context.route("**/*.js", lambda route: route.abort())
    phone.goto(public)
    expect(phone.get_by_role("heading", level=1)).to_have_text("Our policies and notices")
    expect(phone.get_by_text(world.scheme.name).first).to_be_visible()
    expect(phone.get_by_text("Version 1, in force since")).to_be_visible()
    expect(phone.get_by_role("link", name="Sign out")).to_have_count(0)
    assert world.family.family_name not in phone.content()
    assert_fits_phone(phone)
    capture(phone, str(screenshots / "documents_5_public_phone.png"))

    with phone.expect_download() as download_info:
        phone.get_by_role("link", name="Download the confidentiality policy").click()
    download = download_info.value
    assert download.suggested_filename == "home-start-pmh-confidentiality-policy-version-1.pdf"
    saved = screenshots / "documents_downloaded.pdf"
    download.save_as(str(saved))
    with published.file.open("rb") as handle:
        assert saved.read_bytes() == handle.read()  # exactly what was published
    pdftoppm = shutil.which("pdftoppm")
    if pdftoppm:  # the PDF as pages, to look at
        subprocess.run(  # noqa: S603 - a fixed binary and our own file
            [pdftoppm, "-png", "-r", "60", str(saved), str(screenshots / "documents_downloaded")], check=True
        )

    # 7. A draft's address, or any other number, is no document at all for a visitor.
    missing = phone.goto(reverse("scheme_document_download", args=[world.scheme.code.lower(), published.pk + 999]))
    assert missing.status == 404


def test_a_coordinator_prints_a_consent_letter_with_the_documents(
    live_world: World, desktop: Any, screenshots: Path
) -> None:
    from consents import services as consent_services
    from consents.models import Category, Purpose
    from documents import services as document_services
    from families.models import MemberKind, Professional
    from tests.consents.conftest import publish_wordings

    world = live_world
    publish_wordings(world.scheme, world.administrator)
    for kind in ("confidentiality", "safeguarding"):
        draft = document_services.document_create(
            scheme=world.scheme, kind=kind, source="written", body=POLICY, actor=world.administrator
        )
        document_services.version_publish(version=draft, actor=world.administrator)
    consent, _letter, _document = consent_services.consent_request(
        family=world.family,
        purpose=Purpose.INFORMATION_EXCHANGE,
        signer=world.family.members.filter(kind=MemberKind.ADULT).first(),
        recipients=[Professional.objects.get(name="Helen Price")],
        categories=[Category.SUPPORT_STATUS],
        review_on=timezone.localdate() + datetime.timedelta(days=365),
        print_letter=False,
        actor=world.coordinator,
    )
    page = desktop
    sign_in(page, world.coordinator.username)
    page.goto(reverse("consents:consent_detail", args=[consent.pk]))
    box = page.get_by_label("Add the scheme's documents after the letter, for the family to keep")
    expect(box).to_be_visible()
    expect(
        page.get_by_text("The letter names the confidentiality policy (version 1) and the safeguarding")
    ).to_be_visible()
    box.check()
    capture(page, str(screenshots / "documents_6_print_with_letter.png"))
    with page.expect_download() as download_info:
        page.get_by_role("button", name="Print the letter (PDF)").click()
    download = download_info.value
    assert download.suggested_filename.endswith("-with-documents.pdf")
    saved = screenshots / "documents_letter_with_documents.pdf"
    download.save_as(str(saved))
    pdftoppm = shutil.which("pdftoppm")
    if pdftoppm:
        subprocess.run(  # noqa: S603 - a fixed binary and our own file
            [pdftoppm, "-png", "-r", "50", str(saved), str(screenshots / "documents_letter_with_documents")], check=True
        )
