"""Shared set-up. Every record is made through the services, as the pages would make it."""

import datetime
import os
import time
from dataclasses import dataclass
from typing import Any

import pytest
from django.conf import settings
from django.db import connection
from django.test import Client
from django.utils import timezone
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice
from hypothesis import settings as hypothesis_settings

from families import services as family_services
from families.models import AgencyKind, Family, MemberKind, ReferralOutcome
from homestart import services
from homestart.models import Role, Scheme, User

PASSWORD = "correct horse battery staple"  # noqa: S105

# In CI, Hypothesis replays the same examples every run, so a build is red only because of a change; on
# developers' machines it keeps exploring new inputs (and each bug it finds gets a regression test).
hypothesis_settings.register_profile("ci", derandomize=True, print_blob=True)
if os.environ.get("CI"):
    hypothesis_settings.load_profile("ci")


@pytest.fixture(autouse=True, scope="session")
def _test_flush_may_empty_the_audit_log() -> Any:
    """Between transactional tests Django empties every table with TRUNCATE, which the audit log refuses (its
    append-only trigger). Only that flush, in the test process, is let past the trigger."""
    import pgtrigger
    from django.db.backends.postgresql.operations import DatabaseOperations

    original = DatabaseOperations.execute_sql_flush

    def execute_sql_flush(self: Any, sql_list: Any) -> Any:
        with pgtrigger.ignore("homestart.AuditEntry:audit_no_truncate"):
            return original(self, sql_list)

    DatabaseOperations.execute_sql_flush = execute_sql_flush
    yield
    DatabaseOperations.execute_sql_flush = original


def pytest_collection_modifyitems(config: Any, items: list) -> None:
    """Skip PostgreSQL-only tests on other databases (reported as skipped, never silently passed)."""
    from django.conf import settings

    if "postgresql" in settings.DATABASES["default"]["ENGINE"]:
        return
    skip = pytest.mark.skip(reason="needs PostgreSQL (set DATABASE_URL to a PostgreSQL database)")
    for item in items:
        if "postgres" in item.keywords:
            item.add_marker(skip)


def make_scheme(code: str, name: str | None = None) -> Scheme:
    return services.scheme_create(
        name=name or f"Home-Start {code}", code=code, address=f"1 {code} Street\nTown\nPO1 1AA"
    )


def make_user(scheme: Scheme, username: str, role: str, *, dsl: bool = False) -> User:
    user = services.user_create(
        scheme=scheme,
        username=username,
        first_name=username.capitalize(),
        last_name="Tester",
        email=f"{username}@example.invalid",
        role=role,
        is_safeguarding_lead=dsl,
        password=PASSWORD,
        actor=None,
    )
    if role == Role.VOLUNTEER:
        make_ready_to_support(user)
    return user


def make_ready_to_support(volunteer: User) -> None:
    """Record a DBS check in date and the preparation course done, as a coordinator of the volunteer's scheme would
    (a volunteer without them cannot be assigned). Left as it is in a scheme that has no coordinator yet."""
    from volunteers import services as volunteer_services

    coordinator = User.objects.filter(scheme=volunteer.scheme, role=Role.COORDINATOR, is_active=True).first()
    if coordinator is None:
        return
    today = timezone.localdate()
    volunteer_services.volunteer_profile_update(
        profile=volunteer.volunteer_profile,
        dbs_certificate_number="001234567890",
        dbs_issued_on=today - datetime.timedelta(days=400),
        dbs_renewal_due=today + datetime.timedelta(days=700),
        preparation_course_completed_on=today - datetime.timedelta(days=380),
        actor=coordinator,
    )


def enrol_two_factor(user: User) -> TOTPDevice:
    """Set up the user's authenticator app through the services, as the set-up page would (idempotent)."""
    device = TOTPDevice.objects.filter(user=user, confirmed=True).first()
    if device is None:
        pending = services.two_factor_enrolment_start(user=user)
        device, _codes = services.two_factor_enrolment_confirm(
            user=user, key=pending.key, token=code_now(pending, margin=0.5)
        )
    return device


def current_code(device: TOTPDevice) -> str:
    """The code the person's app would show now."""
    return f"{totp(device.bin_key, step=device.step, digits=device.digits):06d}"


def code_now(device: TOTPDevice, margin: float = 2.0) -> str:
    """The code the app shows now, far enough from the end of its 30-second step to still be right when checked.

    Codes have no tolerance either side, so a code read in the last moment of its step would fail at random.
    """
    if time.time() % device.step > device.step - margin:
        time.sleep(device.step - time.time() % device.step + 0.1)
    return current_code(device)


class VerifiedClient(Client):
    """The test client, whose ``force_login`` also gives the second factor (the sign-in tests use the real forms)."""

    def force_login(self, user: Any, backend: str | None = None) -> None:
        device = enrol_two_factor(user)
        super().force_login(user, backend or "homestart.backends.UserWithSchemeBackend")
        session = self.session
        session[DEVICE_ID_SESSION_KEY] = device.persistent_id
        session.save()

    def force_login_password_only(self, user: Any) -> None:
        super().force_login(user, "homestart.backends.UserWithSchemeBackend")


@pytest.fixture
def client() -> VerifiedClient:
    return VerifiedClient()


def make_family(
    coordinator: User,
    name: str = "Okafor",
    *,
    accept: bool = True,
    volunteer: User | None = None,
    child_first_name: str = "Tobi",
    postcode: str = "PO2 7QA",
    referrer: Any = None,
    health_visitor: Any = None,
) -> Family:
    """A referred family; accepted, and with a volunteer assigned when asked."""
    referral = family_services.referral_receive(
        actor=coordinator,
        family_name=name,
        address="1 Test Road\nPortsmouth",
        postcode=postcode,
        referrer=referrer,
        health_visitor=health_visitor,
        date_received=timezone.localdate() - datetime.timedelta(days=30),
        reasons="Isolated after moving to the area.",
        members=[
            {"kind": MemberKind.ADULT, "first_name": "Grace", "last_name": name, "relationship": "mother"},
            {
                "kind": MemberKind.CHILD,
                "first_name": child_first_name,
                "last_name": name,
                "date_of_birth": timezone.localdate() - datetime.timedelta(days=300),
            },
        ],
    )
    family = referral.family
    if accept:
        family_services.referral_decide(referral=referral, outcome=ReferralOutcome.ACCEPTED, actor=coordinator)
    if volunteer is not None:
        # Confirmed: set-up gives one volunteer many families, beyond the most their record says they will take.
        family_services.assignment_start(
            family=family,
            volunteer=volunteer,
            started_on=timezone.localdate() - datetime.timedelta(days=20),
            confirmed=True,
            actor=coordinator,
        )
    family.refresh_from_db()
    return family


def log_visit(family: Family, volunteer: User, note: str = "", days_ago: int = 1) -> Any:
    return family_services.visit_log(
        family=family,
        visited_on=timezone.localdate() - datetime.timedelta(days=days_ago),
        duration_minutes=60,
        note_text=note,
        actor=volunteer,
    )


@dataclass
class World:
    """Two schemes and one person in every role the policy names, around one supported family."""

    scheme: Scheme
    other_scheme: Scheme
    coordinator: User
    dsl: User
    volunteer: User
    other_volunteer: User
    administrator: User
    other_coordinator: User
    family: Family
    other_family: Family

    def role(self, name: str) -> User | None:
        return None if name == "anonymous" else getattr(self, name)


def build_world() -> World:
    """Build the two schemes, their people and families (used by ``world`` and the browser tests' ``live_world``)."""
    scheme = make_scheme("PMH")
    other_scheme = make_scheme("WIN")
    coordinator = make_user(scheme, "coordinator", Role.COORDINATOR)
    dsl = make_user(scheme, "dsl", Role.COORDINATOR, dsl=True)
    volunteer = make_user(scheme, "volunteer", Role.VOLUNTEER)
    other_volunteer = make_user(scheme, "othervolunteer", Role.VOLUNTEER)
    administrator = make_user(scheme, "admin", Role.ADMINISTRATOR)
    other_coordinator = make_user(other_scheme, "othercoordinator", Role.COORDINATOR)
    family = make_family(coordinator, "Okafor", volunteer=volunteer)
    other_family = make_family(other_coordinator, "Evans", postcode="SO23 8TT")
    family_services.professional_add(
        scheme=scheme,
        agency_name="North Health Visiting Team",
        agency_kind=AgencyKind.HEALTH_VISITING,
        name="Helen Price",
        role="Health visitor",
        actor=coordinator,
    )
    return World(
        scheme=scheme,
        other_scheme=other_scheme,
        coordinator=coordinator,
        dsl=dsl,
        volunteer=volunteer,
        other_volunteer=other_volunteer,
        administrator=administrator,
        other_coordinator=other_coordinator,
        family=family,
        other_family=other_family,
    )


@pytest.fixture
def world(db: Any) -> World:
    return build_world()


@pytest.fixture
def is_postgres() -> bool:
    return connection.vendor == "postgresql"


def real_server_env(application_name: str = "homestart-test-server") -> dict[str, str]:
    """What a real server process (``bench.loadclient.gunicorn``) needs to serve this test's database with the test
    settings, its connections named ``application_name`` (in ``pg_stat_activity``). Skips the test off PostgreSQL,
    where no other process can share the test database; the test must commit its data
    (``django_db(transaction=True)``) for the server to see it."""
    if connection.vendor != "postgresql":
        pytest.skip("a real server process shares the test database only on PostgreSQL")
    database = connection.settings_dict
    url = f"postgres://{database['USER']}@{database['HOST']}:{database['PORT']}/{database['NAME']}"
    return {
        "DJANGO_SETTINGS_MODULE": "homestart.settings_test",
        "DATABASE_URL": f"{url}?application_name={application_name}",
        "AUDIT_STRICT": "true" if settings.AUDIT_STRICT else "false",
    }
