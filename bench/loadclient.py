"""A person at a browser, over real HTTP: sign in through the real pages and second factor, open pages, log visits.

Standard library only (urllib), so the suite's load test and ``bench/load.py`` need nothing more than the app.
Redirects are not followed: each answer is seen as it is, so a failure is never hidden behind the next page.
"""

import base64
import datetime
import html
import http.cookiejar
import os
import re
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from django_otp.oath import totp

ROOT = Path(__file__).resolve().parent.parent
CSRF = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
VISIT_KEY = re.compile(r'name="idempotency_key" value="([0-9a-f-]{36})"')
SECRET = re.compile(r'id="secret-key"[^>]*>(.*?)</code>', re.S)
VISIT_NOT_SAVED = "Your visit was not saved, please try again."


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args: object, **kwargs: object) -> None:
        return None


@dataclass
class Answer:
    status: int
    body: str
    location: str
    seconds: float


class Browser:
    """One person's browser: its own cookies (session, CSRF), talking to ``base_url``."""

    def __init__(self, base_url: str, timeout: float = 60.0) -> None:
        self.base_url = base_url.rstrip("/")
        self.timeout = timeout
        self.cookies = http.cookiejar.CookieJar()
        self.opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(self.cookies), _NoRedirect)

    def request(self, path: str, data: dict[str, str] | None = None) -> Answer:
        body = urllib.parse.urlencode(data).encode() if data is not None else None
        request = urllib.request.Request(self.base_url + path, data=body)  # noqa: S310 (our own loopback server)
        started = time.perf_counter()
        try:
            with self.opener.open(request, timeout=self.timeout) as response:
                status, text, location = response.status, response.read().decode(), response.headers.get("Location")
        except urllib.error.HTTPError as error:  # 3xx (not followed), 4xx and 5xx
            status, text, location = error.code, error.read().decode(errors="replace"), error.headers.get("Location")
        return Answer(status, text, location or "", time.perf_counter() - started)

    def get(self, path: str) -> Answer:
        return self.request(path)

    def post(self, path: str, data: dict[str, str], page: Answer) -> Answer:
        """Send a form as the page showing it would: with that page's CSRF token."""
        match = CSRF.search(page.body)
        if match is None:
            raise LoadError(f"no CSRF token on the page before POST {path} ({page.status})")
        return self.request(path, {"csrfmiddlewaretoken": html.unescape(match.group(1)), **data})


class LoadError(AssertionError):
    """A step a person takes did not answer as it should."""


def wait_out_the_step_end(step: int = 30, margin: float = 3.0) -> None:
    """Codes have no tolerance either side: one read this close to the end of its step could arrive too late."""
    if time.time() % step > step - margin:
        time.sleep(step - time.time() % step + 0.1)


def code_for_key(key: bytes) -> str:
    wait_out_the_step_end()
    return f"{totp(key):06d}"


def sign_in(browser: Browser, username: str, password: str, code_for: Callable[[str], str] | None = None) -> None:
    """The real sign-in: password, then the second factor (set up on the way, from the key the page shows, for a
    person who has none yet; else the code ``code_for(username)`` gives, as their app would)."""
    page = browser.get("/sign-in/")
    answer = browser.post("/sign-in/", {"username": username, "password": password, "next": ""}, page)
    if answer.status != 302 or answer.location.startswith("/sign-in/"):
        raise LoadError(f"sign-in as {username}: {answer.status}")
    page_url = answer.location
    page = browser.get(page_url)
    for _hop in range(4):  # the home page sends a person on to the second factor, and on to set it up if need be
        if page.status != 302:
            break
        page_url = page.location
        page = browser.get(page_url)
    else:
        raise LoadError(f"sign-in as {username}: redirected too often")
    path = urllib.parse.urlsplit(page_url).path
    if path == "/two-factor/setup/":
        match = SECRET.search(page.body)
        if match is None:
            raise LoadError(f"no setup key shown to {username}")
        secret = re.sub(r"<[^>]+>|\s", "", match.group(1))
        key = base64.b32decode(secret + "=" * (-len(secret) % 8))
        answer = browser.post(page_url, {"code": code_for_key(key)}, page)
        if answer.status != 302 or "/two-factor/recovery-codes/" not in answer.location:
            raise LoadError(f"second-factor set-up for {username}: {answer.status} {answer.location}")
        browser.get(answer.location)  # the recovery codes, shown once
    elif path == "/two-factor/verify/":
        if code_for is None:
            raise LoadError(f"{username} has an authenticator app already, and no code was given")
        answer = browser.post(page_url, {"code": code_for(username)}, page)
        if answer.status != 302 or "/two-factor/" in answer.location:
            raise LoadError(f"second factor for {username}: {answer.status} {answer.location}")
    home = browser.get("/")
    if home.status not in (200, 302) or "/sign-in/" in home.location or "/two-factor/" in home.location:
        raise LoadError(f"{username} is not signed in: {home.status} {home.location}")


def visit_form(browser: Browser, family_pk: int) -> Answer:
    page = browser.get(f"/families/{family_pk}/visits/new/")
    if page.status != 200 or not VISIT_KEY.search(page.body):
        raise LoadError(f"visit form of family {family_pk}: {page.status}")
    return page


def visit_data(page: Answer, note: str) -> dict[str, str]:
    """What the volunteer types in (yesterday, never in the future wherever the server's day is), with the form's key."""
    key = VISIT_KEY.search(page.body)
    assert key is not None
    yesterday = datetime.date.today() - datetime.timedelta(days=1)  # noqa: DTZ011 (a day back covers any zone)
    return {
        "visited_on": yesterday.isoformat(),
        "kind": "home",
        "duration_minutes": "60",
        "note_text": note,
        "idempotency_key": key.group(1),
    }


def is_clear_failure(answer: Answer) -> bool:
    """The page a volunteer sees when their visit could not be saved: 503, with the message and their form."""
    return answer.status == 503 and VISIT_NOT_SAVED in answer.body and 'name="idempotency_key"' in answer.body


def uuid_of(key: str) -> uuid.UUID:
    return uuid.UUID(key)


SERVICE_UNAVAILABLE = "Sorry, the service is not available for a moment"


def is_service_unavailable(answer: Answer) -> bool:
    """The site's own page for a request that lost its database connection outside the visit form (503)."""
    return answer.status == 503 and SERVICE_UNAVAILABLE in answer.body


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@contextmanager
def gunicorn(env: dict[str, str], workers: int, port: int | None = None, log: Path | None = None) -> Iterator[str]:
    """The app under gunicorn on loopback (the README's production command), until the block ends."""
    port = port or free_port()
    command = [
        sys.executable,
        "-m",
        "gunicorn",
        "homestart.wsgi",
        "--workers",
        str(workers),
        "--bind",
        f"127.0.0.1:{port}",
        "--timeout",
        "120",
    ]
    output = open(log, "wb") if log else subprocess.DEVNULL  # noqa: SIM115 (closed below)
    server = subprocess.Popen(command, cwd=ROOT, env={**os.environ, **env}, stdout=output, stderr=output)  # noqa: S603
    base_url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            if server.poll() is not None:
                raise LoadError(f"gunicorn exited with {server.returncode}" + (f"; see {log}" if log else ""))
            try:
                if Browser(base_url, timeout=5).get("/healthz").status == 200:
                    break
            except OSError:
                pass
            if time.monotonic() > deadline:
                raise LoadError("gunicorn did not answer /healthz within 60 seconds")
            time.sleep(0.2)
        yield base_url
    finally:
        server.terminate()
        try:
            server.wait(timeout=20)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()
        if log:
            output.close()  # type: ignore[union-attr]
