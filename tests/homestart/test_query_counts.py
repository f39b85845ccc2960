"""Pages answer in a constant number of queries, whatever the number of families, visits and notes."""

from typing import Any

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

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


def test_page_queries_do_not_grow_with_families(client: Any, world: Any) -> None:
    """Dashboard, caseload list, family page and the volunteer's home: same count with 5 families as with 500."""
    volunteers = [world.volunteer] + [make_user(world.scheme, f"vol{i}", Role.VOLUNTEER) for i in range(9)]
    _grow(world, 4, volunteers)  # 5 families in the coordinator's caseload
    log_visit(world.family, world.volunteer, note="first visit")
    pages = {
        "dashboard": (world.coordinator, reverse("dashboard")),
        "caseload list": (world.coordinator, reverse("families:list")),
        "family page": (world.coordinator, reverse("families:detail", args=[world.family.pk])),
        "volunteer home": (world.volunteer, reverse("volunteers:home")),
    }

    def measure() -> dict[str, int]:
        counts = {}
        for name, (user, url) in pages.items():
            client.force_login(user)
            client.get(url)  # warm process-wide caches (content types), as a running server has them
            counts[name] = _count(client, url)
        return counts

    small = measure()
    _grow(world, 495, volunteers)  # 500 families, 50 per volunteer
    for _ in range(40):
        log_visit(world.family, world.volunteer, note="another visit")
    large = measure()

    assert large == small, f"queries with 5 families: {small}; with 500: {large}"
    assert max(large.values()) <= MAX_QUERIES


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
