"""Two-factor sign-in in a real browser: setting up the app on a phone, signing in with a code, and the codes that
must not work twice (a replayed app code, a used recovery code).

Runs real Chromium against the live server, through the real forms. Screenshots go to test-output/browser/
(git-ignored) for people to look at.
"""

import re
import time
from pathlib import Path
from typing import Any

import pytest
from django.urls import reverse
from django_otp.plugins.otp_totp.models import TOTPDevice
from playwright.sync_api import expect

from tests.browser.conftest import BROWSER_DB, assert_fits_phone, capture, code_for_secret, next_unused_code
from tests.conftest import PASSWORD, World, current_code, enrol_two_factor

pytestmark = [pytest.mark.browser, BROWSER_DB]

REFUSED = "The code is not right"
REUSED = "That code has already been used"


def url_is(name: str) -> re.Pattern[str]:
    """The page's address is exactly this route (a query string such as ``?next=`` allowed)."""
    return re.compile(re.escape(reverse(name)) + r"(\?.*)?$")


def give_password(page: Any, username: str) -> None:
    """The first half of signing in: username and password on the sign-in page."""
    page.goto(reverse("login"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Sign in")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(PASSWORD)
    with page.expect_navigation():
        page.get_by_role("button", name="Sign in").click()


def sign_out(page: Any) -> None:
    """The "Sign out" button in the header; lands on the sign-in page saying so."""
    with page.expect_navigation():
        page.locator("header").get_by_role("button", name="Sign out").click()
    expect(page).to_have_url(url_is("login"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Sign in")
    expect(page.get_by_role("status")).to_have_text("You have signed out.")


def reveal_key(page: Any) -> str:
    """Read the setup key on the set-up page, as someone typing it into their app."""
    key = page.locator("#secret-key")
    expect(key).to_be_visible()
    secret = key.inner_text()
    assert re.fullmatch(r"[A-Z2-7\s]{16,}", secret), f"the set-up key does not look like a base32 key: {secret!r}"
    return secret


def qr_natural_width(page: Any) -> int:
    """The QR image's natural width: 0 if the image did not load (a broken image)."""
    return page.locator("img.qr").evaluate(
        """img => img.complete ? img.naturalWidth : new Promise(done => {
            img.addEventListener("load", () => done(img.naturalWidth));
            img.addEventListener("error", () => done(0));
        })"""
    )


def set_up_two_factor(page: Any, screenshot: Path | None = None) -> list[str]:
    """On the set-up page: type the key into the "app", confirm with its code; returns the recovery codes shown."""
    expect(page).to_have_url(url_is("two_factor:setup"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Set up two-factor sign-in")
    assert_fits_phone(page)
    qr = page.request.get(page.locator("img.qr").get_attribute("src"))
    assert qr.ok and qr.headers["content-type"].startswith("image/svg+xml"), (qr.status, qr.headers)

    secret = reveal_key(page)
    assert_fits_phone(page)
    if screenshot is not None:
        capture(page, str(screenshot))

    page.get_by_label("Code from your app").fill(code_for_secret(secret))
    with page.expect_navigation():
        page.get_by_role("button", name="Confirm and continue").click()

    expect(page).to_have_url(url_is("two_factor:recovery_codes"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Two-factor sign-in is set up")
    assert_fits_phone(page)
    return [code.strip() for code in page.locator(".recovery-codes li").all_inner_texts()]


def enter_code(page: Any, code: str) -> None:
    """On "Enter the code from your app": type a code (from the app, or a recovery code) and continue."""
    expect(page).to_have_url(url_is("two_factor:verify"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Enter the code from your app")
    if code.isdigit():
        page.get_by_label("Code", exact=True).fill(code)
    else:
        if not page.get_by_label("Recovery code").is_visible():
            page.get_by_text("Lost your phone? Use a recovery code instead").click()
        page.get_by_label("Recovery code").fill(code)
    with page.expect_navigation():
        page.get_by_role("button", name="Continue").click()


def expect_my_families(page: Any) -> None:
    expect(page).to_have_url(url_is("volunteers:home"))
    expect(page.get_by_role("heading", level=1)).to_have_text("My families")
    assert_fits_phone(page)


def expect_code_refused(page: Any, message: str = REFUSED, field: str = "Code") -> None:
    """Still on the code page, with the error summary, the message by the field, and the field emptied."""
    expect(page).to_have_url(url_is("two_factor:verify"))
    expect(page).to_have_title(re.compile("^Error: "))
    expect(page.locator(".error-summary")).to_contain_text(message)
    expect(page.locator(".error-message")).to_contain_text(message)
    box = page.get_by_label(field, exact=True)
    expect(box).to_have_attribute("aria-invalid", "true")
    expect(box).to_have_value("")
    assert_fits_phone(page)


def seconds_left_in_step(step: int = 30) -> float:
    return step - time.time() % step


def test_volunteer_sets_up_app_on_phone_then_signs_in_with_a_code(
    live_world: World, phone: Any, screenshots: Path
) -> None:
    volunteer = live_world.volunteer
    assert not TOTPDevice.objects.filter(user=volunteer).exists()

    # First sign-in: the password, then straight to setting up the app.
    give_password(phone, volunteer.username)
    codes = set_up_two_factor(phone, screenshot=screenshots / "10-phone-two-factor-setup.png")

    # Ten recovery codes, all different, shown once.
    assert len(codes) == 10, codes
    assert len(set(codes)) == 10 and all(codes), codes
    expect(phone.locator(".warning-text")).to_contain_text("Keep these recovery codes somewhere safe")
    capture(phone, str(screenshots / "11-phone-recovery-codes.png"))

    with phone.expect_navigation():
        phone.get_by_role("link", name="Continue").click()
    expect_my_families(phone)

    # Signs out from the header.
    sign_out(phone)
    assert_fits_phone(phone)
    capture(phone, str(screenshots / "16-phone-signed-out.png"))

    # Signs in again: the password, then a code from the app (the set-up used this 30 seconds' code).
    give_password(phone, volunteer.username)
    expect(phone).to_have_url(url_is("two_factor:verify"))
    expect(phone.get_by_role("heading", level=1)).to_have_text("Enter the code from your app")
    assert_fits_phone(phone)
    capture(phone, str(screenshots / "12-phone-two-factor-code.png"))

    device = TOTPDevice.objects.get(user=volunteer, confirmed=True)
    enter_code(phone, next_unused_code(device))
    expect_my_families(phone)


def test_sign_in_and_set_up_pages_at_a_desk(live_world: World, desktop: Any, screenshots: Path) -> None:
    desktop.goto(reverse("login"))
    expect(desktop.get_by_role("heading", level=1)).to_have_text("Sign in")
    capture(desktop, str(screenshots / "13-desktop-sign-in.png"))

    give_password(desktop, live_world.coordinator.username)
    expect(desktop).to_have_url(url_is("two_factor:setup"))
    expect(desktop.get_by_role("heading", level=1)).to_have_text("Set up two-factor sign-in")
    reveal_key(desktop)
    capture(desktop, str(screenshots / "14-desktop-two-factor-setup.png"))


def test_qr_code_image_loads_on_set_up_page(live_world: World, phone: Any) -> None:
    give_password(phone, live_world.volunteer.username)
    expect(phone).to_have_url(url_is("two_factor:setup"))
    assert qr_natural_width(phone) > 0, "the QR code image did not load: the browser shows a broken image"


def test_a_code_from_the_app_works_only_once(live_world: World, phone: Any, screenshots: Path) -> None:
    volunteer = live_world.volunteer
    # The app was set up a while ago: its last accepted code is from an earlier 30 seconds, so this one is unused
    # (saves waiting up to 30 seconds for the next code).
    device = enrol_two_factor(volunteer)
    device.last_t = int(time.time()) // device.step - 1
    device.save(update_fields=["last_t"])
    # Room to sign in, out and in again within the same 30 seconds, so the replay is of a code still showing.
    if seconds_left_in_step(device.step) < 15:
        time.sleep(seconds_left_in_step(device.step) + 0.2)

    give_password(phone, volunteer.username)
    code, step = current_code(device), int(time.time()) // device.step
    enter_code(phone, code)
    expect_my_families(phone)
    sign_out(phone)

    give_password(phone, volunteer.username)
    if int(time.time()) // device.step != step:
        pytest.skip("the 30-second step ended before the replay: the code would be refused for being old, not reused")
    enter_code(phone, code)
    expect_code_refused(phone, REUSED)
    capture(phone, str(screenshots / "15-phone-two-factor-code-refused.png"))

    # Still not past the second factor.
    phone.goto(reverse("volunteers:home"))
    expect(phone).to_have_url(url_is("two_factor:verify"))


def test_a_recovery_code_works_once(live_world: World, phone: Any) -> None:
    volunteer = live_world.volunteer

    give_password(phone, volunteer.username)
    codes = set_up_two_factor(phone)
    recovery_code = codes[3]
    with phone.expect_navigation():
        phone.get_by_role("link", name="Continue").click()
    expect_my_families(phone)
    sign_out(phone)

    # Lost the phone: a recovery code instead of the app's code.
    give_password(phone, volunteer.username)
    enter_code(phone, recovery_code)
    expect_my_families(phone)
    sign_out(phone)

    # The same recovery code again: refused.
    give_password(phone, volunteer.username)
    enter_code(phone, recovery_code)
    expect_code_refused(phone, field="Recovery code")

    # Another of the codes still works (after the one-second pause a wrong code earns).
    time.sleep(1.1)
    enter_code(phone, codes[4])
    expect_my_families(phone)
