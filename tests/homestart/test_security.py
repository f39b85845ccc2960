"""SECURITY 6-11: the second factor, brute-force limits, passwords, sessions, re-authentication, error pages."""

import datetime
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
import time_machine
from django.db import connection
from django.http import HttpRequest, HttpResponse
from django.test import override_settings
from django.test.utils import CaptureQueriesContext
from django.urls import path, reverse
from django_otp.plugins.otp_static.models import StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from homestart import services
from homestart.auth_views import SETUP_KEY
from homestart.decorators import recent_authentication_required
from homestart.exceptions import ActionNotAllowed
from homestart.middleware import OPEN_BEFORE_SECOND_FACTOR
from homestart.models import AuditEntry, AuditEvent, Role, User
from tests.conftest import PASSWORD, VerifiedClient, code_now, enrol_two_factor
from tests.homestart.test_authorization import POLICY, route_url

ROOT = Path(__file__).resolve().parents[2]
START = datetime.datetime(2026, 3, 2, 9, 0, tzinfo=datetime.UTC)


def _totp_at(device: Any, when: datetime.datetime, steps: int) -> int:
    from django_otp.oath import TOTP

    generator = TOTP(device.bin_key, step=device.step, t0=device.t0, digits=device.digits)
    generator.time = when.timestamp() + steps * device.step
    return generator.token()


def _sign_in(client: Any, username: str, password: str = PASSWORD, **extra: Any) -> Any:
    return client.post(reverse("login"), {"username": username, "password": password}, **extra)


# Second factor -------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("route", sorted(POLICY))
def test_password_only_session_reaches_nothing_but_sign_in_pages(
    client: VerifiedClient, world: Any, route: str
) -> None:
    """SECURITY 6: after the password alone, every route but sign-in and the second-factor pages redirects."""
    enrol_two_factor(world.coordinator)
    client.force_login_password_only(world.coordinator)
    methods = POLICY[route][0]
    url = route_url(world, route)
    for method in methods:
        response = getattr(client, method)(url)
        if route in OPEN_BEFORE_SECOND_FACTOR:
            assert response.status_code < 500
        else:
            assert response.status_code == 302, f"{method} {route}"
            assert response["Location"].startswith(reverse("two_factor:verify")), response["Location"]


def test_first_sign_in_sets_up_the_app_then_asks_for_codes(client: Any, world: Any) -> None:
    with time_machine.travel(START, tick=False) as clock:
        assert _sign_in(client, "volunteer")["Location"] == reverse("home")
        response = client.get(reverse("home"), follow=True)
        assert response.redirect_chain[-1][0].startswith(reverse("two_factor:setup"))
        html = response.content.decode()
        assert "Set up two-factor sign-in" in html and 'id="secret-key"' in html
        qr = client.get(reverse("two_factor:qr"))
        assert qr["Content-Type"] == "image/svg+xml" and b"<svg" in qr.content

        # Opening the page stored no device, only the key it shows, in the session (SECURITY 14).
        assert not TOTPDevice.objects.filter(user=world.volunteer).exists()
        device = services.two_factor_enrolment_start(user=world.volunteer, key=client.session[SETUP_KEY])
        assert client.get(reverse("two_factor:setup")).status_code == 200  # a reload shows the same key
        assert client.session[SETUP_KEY] == device.key
        assert not TOTPDevice.objects.filter(user=world.volunteer).exists()
        wrong = client.post(reverse("two_factor:setup"), {"code": str(_totp_at(device, START, 5)).zfill(6)})
        assert "The code is not right" in wrong.content.decode()
        clock.shift(datetime.timedelta(seconds=5))  # after the short delay a wrong code earns
        right = str(_totp_at(device, START + datetime.timedelta(seconds=5), 0)).zfill(6)
        confirmed = client.post(reverse("two_factor:setup"), {"code": right}, follow=True)
        codes = confirmed.context["codes"]
        assert len(codes) == 10 and len(set(codes)) == 10
        assert client.get(reverse("volunteers:home")).status_code == 200
        # Shown once only.
        assert client.get(reverse("two_factor:recovery_codes")).context["codes"] is None
    assert AuditEntry.objects.filter(event=AuditEvent.TWO_FACTOR_ENROLLED, actor=world.volunteer).count() == 1


def test_codes_are_single_use_with_no_tolerance(world: Any) -> None:
    """SECURITY 6: a 30-second step, no window either side, and a code works once."""
    with time_machine.travel(START, tick=False):
        device = services.two_factor_enrolment_start(user=world.volunteer)
        device, _codes = services.two_factor_enrolment_confirm(
            user=world.volunteer, key=device.key, token=str(_totp_at(device, START, 0)).zfill(6)
        )
    later = START + datetime.timedelta(minutes=5)
    with time_machine.travel(later, tick=False):
        for steps in (-1, 1):
            with pytest.raises(ActionNotAllowed):
                services.two_factor_verify(user=world.volunteer, token=str(_totp_at(device, later, steps)).zfill(6))
    later = START + datetime.timedelta(minutes=10)  # past any throttling delay from the refusals above
    with time_machine.travel(later, tick=False):
        code = str(_totp_at(device, later, 0)).zfill(6)
        assert services.two_factor_verify(user=world.volunteer, token=code).pk == device.pk
        with pytest.raises(ActionNotAllowed):
            services.two_factor_verify(user=world.volunteer, token=code)  # replayed
    assert AuditEntry.objects.filter(event=AuditEvent.TWO_FACTOR_FAILED, actor=world.volunteer).count() >= 3


def test_recovery_code_works_once(world: Any) -> None:
    pending = services.two_factor_enrolment_start(user=world.volunteer)
    _device, codes = services.two_factor_enrolment_confirm(
        user=world.volunteer, key=pending.key, token=code_now(pending)
    )
    assert services.two_factor_verify(user=world.volunteer, token=codes[0].upper()).name == "Recovery codes"
    with pytest.raises(ActionNotAllowed):
        services.two_factor_verify(user=world.volunteer, token=codes[0])
    assert StaticToken.objects.filter(device__user=world.volunteer).count() == 9
    assert AuditEntry.objects.filter(event=AuditEvent.RECOVERY_CODE_USED).count() == 1


def test_reset_of_a_lost_device_is_allowed_to_the_right_people_and_audited(client: Any, world: Any) -> None:
    enrol_two_factor(world.volunteer)
    enrol_two_factor(world.dsl)
    for actor, person in [
        (world.volunteer, world.other_volunteer),
        (world.coordinator, world.dsl),
        (world.other_coordinator, world.volunteer),
    ]:
        with pytest.raises(ActionNotAllowed):
            services.two_factor_reset(user=person, actor=actor)
    victim = VerifiedClient()
    victim.force_login(world.volunteer)
    assert victim.get(reverse("volunteers:home")).status_code == 200

    client.force_login(world.coordinator)
    page = client.get(reverse("two_factor:reset", args=[world.volunteer.pk])).content.decode()
    assert "signed out on every device" in page
    client.post(reverse("two_factor:reset", args=[world.volunteer.pk]))
    assert not services.has_two_factor(world.volunteer)
    entry = AuditEntry.objects.get(event=AuditEvent.TWO_FACTOR_RESET)
    assert (entry.actor, entry.object_pk) == (world.coordinator, str(world.volunteer.pk))
    assert victim.get(reverse("volunteers:home"))["Location"].startswith(reverse("login"))  # signed out everywhere

    services.two_factor_reset(user=world.dsl, actor=world.administrator)
    assert not services.has_two_factor(world.dsl)


# Brute force ---------------------------------------------------------------------------------------------------


def test_five_failures_lock_that_username_and_address_for_15_minutes(client: Any, world: Any) -> None:
    """SECURITY 7: keyed on username and address; a cool-off, not a permanent lock; a clear message."""
    with time_machine.travel(START, tick=False):
        for _ in range(4):
            assert _sign_in(client, "volunteer", "wrong password", REMOTE_ADDR="203.0.113.5").status_code == 200
        fifth = _sign_in(client, "volunteer", "wrong password", REMOTE_ADDR="203.0.113.5")
        assert fifth.status_code == 429
        assert "signing in is paused for 15 minutes" in fifth.content.decode()
        locked = _sign_in(client, "volunteer", PASSWORD, REMOTE_ADDR="203.0.113.5")  # even the right password
        assert locked.status_code == 429
        # The same person from another address, and another person from this address, are not locked.
        assert _sign_in(VerifiedClient(), "volunteer", PASSWORD, REMOTE_ADDR="198.51.100.1").status_code == 302
        assert _sign_in(VerifiedClient(), "coordinator", PASSWORD, REMOTE_ADDR="203.0.113.5").status_code == 302
    with time_machine.travel(START + datetime.timedelta(minutes=14), tick=False):
        assert _sign_in(VerifiedClient(), "volunteer", PASSWORD, REMOTE_ADDR="203.0.113.5").status_code == 429
    # Each attempt while locked starts the 15 minutes again: the pause ends 15 minutes after the last try.
    with time_machine.travel(START + datetime.timedelta(minutes=30), tick=False):
        assert _sign_in(VerifiedClient(), "volunteer", PASSWORD, REMOTE_ADDR="203.0.113.5").status_code == 302
    assert AuditEntry.objects.filter(event=AuditEvent.LOGIN_FAILED, object_pk=str(world.volunteer.pk)).count() >= 5


# Passwords -----------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "password, accepted",
    [
        ("short-pass1", False),  # 11 characters
        ("password1234", False),  # common
        ("newperson-2026", False),  # too like the username
        ("twelve chars", True),
        ("correct horse battery staple and a teapot on the windowsill " * 3, True),  # long passphrases welcome
    ],
)
def test_password_rules(world: Any, password: str, accepted: bool) -> None:
    """SECURITY 8: at least 12 characters, long passphrases allowed, common and similar passwords refused."""
    create = lambda: services.user_create(  # noqa: E731
        scheme=world.scheme,
        username="newperson",
        first_name="New",
        last_name="Person",
        email="new@example.invalid",
        role=Role.VOLUNTEER,
        password=password,
        actor=world.administrator,
    )
    if accepted:
        assert create().check_password(password)
    else:
        with pytest.raises(ActionNotAllowed):
            create()


# Sessions ------------------------------------------------------------------------------------------------------


def _signed_in_client(world: Any) -> VerifiedClient:
    client = VerifiedClient()
    client.force_login(world.volunteer)
    return client


def test_sign_in_gives_a_new_session_key(client: Any, world: Any) -> None:
    client.get(reverse("login"))
    before = client.session.session_key or client.cookies.get("sessionid")
    _sign_in(client, "volunteer")
    assert client.session.session_key != before


def test_idle_timeout_is_30_minutes_and_activity_extends_it(world: Any) -> None:
    with time_machine.travel(START, tick=False) as clock:
        client = _signed_in_client(world)
        home = reverse("volunteers:home")
        for _ in range(3):
            clock.shift(datetime.timedelta(minutes=25))
            assert client.get(home).status_code == 200
        clock.shift(datetime.timedelta(minutes=31))
        response = client.get(home)
        assert response.status_code == 302 and response["Location"].startswith(reverse("login"))


def _session_writes(client: Any, url: str) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return sum(1 for query in queries.captured_queries if query["sql"].startswith('UPDATE "django_session"'))


def test_the_session_is_renewed_at_most_once_a_minute(world: Any) -> None:
    with time_machine.travel(START, tick=False) as clock:
        client = _signed_in_client(world)
        home = reverse("volunteers:home")
        clock.shift(datetime.timedelta(minutes=2))
        assert _session_writes(client, home) == 1  # renewed: the idle limit runs from now
        clock.shift(datetime.timedelta(seconds=30))
        assert _session_writes(client, home) == 0  # renewed a moment ago: nothing to write
        clock.shift(datetime.timedelta(seconds=31))
        assert _session_writes(client, home) == 1
        # Idle for the whole limit after the last renewal, less a minute: still signed in; a minute later, signed out.
        clock.shift(datetime.timedelta(minutes=29))
        assert client.get(home).status_code == 200
        clock.shift(datetime.timedelta(minutes=30, seconds=1))
        assert client.get(home)["Location"].startswith(reverse("login"))


def test_absolute_timeout_is_12_hours_however_active(world: Any) -> None:
    with time_machine.travel(START, tick=False) as clock:
        client = _signed_in_client(world)
        home = reverse("volunteers:home")
        for _ in range(35):  # every 20 minutes for 11h40m
            clock.shift(datetime.timedelta(minutes=20))
            assert client.get(home).status_code == 200
        clock.shift(datetime.timedelta(minutes=21))
        response = client.get(home, follow=True)
        assert response.redirect_chain[0][0].startswith(reverse("login"))
        assert "signed in more than 12 hours ago" in response.content.decode()


def test_sign_out_ends_every_session_of_the_user(world: Any) -> None:
    phone, desk = _signed_in_client(world), _signed_in_client(world)
    home = reverse("volunteers:home")
    assert phone.get(home).status_code == desk.get(home).status_code == 200
    phone.post(reverse("logout"))
    assert desk.get(home)["Location"].startswith(reverse("login"))


def test_deactivation_ends_every_session(world: Any) -> None:
    client = VerifiedClient()
    client.force_login(world.other_volunteer)
    assert client.get(reverse("volunteers:home")).status_code == 200
    services.user_deactivate(user=world.other_volunteer, actor=world.administrator)
    assert client.get(reverse("volunteers:home"))["Location"].startswith(reverse("login"))


def test_password_change_ends_other_sessions(world: Any) -> None:
    client = _signed_in_client(world)
    user = User.objects.get(pk=world.volunteer.pk)
    user.set_password("a brand new passphrase for testing")
    user.save()
    assert client.get(reverse("volunteers:home"))["Location"].startswith(reverse("login"))


# Re-authentication ---------------------------------------------------------------------------------------------


@recent_authentication_required
def _sensitive(request: HttpRequest) -> HttpResponse:
    return HttpResponse("sensitive done")


urlpatterns = [path("sensitive/", _sensitive, name="sensitive")]


@override_settings(ROOT_URLCONF="tests.homestart.test_security_urls")
def test_sensitive_actions_need_recent_authentication(world: Any) -> None:
    """SECURITY 10: password or code again unless given in the last 10 minutes."""
    with time_machine.travel(START, tick=False) as clock:
        client = _signed_in_client(world)
        assert client.get("/sensitive/").content == b"sensitive done"
        clock.shift(datetime.timedelta(minutes=11))
        response = client.get("/sensitive/")
        assert response["Location"].startswith(reverse("two_factor:reauthenticate"))
        wrong = client.post(reverse("two_factor:reauthenticate") + "?next=/sensitive/", {"password": "nope"})
        assert "The password is not right" in wrong.content.decode()
        right = client.post(reverse("two_factor:reauthenticate"), {"password": PASSWORD, "next": "/sensitive/"})
        assert right["Location"] == "/sensitive/"
        assert client.get("/sensitive/").content == b"sensitive done"


# Error pages and deployment checks -----------------------------------------------------------------------------


def test_error_pages_are_plain_and_reveal_nothing(client: Any, world: Any) -> None:
    client.force_login(world.volunteer)
    missing = client.get("/no/such/page/")
    assert missing.status_code == 404 and "Page not found" in missing.content.decode()

    strict = VerifiedClient(enforce_csrf_checks=True)
    strict.force_login(world.volunteer)
    forged = strict.post(reverse("families:visit_new", args=[world.family.pk]), {"visited_on": "2024-01-01"})
    assert forged.status_code == 403 and "The form had expired" in forged.content.decode()


@override_settings(ROOT_URLCONF="tests.homestart.test_security_urls", DEBUG=False)
def test_server_error_page_has_no_internal_detail(world: Any) -> None:
    client = VerifiedClient(raise_request_exception=False)
    client.force_login(world.volunteer)
    response = client.get("/boom/")
    assert response.status_code == 500
    html = response.content.decode()
    assert "Sorry, there is a problem with the service" in html
    assert "Traceback" not in html and "RuntimeError" not in html and "secret detail" not in html


def test_deploy_check_passes_with_production_settings() -> None:
    """SECURITY 11: `check --deploy --fail-level WARNING` with the settings a production host would give."""
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "homestart.settings",
        "DEBUG": "false",
        "SECRET_KEY": "a-production-like-secret-key-with-enough-entropy-0123456789-abcdefghijklmnop",
        "ALLOWED_HOSTS": "homestart.example.org",
        "DATABASE_URL": "sqlite:///:memory:",
    }
    for name in ("SECURE_COOKIES", "SECURE_SSL_REDIRECT", "SECURE_HSTS_SECONDS", "DJANGO_ALLOW_ASYNC_UNSAFE"):
        env.pop(name, None)
    result = subprocess.run(  # noqa: S603 - our own manage.py, fixed arguments
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_hsts_and_cookie_flags(client: Any, world: Any, settings: Any) -> None:
    """SECURITY 12: HSTS over HTTPS; session and CSRF cookies HttpOnly and SameSite, Secure in production."""
    settings.SESSION_COOKIE_SECURE = settings.CSRF_COOKIE_SECURE = True
    page = client.get(reverse("login"), secure=True)
    assert page["Strict-Transport-Security"] == "max-age=31536000; includeSubDomains; preload"
    csrf = page.cookies["csrftoken"]
    assert csrf["httponly"] and csrf["secure"] and csrf["samesite"] == "Lax"
    signed_in = client.post(reverse("login"), {"username": "volunteer", "password": PASSWORD}, secure=True)
    session = signed_in.cookies["sessionid"]
    assert session["httponly"] and session["secure"] and session["samesite"] == "Lax"


def test_bad_request_page(client: Any, db: Any) -> None:
    response = client.get(reverse("login"), HTTP_HOST="attacker.example")
    assert response.status_code == 400
    assert "Something was wrong with the request" in response.content.decode()
