"""Shared set-up. Every record is made through the services, as the pages would make it."""

import datetime
from dataclasses import dataclass
from typing import Any

import pytest
from django.db import connection
from django.utils import timezone

from families import services as family_services
from families.models import AgencyKind, Family, MemberKind, ReferralOutcome
from homestart import services
from homestart.models import Role, Scheme, User

PASSWORD = "correct horse battery staple"  # noqa: S105


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
    return services.user_create(
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


def make_family(
    coordinator: User,
    name: str = "Okafor",
    *,
    accept: bool = True,
    volunteer: User | None = None,
    child_first_name: str = "Tobi",
    postcode: str = "PO2 7QA",
) -> Family:
    """A referred family; accepted, and with a volunteer assigned when asked."""
    referral = family_services.referral_receive(
        actor=coordinator,
        family_name=name,
        address="1 Test Road\nPortsmouth",
        postcode=postcode,
        referrer=None,
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
        family_services.assignment_start(
            family=family,
            volunteer=volunteer,
            started_on=timezone.localdate() - datetime.timedelta(days=20),
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
