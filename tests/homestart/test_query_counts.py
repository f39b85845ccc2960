"""Pages answer in a constant number of queries, whatever the number of families, visits and notes."""

import uuid
from typing import Any

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from homestart.models import Role
from tests.conftest import log_visit, make_family, make_user

MAX_QUERIES = 25


def _grow(world: Any, families: int, volunteers: list) -> None:
    for i in range(families):
        volunteer = volunteers[i % len(volunteers)]
        family = make_family(world.coordinator, f"Family{i:04d}", volunteer=volunteer)
        log_visit(family, volunteer, note=f"note {i}")


def _count(client: Any, url: str) -> int:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200
    return len(queries)


def _visit_post_queries(client: Any, world: Any) -> int:
    """Queries one visit POST runs (a new form each time, so a new visit), as the family's volunteer."""
    client.force_login(world.volunteer)
    form = {
        "visited_on": timezone.localdate().isoformat(),
        "duration_minutes": "60",
        "kind": "home",
        "note_text": "Played with the children.",
        "idempotency_key": str(uuid.uuid4()),
    }
    with CaptureQueriesContext(connection) as queries:
        response = client.post(reverse("families:visit_new", args=[world.family.pk]), form)
    assert response.status_code == 302
    return len(queries)


def test_page_queries_do_not_grow_with_families_or_visits(client: Any, world: Any) -> None:
    """Every page of the national-scale table (bench/bench_pages.py): the same count with 5 families and 5 visits as
    with 500 families and 500 visits on the family's record (and the audit entries they wrote)."""
    volunteers = [world.volunteer] + [make_user(world.scheme, f"vol{i}", Role.VOLUNTEER) for i in range(9)]
    _grow(world, 4, volunteers)  # 5 families in the coordinator's caseload
    for _ in range(4):
        log_visit(world.family, world.volunteer, note="a visit")
    pages = {
        "dashboard": (world.coordinator, reverse("dashboard")),
        "caseload list": (world.coordinator, reverse("families:list")),
        "family page": (world.coordinator, reverse("families:detail", args=[world.family.pk])),
        "volunteer home": (world.volunteer, reverse("volunteers:home")),
        "consents page": (world.coordinator, reverse("consents:overview")),
        "register": (world.coordinator, reverse("consents:register")),
        "supervision list": (world.coordinator, reverse("volunteers:supervision_list")),
        "safeguarding dashboard": (world.dsl, reverse("safeguarding:dashboard")),
    }

    def measure() -> dict[str, int]:
        counts = {}
        for name, (user, url) in pages.items():
            client.force_login(user)
            client.get(url)  # warm process-wide caches (content types), as a running server has them
            counts[name] = _count(client, url)
        _visit_post_queries(client, world)  # warm, as above
        counts["log a visit (POST)"] = _visit_post_queries(client, world)
        return counts

    small = measure()
    _grow(world, 495, volunteers)  # 500 families, 50 per volunteer
    for _ in range(500 - world.family.visits.count()):
        log_visit(world.family, world.volunteer, note="another visit")
    assert world.family.visits.count() == 500
    large = measure()

    assert large == small, f"queries with 5 families and visits: {small}; with 500: {large}"
    assert max(large.values()) <= MAX_QUERIES, large


def test_family_page_query_bound(client: Any, world: Any, django_assert_max_num_queries: Any) -> None:
    for _ in range(30):
        log_visit(world.family, world.volunteer, note="a visit")
    client.force_login(world.coordinator)
    with django_assert_max_num_queries(MAX_QUERIES):
        client.get(reverse("families:detail", args=[world.family.pk]))
    client.force_login(world.volunteer)
    with django_assert_max_num_queries(MAX_QUERIES):
        client.get(reverse("families:detail", args=[world.family.pk]))
    with django_assert_max_num_queries(MAX_QUERIES):
        client.get(reverse("volunteers:home"))


def _come_back(world: Any, family: Any, day: Any) -> None:
    """One more time round: support ends on ``day``, the family is referred again, accepted and supported."""
    from families import services
    from families.models import ReferralOutcome

    services.family_end_support(family=family, ended_on=day, reason="Goals reached.", actor=world.coordinator)
    referral = services.referral_rerefer(
        family=family, referrer=None, date_received=day, reasons="Back again.", actor=world.coordinator
    )
    services.referral_decide(referral=referral, outcome=ReferralOutcome.ACCEPTED, actor=world.coordinator)
    services.assignment_start(family=family, volunteer=world.volunteer, started_on=day, actor=world.coordinator)


def test_family_page_queries_do_not_grow_with_the_familys_history(client: Any, world: Any) -> None:
    """A family that came back again and again, whose household grew and changed: the same count for the page with
    two support periods as with eight, for the coordinator and for the volunteer."""
    import datetime

    from django.utils import timezone

    from families import services
    from families.models import MemberKind

    today = timezone.localdate()
    family = world.family
    url = reverse("families:detail", args=[family.pk])
    _come_back(world, family, today - datetime.timedelta(days=19))
    log_visit(family, world.volunteer, note="first visit")

    def measure() -> dict[str, int]:
        counts = {}
        for user in (world.coordinator, world.volunteer):
            client.force_login(user)
            client.get(url)
            counts[user.username] = _count(client, url)
        return counts

    small = measure()
    for days_ago in range(18, 12, -1):
        _come_back(world, family, today - datetime.timedelta(days=days_ago))
    for i in range(10):
        member = services.household_member_add(
            family=family,
            kind=MemberKind.CHILD,
            first_name=f"Child{i}",
            date_of_birth=today - datetime.timedelta(days=100 + i),
            actor=world.coordinator,
        )
        if i % 2:
            services.household_member_leave(member=member, left_on=today, actor=world.coordinator)
    for _ in range(10):
        log_visit(family, world.volunteer, note="another visit")
    large = measure()

    assert family.support_periods.count() == 8
    assert large == small, f"queries with 2 support periods: {small}; with 8: {large}"
    assert max(large.values()) <= MAX_QUERIES
