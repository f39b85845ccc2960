"""Browser tests: real Chromium (Debian's, driven by Playwright's sync API) against pytest-django's live server.

The live server runs in a thread of this process and Playwright's sync API runs an event loop in this thread,
so Django's "you are in an async context" guard has to be switched off before Django is touched.
"""

import base64
import os
import time

os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"

from collections.abc import Iterator  # noqa: E402
from pathlib import Path  # noqa: E402
from typing import Any  # noqa: E402

import pytest  # noqa: E402
from django_otp.oath import totp  # noqa: E402

from homestart.models import User  # noqa: E402
from tests.conftest import PASSWORD, World, build_world, current_code, enrol_two_factor  # noqa: E402

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
REPO_ROOT = Path(__file__).resolve().parents[2]
SCREENSHOTS = REPO_ROOT / "test-output" / "browser"

# Browser tests need committed data (the live server answers from another thread), so they run as transactional
# tests. Every browser test module carries this mark: ``pytestmark = [pytest.mark.browser, BROWSER_DB]``.
BROWSER_DB = pytest.mark.django_db(transaction=True)

PHONE = {"viewport": {"width": 375, "height": 812}, "is_mobile": True, "has_touch": True, "device_scale_factor": 2}
DESKTOP = {"viewport": {"width": 1280, "height": 900}}


@pytest.fixture(scope="session")
def browser() -> Iterator[Any]:
    if not CHROMIUM.exists():
        pytest.skip(f"browser tests need Chromium at {CHROMIUM} (Playwright cannot download its own browser here)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS, headless=True)
        try:
            yield chromium
        finally:
            chromium.close()


def capture(page: Any, path: str, *, full_page: bool = True) -> None:
    """Save a screenshot to look at. Chromium sometimes cannot capture a whole long page (a protocol error, more
    often on a loaded machine); a screenshot is for people to read, never what a test checks, so such a page is
    captured as far as the window shows instead of failing the test."""
    from playwright.sync_api import Error, Locator

    if isinstance(page, Locator):  # one element: as large as it is
        page.screenshot(path=path)
        return
    try:
        page.screenshot(path=path, full_page=full_page)
    except Error:
        page.screenshot(path=path, full_page=False)


@pytest.fixture
def screenshots() -> Path:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    return SCREENSHOTS


def _context(browser: Any, live_server: Any, options: dict[str, Any]) -> Any:
    context = browser.new_context(base_url=live_server.url, locale="en-GB", timezone_id="Europe/London", **options)
    context.set_default_timeout(10_000)
    return context


@pytest.fixture
def phone(browser: Any, live_server: Any) -> Iterator[Any]:
    """A fresh phone-sized page (375 x 812, touch), its own cookies."""
    context = _context(browser, live_server, PHONE)
    try:
        yield context.new_page()
    finally:
        context.close()


@pytest.fixture
def desktop(browser: Any, live_server: Any) -> Iterator[Any]:
    """A fresh desk-sized page (1280 x 900), its own cookies."""
    context = _context(browser, live_server, DESKTOP)
    try:
        yield context.new_page()
    finally:
        context.close()


@pytest.fixture
def live_world(transactional_db: Any) -> World:
    """The same people and families as ``world``, committed so the live server's thread can see them."""
    return build_world()


def sign_in(page: Any, username: str, password: str = PASSWORD) -> None:
    """Sign in through the real forms, as a person would: the password, then the code from their app.

    A person without a device yet sets one up on the way, reading the key from the page.
    """
    page.goto("/sign-in/")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(password)
    with page.expect_navigation():
        page.get_by_role("button", name="Sign in").click()
    assert "/sign-in/" not in page.url, f"sign-in as {username} failed"
    if "/two-factor/setup/" in page.url:
        secret = page.locator("#secret-key").inner_text()
        code = code_for_secret(secret)
        page.get_by_label("Code from your app").fill(code)
        with page.expect_navigation():
            page.get_by_role("button", name="Confirm and continue").click()
        assert "/two-factor/recovery-codes/" in page.url, page.url
        with page.expect_navigation():
            page.get_by_role("link", name="Continue").click()
    elif "/two-factor/verify/" in page.url:
        user = User.objects.get(username=username)
        page.get_by_label("Code", exact=True).fill(next_unused_code(enrol_two_factor(user)))
        with page.expect_navigation():
            page.get_by_role("button", name="Continue").click()
    assert "/two-factor/" not in page.url, f"second factor for {username} failed: {page.url}"


# A browser takes a moment to type and send a code, longer on a loaded machine: a code read this close to the end
# of its 30-second step could reach the server after the step ends (codes have no tolerance either side).
BROWSER_CODE_MARGIN = 6.0


def _wait_out_the_step_end(step: int = 30) -> None:
    if time.time() % step > step - BROWSER_CODE_MARGIN:
        time.sleep(step - time.time() % step + 0.2)


def code_for_secret(secret: str) -> str:
    """What an authenticator app shows for the key typed in from the set-up page, early enough in its step."""
    key = base64.b32decode("".join(secret.split()) + "=" * (-len("".join(secret.split())) % 8))
    _wait_out_the_step_end()
    return f"{totp(key):06d}"


def next_unused_code(device: Any) -> str:
    """A code the device has not accepted yet: codes are single-use, so wait for the next 30 seconds if needed."""
    device.refresh_from_db()
    while int(time.time()) // device.step <= device.last_t:
        time.sleep(0.5)
    _wait_out_the_step_end(device.step)
    return current_code(device)


def assert_fits_phone(page: Any, width: int = 375) -> None:
    """The page does not scroll sideways on a 375 px phone (UI.md: works at 375 px without horizontal scrolling)."""
    scroll_width = page.evaluate("() => document.documentElement.scrollWidth")
    assert scroll_width <= width, f"{page.url} is {scroll_width}px wide on a {width}px phone: it scrolls sideways"
