"""A volunteer who forgot their password resets it by email, in a real browser (SECURITY 30, issue 11).

The reset email arrives (Django's outbox), names no family and holds a link; the link works once; the volunteer's
other session (a phone still signed in) ends; and signing in afterwards still asks for the code from the app.
Screenshots go to test-output/browser/ (git-ignored) for people to look at.
"""

import re
from pathlib import Path
from typing import Any

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from tests.browser.conftest import BROWSER_DB, assert_fits_phone, capture, next_unused_code, sign_in
from tests.conftest import PASSWORD, World, enrol_two_factor

pytestmark = [pytest.mark.browser, BROWSER_DB]

NEW_PASSWORD = "lantern orchard kettle harbour"


def url_is(name: str) -> re.Pattern[str]:
    return re.compile(re.escape(reverse(name)) + r"(\?.*)?$")


def test_forgotten_password_reset_by_email(
    live_world: World, phone: Any, desktop: Any, screenshots: Path, mailoutbox: list
) -> None:
    volunteer = live_world.volunteer

    # Still signed in on a phone somewhere; the header offers "Change your password" and fits the screen.
    sign_in(phone, volunteer.username)
    expect(phone).to_have_url(url_is("volunteers:home"))
    expect(phone.locator("header").get_by_role("link", name="Change your password")).to_be_visible()
    assert_fits_phone(phone)
    capture(phone, str(screenshots / "password-reset-00-phone-header.png"), full_page=False)

    # At a desk, signed out, they follow "Reset it by email" from the sign-in page.
    desktop.goto(reverse("login"))
    with desktop.expect_navigation():
        desktop.get_by_role("link", name="Reset it by email").click()
    expect(desktop.get_by_role("heading", level=1)).to_have_text("Reset your password")
    with desktop.expect_navigation():
        desktop.get_by_role("button", name="Send the link").click()
    expect(desktop.locator(".error-summary")).to_contain_text("Enter your email address")
    capture(desktop, str(screenshots / "password-reset-01-no-address.png"))
    desktop.get_by_label("Email address").fill(volunteer.email.upper())
    with desktop.expect_navigation():
        desktop.get_by_role("button", name="Send the link").click()
    expect(desktop).to_have_url(url_is("password_reset_done"))
    expect(desktop.get_by_role("heading", level=1)).to_have_text("Check your email")
    capture(desktop, str(screenshots / "password-reset-02-check-your-email.png"))

    # The email: to them, a link, and no family named.
    assert len(mailoutbox) == 1
    message = mailoutbox[0]
    assert message.to == [volunteer.email] and message.subject == "Reset your Home-Start password"
    for family in (live_world.family, live_world.other_family):
        assert family.family_name not in message.body and family.reference not in message.body
    link = re.search(r"https?://[^/\s]+(/password/reset/\S+/)", message.body).group(1)

    # The link opens the page to choose a new password.
    desktop.goto(link)
    expect(desktop.get_by_role("heading", level=1)).to_have_text("Choose a new password")
    desktop.get_by_label("New password", exact=True).fill(NEW_PASSWORD)
    desktop.get_by_label("Confirm your new password").fill(NEW_PASSWORD + " typo")
    with desktop.expect_navigation():
        desktop.get_by_role("button", name="Set new password").click()
    expect(desktop.locator(".error-summary")).to_contain_text("The two new passwords are not the same")
    capture(desktop, str(screenshots / "password-reset-03-passwords-differ.png"))
    desktop.get_by_label("New password", exact=True).fill(NEW_PASSWORD)
    desktop.get_by_label("Confirm your new password").fill(NEW_PASSWORD)
    with desktop.expect_navigation():
        desktop.get_by_role("button", name="Set new password").click()
    expect(desktop).to_have_url(url_is("password_reset_complete"))
    expect(desktop.get_by_role("heading", level=1)).to_have_text("Your password is reset")
    capture(desktop, str(screenshots / "password-reset-04-done.png"))

    # The link works once.
    desktop.goto(link)
    expect(desktop.get_by_role("heading", level=1)).to_have_text("This link does not work")
    capture(desktop, str(screenshots / "password-reset-05-link-used.png"))

    # The phone's session has ended: its next page is the sign-in page.
    phone.goto(reverse("volunteers:home"))
    expect(phone).to_have_url(re.compile(re.escape(reverse("login")) + r"\?"))
    expect(phone.get_by_role("heading", level=1)).to_have_text("Sign in")
    capture(phone, str(screenshots / "password-reset-06-phone-signed-out.png"))

    # The old password no longer works.
    phone.get_by_label("Username").fill(volunteer.username)
    phone.get_by_label("Password").fill(PASSWORD)
    with phone.expect_navigation():
        phone.get_by_role("button", name="Sign in").click()
    expect(phone.locator(".error-summary")).to_contain_text("Enter a correct username and password")

    # The new one does, and the second factor is still asked.
    desktop.goto(reverse("login"))
    desktop.get_by_label("Username").fill(volunteer.username)
    desktop.get_by_label("Password").fill(NEW_PASSWORD)
    with desktop.expect_navigation():
        desktop.get_by_role("button", name="Sign in").click()
    desktop.goto(reverse("volunteers:home"))
    expect(desktop).to_have_url(re.compile(re.escape(reverse("two_factor:verify")) + r"\?"))
    expect(desktop.get_by_role("heading", level=1)).to_have_text("Enter the code from your app")
    capture(desktop, str(screenshots / "password-reset-07-code-still-asked.png"))
    desktop.get_by_label("Code", exact=True).fill(next_unused_code(enrol_two_factor(volunteer)))
    with desktop.expect_navigation():
        desktop.get_by_role("button", name="Continue").click()
    expect(desktop).to_have_url(url_is("volunteers:home"))
    expect(desktop.get_by_role("heading", level=1)).to_have_text("My families")


def test_changing_your_own_password_from_the_header_on_a_phone(
    live_world: World, phone: Any, screenshots: Path
) -> None:
    sign_in(phone, live_world.coordinator.username)
    with phone.expect_navigation():
        phone.locator("header").get_by_role("link", name="Change your password").click()
    expect(phone.get_by_role("heading", level=1)).to_have_text("Change your password")
    phone.get_by_label("Current password").fill(PASSWORD)
    phone.get_by_label("New password", exact=True).fill(NEW_PASSWORD)
    phone.get_by_label("Confirm your new password").fill(NEW_PASSWORD)
    assert_fits_phone(phone)
    capture(phone, str(screenshots / "password-change-01-phone-form.png"))
    with phone.expect_navigation():
        phone.get_by_role("button", name="Change password").click()
    expect(phone).to_have_url(url_is("password_change_done"))
    expect(phone.get_by_role("heading", level=1)).to_have_text("Your password is changed")
    assert_fits_phone(phone)
    capture(phone, str(screenshots / "password-change-02-phone-done.png"))
    # Still signed in here.
    with phone.expect_navigation():
        phone.get_by_role("link", name="Continue").click()
    expect(phone).to_have_url(url_is("dashboard"))


def test_administrator_hands_a_leaving_coordinators_families_over(
    live_world: World, desktop: Any, screenshots: Path
) -> None:
    from families.models import Family
    from homestart.models import User

    sign_in(desktop, live_world.administrator.username)
    desktop.goto(reverse("accounts:list"))
    row = desktop.get_by_role("row").filter(has_text="Coordinator Tester")
    with desktop.expect_navigation():
        row.get_by_role("link", name="Deactivate").click()
    expect(desktop.get_by_role("heading", level=1)).to_have_text("Deactivate Coordinator Tester's account")
    expect(desktop.get_by_role("heading", level=2)).to_contain_text("leads 1 family")
    capture(desktop, str(screenshots / "handover-01-desk-choose.png"))
    with desktop.expect_navigation():
        desktop.get_by_role("button", name="Hand over and deactivate").click()
    expect(desktop.locator(".error-summary")).to_contain_text(f"Choose who takes over {live_world.family.reference}")
    capture(desktop, str(screenshots / "handover-02-desk-nobody-chosen.png"))
    desktop.get_by_label(live_world.family.reference).select_option(label="Dsl Tester")
    with desktop.expect_navigation():
        desktop.get_by_role("button", name="Hand over and deactivate").click()
    expect(desktop).to_have_url(re.compile(re.escape(reverse("accounts:list")) + "$"))
    expect(desktop.get_by_role("status")).to_contain_text("The family they led has a new coordinator")
    capture(desktop, str(screenshots / "handover-03-desk-done.png"))
    assert Family.objects.get(pk=live_world.family.pk).lead_coordinator_id == live_world.dsl.pk
    assert not User.objects.get(pk=live_world.coordinator.pk).is_active
