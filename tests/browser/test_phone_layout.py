"""UI.md and issue 11: every page fits a 375-pixel-wide phone without sideways scrolling, whoever opens it.

Every GET route of the authorization table (tests/homestart/test_authorization.py's POLICY, so a new page is
picked up as soon as it has a policy row) is opened as every role the policy lets open it, in one signed-in phone
context per role, and measured: ``document.scrollingElement.scrollWidth`` must not exceed the screen's width.
Anonymous visitors are measured on the public pages. Answers that are files (PDF, CSV, images, JSON) have no
layout and are skipped by their Content-Type.

Screenshots of the busiest pages at 375 and 1200 px go to test-output/phone-layout/ (git-ignored) for people to
look at, and to compare the desk layout before and after a change.
"""

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

import pytest
from django.urls import reverse
from playwright.sync_api import Error as PlaywrightError

from tests.browser.conftest import BROWSER_DB, PHONE, REPO_ROOT, _context, capture, sign_in
from tests.conftest import PASSWORD, World
from tests.homestart.test_authorization import POLICY, ROLES, route_url
from tests.safeguarding.policy import concern_in_review
from volunteers.services import volunteer_availability_update

pytestmark = [pytest.mark.browser, BROWSER_DB]

WIDTH = PHONE["viewport"]["width"]
SCREENSHOTS = REPO_ROOT / "test-output" / "phone-layout"

# The widest elements that stick out past the right edge of the screen, outermost first, to say where to look.
OVERFLOW_REPORT = """(width) => {
  const name = (el) => el.tagName.toLowerCase() + (el.id ? '#' + el.id : '')
    + [...el.classList].map((c) => '.' + c).join('');
  const out = [];
  for (const el of document.body.querySelectorAll('*')) {
    const right = el.getBoundingClientRect().right;
    const parent = el.parentElement;
    if (right > width + 0.5 && (!parent || parent.getBoundingClientRect().right <= width + 0.5)) {
      out.push(name(el) + ' ' + Math.round(right) + 'px');
    }
  }
  return out.slice(0, 4);
}"""

# A part of the page that scrolls sideways by itself (a navigation or a table in an overflow box) hides what is
# past its edge just as much as a page that scrolls.
SCROLLS_INSIDE = """() => [...document.body.querySelectorAll('*')]
  .filter((el) => ['auto', 'scroll'].includes(getComputedStyle(el).overflowX) && el.scrollWidth > el.clientWidth + 1)
  .map((el) => el.tagName.toLowerCase() + [...el.classList].map((c) => '.' + c).join('')
    + ' scrolls sideways (' + el.scrollWidth + 'px in ' + el.clientWidth + 'px)')"""

# Touch targets as WCAG 2.2 (2.5.8) and axe-core's target-size rule see them: a link or control that is not part
# of a line of text is at least 24 x 24 px, or a 24 px circle around its centre reaches no other target and no
# other small target's circle.
CROWDED_TARGETS = """() => {
  const selector = 'a[href], button, input:not([type="hidden"]), select, textarea, summary';
  const isInline = (el) => getComputedStyle(el).display === 'inline';
  const hasText = (node) => node.nodeType === Node.TEXT_NODE
    ? node.textContent.trim() !== ''
    : node.nodeType === Node.ELEMENT_NODE && isInline(node) && !node.matches(selector) && node.textContent.trim() !== '';
  const inText = (el) => isInline(el) && [...el.parentElement.childNodes].some((node) => node !== el && hasText(node));
  const targets = [...document.querySelectorAll(selector)]
    .map((el) => ({ el, r: el.getBoundingClientRect() }))
    .filter(({ el, r }) => r.width >= 2 && r.height >= 2 && el.checkVisibility({ visibilityProperty: true }));
  const small = (t) => (t.r.width < 23.99 || t.r.height < 23.99) && !inText(t.el);
  const centre = (r) => [r.left + r.width / 2, r.top + r.height / 2];
  const toRect = ([x, y], r) => Math.hypot(Math.max(r.left - x, 0, x - r.right), Math.max(r.top - y, 0, y - r.bottom));
  const apart = ([x, y], [u, v]) => Math.hypot(x - u, y - v);
  const name = (el) => el.tagName.toLowerCase() + [...el.classList].map((c) => '.' + c).join('')
    + ' "' + (el.textContent || el.value || '').trim().slice(0, 30) + '"';
  const out = [];
  for (const a of targets.filter(small)) {
    const c = centre(a.r);
    const near = targets.find((b) => b !== a && !a.el.contains(b.el) && !b.el.contains(a.el)
      && (toRect(c, b.r) < 11.99 || (small(b) && apart(c, centre(b.r)) < 23.99)));
    if (near) {
      out.push(name(a.el) + ' ' + Math.round(a.r.width) + 'x' + Math.round(a.r.height) + ' is too close to ' + name(near.el));
    }
  }
  return out;
}"""


@dataclass
class Measured:
    route: str
    url: str
    width: int | None = None
    problem: str = ""
    culprits: tuple[str, ...] = ()
    scrolls_inside: tuple[str, ...] = ()
    crowded: tuple[str, ...] = ()
    skipped: str = ""


def _routes_for(role: str) -> list[str]:
    """The GET routes this role may open; for anonymous visitors only the public ones."""
    routes = []
    for route, (methods, allowed, anonymous) in sorted(POLICY.items()):
        if "get" not in methods:
            continue
        if role == "anonymous" and anonymous != "public":
            continue
        if role != "anonymous" and role not in allowed:
            continue  # answers 404, the same page for every route
        routes.append(route)
    return routes


def _is_page(response: Any) -> bool:
    return response is not None and response.headers.get("content-type", "").startswith("text/html")


def _confirm_it_is_you(page: Any) -> None:
    """Sensitive pages ask for the password again when the sign-in is not recent; answer as the person would."""
    page.get_by_label("Your password").fill(PASSWORD)
    with page.expect_navigation():
        page.get_by_role("button", name="Continue").click()


def _path(url: str) -> str:
    parts = urlsplit(url)
    return parts.path + (f"?{parts.query}" if parts.query else "")


def _measure(page: Any, route: str, url: str, signed_in: bool) -> Measured:
    measured = Measured(route, url)
    try:
        response = page.goto(url)
        if (
            signed_in
            and route != "two_factor:reauthenticate"
            and urlsplit(page.url).path == reverse("two_factor:reauthenticate")
        ):
            _confirm_it_is_you(page)
            response = page.goto(url)
    except PlaywrightError as error:  # a download (Content-Disposition: attachment) aborts the navigation
        answer = page.context.request.get(url)
        if not answer.headers.get("content-type", "").startswith("text/html"):
            measured.skipped = answer.headers.get("content-type", "a file")
        else:
            measured.problem = f"did not load: {error}"
        return measured
    if not _is_page(response):
        measured.skipped = response.headers.get("content-type", "no content type") if response else "no answer"
        return measured
    if response.status >= 400:
        measured.problem = f"answered {response.status}"
    elif signed_in and urlsplit(page.url).path == reverse("login"):
        measured.problem = "sent the person to sign in"
    if _path(page.url) != url:
        measured.url = f"{url} -> {_path(page.url)}"
    measured.width = page.evaluate("() => document.scrollingElement.scrollWidth")
    if measured.width > WIDTH:
        measured.culprits = tuple(page.evaluate(OVERFLOW_REPORT, WIDTH))
    measured.scrolls_inside = tuple(page.evaluate(SCROLLS_INSIDE))
    measured.crowded = tuple(page.evaluate(CROWDED_TARGETS))
    return measured


def _measure_route(page: Any, world: World, route: str, *, signed_in: bool) -> Measured:
    try:
        url = route_url(world, route)
    except Exception as error:  # noqa: BLE001 - one route's missing data is reported with the others, not alone
        return Measured(route, route, problem=f"its URL could not be built from the world: {error!r}")
    return _measure(page, route, url, signed_in)


@pytest.fixture
def role_phone(browser: Any, live_server: Any) -> Iterator[Any]:
    """One phone context for the whole role: signed in once, reused across every page."""
    context = _context(browser, live_server, PHONE)
    try:
        yield context.new_page()
    finally:
        context.close()


@pytest.mark.parametrize("role", ROLES)
def test_every_page_fits_a_phone(live_world: World, role_phone: Any, role: str) -> None:
    user = live_world.role(role)
    if user is not None:
        sign_in(role_phone, user.username)
    routes = _routes_for(role)
    assert routes, f"no GET pages for {role}"

    results = [_measure_route(role_phone, live_world, route, signed_in=user is not None) for route in routes]

    checked = [r for r in results if r.width is not None]
    too_wide = [r for r in checked if r.width > WIDTH]
    broken = [r for r in results if r.problem]
    skipped = [r for r in results if r.skipped]
    print(f"\n{role}: {len(checked)} pages checked at {WIDTH}px, {len(skipped)} files skipped")
    for r in results:
        print(f"  {r.route:40} {r.width if r.width is not None else '-':>5} {r.skipped or r.problem} {r.url}")
    report = [f"{r.route} ({r.url}): {r.width}px wide; sticking out: {', '.join(r.culprits)}" for r in too_wide]
    report += [f"{r.route} ({r.url}): {r.problem}" for r in broken]
    # The same part of the page (the navigation, say) is often wrong on many pages: name it once, with its pages.
    repeated: dict[str, list[str]] = {}
    for r in checked:
        for found in (*r.scrolls_inside, *(f"touch target {target}" for target in r.crowded)):
            repeated.setdefault(found, []).append(r.route)
    report += [f"{found}, on {len(pages)} page(s): {', '.join(pages)}" for found, pages in repeated.items()]
    assert not report, f"As {role}, at {WIDTH}px wide:\n" + "\n".join(report)
    assert checked, f"As {role}, no page was measured"


DESK = {"viewport": {"width": 1200, "height": 900}}
SCREENS = {
    "dashboard": lambda world: reverse("dashboard"),
    "families": lambda world: reverse("families:list"),
    "family": lambda world: reverse("families:detail", args=[world.family.pk]),
    "concern": lambda world: reverse("safeguarding:concern_detail", args=[concern_in_review(world).pk]),
}


def test_screenshots_of_the_busiest_pages_on_a_phone_and_a_desk(
    live_world: World, browser: Any, live_server: Any, role_phone: Any
) -> None:
    """For people to look at: a safeguarding lead's pages at 375 px and 1200 px (the desk layout must not change)."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    volunteer_availability_update(  # so that the dashboard lists a volunteer who can take a new family
        profile=live_world.other_volunteer.volunteer_profile,
        available_for_new_family=True,
        available_times="Tuesday and Thursday mornings",
        max_families=2,
        actor=live_world.coordinator,
    )
    sign_in(role_phone, live_world.dsl.username)
    urls = {name: build(live_world) for name, build in SCREENS.items()}
    for name, url in urls.items():
        role_phone.goto(url)
        capture(role_phone, str(SCREENSHOTS / f"{name}-{WIDTH}.png"))
        width_now = role_phone.evaluate("() => document.scrollingElement.scrollWidth")
        assert width_now <= WIDTH, f"{url} is {width_now}px wide on a {WIDTH}px phone"
    desk = _context(browser, live_server, {**DESK, "storage_state": role_phone.context.storage_state()})
    try:
        page = desk.new_page()
        for name, url in urls.items():
            page.goto(url)
            capture(page, str(SCREENSHOTS / f"{name}-1200.png"))
    finally:
        desk.close()
