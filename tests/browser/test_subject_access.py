"""A safeguarding lead downloads everything held about a family from its page, on a phone: the page explains what
the ZIP holds, asks for the password again once 10 minutes have passed, and the download is the ZIP.

Real Chromium against the live server, signing in through the real form. Screenshots go to test-output/browser/.
"""

import io
import zipfile
from pathlib import Path
from typing import Any

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from homestart.middleware import AUTHENTICATED_AT
from homestart.models import AuditEntry
from office.audit import OfficeAuditEvent
from tests.browser.conftest import BROWSER_DB, assert_fits_phone, capture, sign_in
from tests.conftest import PASSWORD, World, log_visit

pytestmark = [pytest.mark.browser, BROWSER_DB]

NOTE = "Grace talked about the damp in the back bedroom"


def _make_sign_in_stale(page: Any) -> None:
    """As if the lead had signed in more than 10 minutes ago: the session's "proved it is you" time goes back."""
    from django.contrib.sessions.backends.db import SessionStore

    cookie = next(c for c in page.context.cookies() if c["name"] == "sessionid")
    session = SessionStore(session_key=cookie["value"])
    session[AUTHENTICATED_AT] = session[AUTHENTICATED_AT] - 11 * 60
    session.save()


def test_a_safeguarding_lead_downloads_everything_held_about_the_family(
    live_world: World, phone: Any, screenshots: Path
) -> None:
    world = live_world
    log_visit(world.family, world.volunteer, note=NOTE)
    page = phone
    sign_in(page, world.dsl.username)
    page.goto(reverse("families:detail", args=[world.family.pk]))
    link = page.get_by_role("link", name="Download everything held about this family (subject access)")
    expect(link).to_be_visible()
    capture(page.locator("section[aria-labelledby='records-heading']"), str(screenshots / "subject-access-link.png"))

    _make_sign_in_stale(page)
    with page.expect_navigation():
        link.click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Confirm it is you")
    page.get_by_label("Your password").fill(PASSWORD)
    with page.expect_navigation():
        page.get_by_role("button", name="Continue").click()

    expect(page.get_by_role("heading", level=1)).to_have_text("Everything held about the Okafor family")
    expect(page.get_by_text("your download includes the safeguarding records")).to_be_visible()
    assert_fits_phone(page)
    capture(page, str(screenshots / "subject-access-phone.png"))

    with page.expect_download() as download_info:
        page.get_by_role("button", name="Download everything held about this family (subject access)").click()
    download = download_info.value
    assert download.suggested_filename.startswith(f"{world.family.reference}-subject-access-")
    content = Path(download.path()).read_bytes()
    archive = zipfile.ZipFile(io.BytesIO(content))
    assert "family.json" in archive.namelist()
    assert NOTE in archive.read("family.json").decode()
    entry = AuditEntry.objects.get(event=OfficeAuditEvent.SUBJECT_ACCESS_EXPORTED)
    assert entry.actor_id == world.dsl.pk and entry.additional_data["includes_safeguarding"] is True
