"""SECURITY.md 1-5: every route of the project, for every role and method, against one policy table.

A route that is missing from the table fails the test, so a new page cannot ship without a decision about
who may use it. Anything a role may not use answers 404 (or the sign-in redirect for anonymous visitors).
"""

from collections.abc import Callable
from typing import Any

import pytest
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from families.models import Assignment, Family, FamilyStatus, Visit
from homestart.models import User
from tests.consents.policy import CONSENT_POLICY, CONSENT_ROUTE_ARGS
from tests.consents.policy_requests import REQUEST_POLICY, REQUEST_ROUTE_ARGS
from tests.documents.policy import DOCUMENTS_POLICY, DOCUMENTS_ROUTE_ARGS
from tests.families.policy_directory import DIRECTORY_POLICY, DIRECTORY_ROUTE_ARGS
from tests.families.policy_family_life import FAMILY_LIFE_POLICY, FAMILY_LIFE_ROUTE_ARGS
from tests.families.policy_notes import NOTES_POLICY, NOTES_ROUTE_ARGS
from tests.families.policy_retention import RETENTION_POLICY, RETENTION_ROUTE_ARGS
from tests.homestart.policy_accounts import ACCOUNT_POLICY, ACCOUNT_ROUTE_ARGS
from tests.homestart.policy_reminders import REMINDERS_POLICY, REMINDERS_ROUTE_ARGS
from tests.office.policy_access import ACCESS_POLICY, ACCESS_ROUTE_ARGS
from tests.office.policy_subject_access import SUBJECT_ACCESS_POLICY, SUBJECT_ACCESS_ROUTE_ARGS
from tests.outcomes.policy import OUTCOMES_POLICY, OUTCOMES_ROUTE_ARGS
from tests.safeguarding.policy import SAFEGUARDING_POLICY, SAFEGUARDING_ROUTE_ARGS
from tests.volunteers.policy import VOLUNTEER_POLICY, VOLUNTEER_ROUTE_ARGS

ROLES = ["anonymous", "volunteer", "other_volunteer", "coordinator", "other_coordinator", "dsl", "administrator"]
SIGNED_IN = set(ROLES) - {"anonymous"}
COORDINATORS = {"coordinator", "dsl", "other_coordinator"}
SCHEME_COORDINATORS = {"coordinator", "dsl"}
VOLUNTEERS = {"volunteer", "other_volunteer"}
METHODS = ["get", "post", "put", "patch", "delete"]

# route name -> (methods the view accepts, roles that may use it, what an anonymous visitor gets)
#   anonymous: "login" = redirected to sign in; "public" = answered like anyone else.
POLICY: dict[str, tuple[set[str], set[str], str]] = {
    "home": ({"get"}, SIGNED_IN, "login"),
    "healthz": ({"get"}, set(ROLES), "public"),
    "login": ({"get", "post"}, set(ROLES), "public"),
    "logout": ({"post"}, set(ROLES), "public"),
    "two_factor:setup": ({"get", "post"}, SIGNED_IN, "login"),
    "two_factor:qr": ({"get"}, set(), "login"),  # only while a device is being set up; everyone here has one
    "two_factor:verify": ({"get", "post"}, SIGNED_IN, "login"),
    "two_factor:recovery_codes": ({"get"}, SIGNED_IN, "login"),
    "two_factor:reauthenticate": ({"get", "post"}, SIGNED_IN, "login"),
    "two_factor:reset": ({"get", "post"}, SCHEME_COORDINATORS | {"administrator"}, "login"),
    "dashboard": ({"get"}, COORDINATORS, "login"),
    "accounts:list": ({"get"}, {"administrator"}, "login"),
    "accounts:new": ({"get", "post"}, {"administrator"}, "login"),
    "accounts:deactivate": ({"get", "post"}, {"administrator"}, "login"),
    "families:list": ({"get"}, COORDINATORS, "login"),
    "families:referrals": ({"get"}, COORDINATORS, "login"),
    "families:referral_new": ({"get", "post"}, COORDINATORS, "login"),
    "families:referral_decide": ({"get", "post"}, SCHEME_COORDINATORS, "login"),
    "families:professional_new": ({"get", "post"}, COORDINATORS | {"administrator"}, "login"),
    "families:detail": ({"get"}, SCHEME_COORDINATORS | {"volunteer"}, "login"),
    "families:assignment_new": ({"get", "post"}, SCHEME_COORDINATORS, "login"),
    "families:assignment_end": ({"get", "post"}, SCHEME_COORDINATORS, "login"),
    "families:end_support": ({"get", "post"}, SCHEME_COORDINATORS, "login"),
    "families:coordinator_change": ({"get", "post"}, SCHEME_COORDINATORS, "login"),
    "families:visit_new": ({"get", "post"}, {"volunteer"}, "login"),
    "volunteers:list": ({"get"}, COORDINATORS, "login"),
    "volunteers:home": ({"get"}, VOLUNTEERS, "login"),
    "volunteers:profile_edit": ({"get", "post"}, SCHEME_COORDINATORS, "login"),
}


POLICY.update(CONSENT_POLICY)
POLICY.update(REQUEST_POLICY)
POLICY.update(SAFEGUARDING_POLICY)
POLICY.update(VOLUNTEER_POLICY)
POLICY.update(ACCOUNT_POLICY)
POLICY.update(FAMILY_LIFE_POLICY)
POLICY.update(NOTES_POLICY)
POLICY.update(DIRECTORY_POLICY)
POLICY.update(RETENTION_POLICY)
POLICY.update(ACCESS_POLICY)
POLICY.update(SUBJECT_ACCESS_POLICY)
POLICY.update(OUTCOMES_POLICY)
POLICY.update(DOCUMENTS_POLICY)
POLICY.update(REMINDERS_POLICY)


def _route_names(patterns: list, namespace: str = "") -> list[str]:
    names = []
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            inner = f"{namespace}{pattern.namespace}:" if pattern.namespace else namespace
            names.extend(_route_names(pattern.url_patterns, inner))
        elif isinstance(pattern, URLPattern):
            assert pattern.name, f"Every route needs a name so the policy can cover it: {pattern.pattern}"
            names.append(f"{namespace}{pattern.name}")
    return names


ALL_ROUTES = _route_names(get_resolver().url_patterns)


def _open_assignment(world: Any) -> Assignment:
    return Assignment.objects.get(family=world.family, volunteer=world.volunteer, ended_on__isnull=True)


# route name -> how to build its URL arguments from the world (built only when that route is tested).
ROUTE_ARGS: dict[str, Callable[[Any], dict[str, Any]]] = {
    "accounts:deactivate": lambda w: {"pk": w.other_volunteer.pk},
    "two_factor:reset": lambda w: {"pk": w.other_volunteer.pk},
    "families:referral_decide": lambda w: {"pk": w.family.referrals.get().pk},
    "families:detail": lambda w: {"pk": w.family.pk},
    "families:assignment_new": lambda w: {"pk": w.family.pk},
    "families:assignment_end": lambda w: {"pk": w.family.pk, "assignment_pk": _open_assignment(w).pk},
    "families:end_support": lambda w: {"pk": w.family.pk},
    "families:coordinator_change": lambda w: {"pk": w.family.pk},
    "families:visit_new": lambda w: {"pk": w.family.pk},
    "volunteers:profile_edit": lambda w: {"pk": w.volunteer.volunteer_profile.pk},
    **CONSENT_ROUTE_ARGS,
    **REQUEST_ROUTE_ARGS,
    **SAFEGUARDING_ROUTE_ARGS,
    **VOLUNTEER_ROUTE_ARGS,
    **ACCOUNT_ROUTE_ARGS,
    **FAMILY_LIFE_ROUTE_ARGS,
    **NOTES_ROUTE_ARGS,
    **DIRECTORY_ROUTE_ARGS,
    **RETENTION_ROUTE_ARGS,
    **ACCESS_ROUTE_ARGS,
    **SUBJECT_ACCESS_ROUTE_ARGS,
    **OUTCOMES_ROUTE_ARGS,
    **DOCUMENTS_ROUTE_ARGS,
    **REMINDERS_ROUTE_ARGS,
}


def route_url(world: Any, route: str) -> str:
    """The URL of a route, pointing at the records of the assigned family in the first scheme."""
    build = ROUTE_ARGS.get(route)
    return reverse(route, kwargs=build(world) if build else None)


def assert_security_headers(response: Any) -> None:
    """SECURITY 12-13: on every answer, whoever asks."""
    assert "no-store" in response["Cache-Control"]
    csp = response["Content-Security-Policy"]
    assert "frame-ancestors 'none'" in csp and "default-src 'self'" in csp
    assert "unsafe-inline" not in csp and "unsafe-eval" not in csp
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "same-origin"
    assert response["X-Frame-Options"] == "DENY"


def test_every_route_is_in_the_policy_table() -> None:
    missing = sorted(set(ALL_ROUTES) - set(POLICY))
    stale = sorted(set(POLICY) - set(ALL_ROUTES))
    assert not missing, f"Routes without an access policy: {missing}"
    assert not stale, f"Policy rows for routes that no longer exist: {stale}"


def _state(world: Any) -> tuple:
    """What a refused request must not change."""
    family = Family.objects.get(pk=world.family.pk)
    return (
        family.status,
        family.lead_coordinator_id,
        Family.objects.count(),
        Assignment.objects.filter(ended_on__isnull=True).count(),
        Visit.objects.count(),
        User.objects.filter(is_active=True).count(),
    )


@pytest.mark.parametrize("method", METHODS)
@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("route", sorted(POLICY))
def test_route_answers_by_policy(client: Any, world: Any, route: str, role: str, method: str) -> None:
    methods, allowed, anonymous = POLICY[route]
    user = world.role(role)
    if user is not None:
        client.force_login(user)
    url = route_url(world, route)
    before = _state(world)

    response = getattr(client, method)(url)
    assert_security_headers(response)

    if method not in methods:
        assert response.status_code == 405, f"{method.upper()} {url} as {role}"
        assert _state(world) == before
        return
    if role == "anonymous" and anonymous == "login":
        assert response.status_code == 302, f"{method.upper()} {url} as anonymous"
        assert response["Location"].startswith(reverse("login")), response["Location"]
        assert _state(world) == before
        return
    if role in allowed:
        assert response.status_code in (200, 302), f"{method.upper()} {url} as {role}: {response.status_code}"
        if response.status_code == 302 and route != "logout":  # signing out ends at the sign-in page
            assert not response["Location"].startswith(reverse("login")), f"{url} as {role} sent to sign in"
        return
    assert response.status_code == 404, f"{method.upper()} {url} as {role}: {response.status_code}, expected 404"
    assert _state(world) == before, f"A refused {method.upper()} {url} as {role} changed something"


def test_volunteer_loses_access_on_the_next_request_after_assignment_ends(client: Any, world: Any) -> None:
    """SECURITY 5: ending an assignment takes effect on the very next request of the same session."""
    from django.utils import timezone

    from families import services

    client.force_login(world.volunteer)
    detail = reverse("families:detail", args=[world.family.pk])
    assert client.get(detail).status_code == 200
    assignment = Assignment.objects.get(family=world.family, volunteer=world.volunteer)
    services.assignment_end(assignment=assignment, ended_on=timezone.localdate(), actor=world.coordinator)
    assert client.get(detail).status_code == 404
    assert client.get(reverse("families:visit_new", args=[world.family.pk])).status_code == 404
    assert world.family.family_name not in client.get(reverse("volunteers:home")).content.decode()


def test_extra_fields_posted_by_a_volunteer_change_nothing(client: Any, world: Any) -> None:
    """SECURITY 4: fields a volunteer's form does not have (status, assignment, author) are ignored."""
    client.force_login(world.volunteer)
    response = client.post(
        reverse("families:visit_new", args=[world.family.pk]),
        {
            "visited_on": "2020-01-01",
            "kind": "home",
            "duration_minutes": "60",
            "note_text": "An ordinary note.",
            "status": FamilyStatus.ENDED,
            "volunteer": world.other_volunteer.pk,
            "author": world.coordinator.pk,
            "family": world.other_family.pk,
            "lead_coordinator": world.dsl.pk,
        },
    )
    assert response.status_code == 302
    family = Family.objects.get(pk=world.family.pk)
    assert family.status == FamilyStatus.SUPPORTED
    assert family.lead_coordinator_id == world.coordinator.pk
    visit = Visit.objects.get()
    assert (visit.family_id, visit.volunteer_id) == (world.family.pk, world.volunteer.pk)
    assert visit.note.author_id == world.volunteer.pk
    assert not Visit.objects.filter(family=world.other_family).exists()
