"""Family pages: each takes good input to its service and turns bad input into a message, changing nothing."""

import datetime
from typing import Any

import pytest
from django.urls import reverse
from django.utils import timezone

from families.models import Assignment, Family, FamilyStatus, Professional, Referral, Visit
from tests.conftest import log_visit, make_family

TODAY = timezone.localdate


def _referral_post(**overrides: Any) -> dict[str, Any]:
    data = {
        "family_name": "Nowak",
        "address": "4 Elm Road\nPortsmouth",
        "postcode": "po3 5dd",
        "phone": "",
        "preferred_language": "Polish",
        "referrer": "",
        "health_visitor": "",
        "date_received": TODAY().isoformat(),
        "reasons": "Mum expecting second child.",
        "members-TOTAL_FORMS": "2",
        "members-INITIAL_FORMS": "0",
        "members-MIN_NUM_FORMS": "0",
        "members-MAX_NUM_FORMS": "8",
        "members-0-kind": "adult",
        "members-0-first_name": "Kasia",
        "members-0-last_name": "Nowak",
        "members-0-relationship": "mother",
        "members-1-kind": "child",
        "members-1-first_name": "Olek",
        "members-1-date_of_birth": (TODAY() - datetime.timedelta(days=900)).isoformat(),
    }
    data.update(overrides)
    return data


def test_coordinator_records_a_referral_and_accepts_it(client: Any, world: Any) -> None:
    client.force_login(world.coordinator)
    hv = Professional.objects.get(name="Helen Price")
    response = client.post(reverse("families:referral_new"), _referral_post(referrer=hv.pk, health_visitor=hv.pk))
    referral = Referral.objects.get(family__family_name="Nowak")
    assert response["Location"] == reverse("families:referral_decide", args=[referral.pk])
    assert referral.family.postcode == "PO3 5DD"
    assert referral.family.members.count() == 2
    page = client.get(response["Location"]).content.decode()
    assert "Referral recorded" in page and referral.family.reference in page

    client.post(response["Location"], {"outcome": "accepted", "reason": ""})
    referral.family.refresh_from_db()
    assert referral.family.status == FamilyStatus.AWAITING_VOLUNTEER


@pytest.mark.parametrize(
    "overrides, message",
    [
        ({"postcode": "not a postcode"}, "Enter a real postcode"),
        ({"family_name": ""}, "Enter the family name"),
        ({"date_received": "31/02/2024"}, "Enter a valid date"),
        ({"date_received": (TODAY() + datetime.timedelta(days=3)).isoformat()}, "cannot be in the future"),
        ({"members-1-date_of_birth": ""}, "Enter the child&#x27;s date of birth"),
        (
            {
                f"members-{i}-{name}": ""
                for i in (0, 1)
                for name in ("kind", "first_name", "last_name", "relationship", "date_of_birth")
            },
            "Enter at least one person",
        ),
        ({"referrer": "999999"}, "Select a valid choice"),
    ],
)
def test_bad_referral_input_shows_a_message_and_saves_nothing(
    client: Any, world: Any, overrides: dict, message: str
) -> None:
    client.force_login(world.coordinator)
    families_before = Family.objects.count()
    response = client.post(reverse("families:referral_new"), _referral_post(**overrides))
    assert response.status_code == 200
    html = response.content.decode()
    assert "There is a problem" in html
    assert message in html
    assert Family.objects.count() == families_before


def test_other_schemes_professional_cannot_be_chosen(client: Any, world: Any) -> None:
    from families import services
    from families.models import AgencyKind

    theirs = services.professional_add(
        scheme=world.other_scheme,
        agency_name="Far Team",
        agency_kind=AgencyKind.GP,
        name="Dr Far",
        role="GP",
        actor=world.other_coordinator,
    )
    client.force_login(world.coordinator)
    response = client.post(reverse("families:referral_new"), _referral_post(referrer=theirs.pk))
    assert "Select a valid choice" in response.content.decode()
    assert "Dr Far" not in client.get(reverse("families:referral_new")).content.decode()


def test_assign_and_end_assignment_pages(client: Any, world: Any) -> None:
    client.force_login(world.coordinator)
    url = reverse("families:assignment_new", args=[world.family.pk])
    response = client.post(url, {"volunteer": world.other_volunteer.pk, "started_on": TODAY().isoformat()})
    assert response.status_code == 302
    assignment = Assignment.objects.get(volunteer=world.other_volunteer, ended_on__isnull=True)
    again = client.post(url, {"volunteer": world.other_volunteer.pk, "started_on": TODAY().isoformat()})
    assert "already assigned" in again.content.decode()

    end_url = reverse("families:assignment_end", args=[world.family.pk, assignment.pk])
    confirm = client.get(end_url).content.decode()
    assert "will no longer be able to open" in confirm
    early = client.post(end_url, {"ended_on": "2000-01-01", "reason": ""})
    assert "cannot be before the assignment started" in early.content.decode()
    client.post(end_url, {"ended_on": TODAY().isoformat(), "reason": "Moved away"})
    assignment.refresh_from_db()
    assert assignment.ended_on == TODAY()
    assert client.get(end_url).status_code == 404  # an ended assignment cannot be ended again


def test_end_support_page_confirms_then_ends(client: Any, world: Any) -> None:
    client.force_login(world.coordinator)
    url = reverse("families:end_support", args=[world.family.pk])
    page = client.get(url).content.decode()
    assert "This cannot be undone" in page and "Volunteer Tester" in page
    missing = client.post(url, {"ended_on": TODAY().isoformat(), "reason": ""})
    assert "Enter why support is ending" in missing.content.decode()
    client.post(url, {"ended_on": TODAY().isoformat(), "reason": "Goals reached"})
    world.family.refresh_from_db()
    assert world.family.status == FamilyStatus.ENDED
    assert "Support ended" in client.get(reverse("families:detail", args=[world.family.pk])).content.decode()


@pytest.mark.parametrize(
    "data, message",
    [
        ({"visited_on": "", "kind": "home", "duration_minutes": "60"}, "Enter the date of the visit"),
        ({"visited_on": "2024-13-45", "kind": "home", "duration_minutes": "60"}, "Enter a valid date"),
        ({"visited_on": "2999-01-01", "kind": "home", "duration_minutes": "60"}, "must be today or in the past"),
        ({"visited_on": "2024-05-01", "kind": "home", "duration_minutes": "0"}, "greater than or equal to 1"),
        ({"visited_on": "2024-05-01", "kind": "home", "duration_minutes": "99999"}, "less than or equal to 720"),
        ({"visited_on": "2024-05-01", "kind": "spaceship", "duration_minutes": "60"}, "Select a valid choice"),
        (
            {"visited_on": "2024-05-01", "kind": "home", "duration_minutes": "60", "note_text": "x" * 10001},
            "at most 10000",
        ),
    ],
)
def test_bad_visit_input_shows_a_message_and_saves_nothing(client: Any, world: Any, data: dict, message: str) -> None:
    client.force_login(world.volunteer)
    response = client.post(reverse("families:visit_new", args=[world.family.pk]), data)
    assert response.status_code == 200
    assert message in response.content.decode()
    assert not Visit.objects.exists()


def test_volunteer_logs_a_visit_and_sees_it(client: Any, world: Any) -> None:
    client.force_login(world.volunteer)
    response = client.post(
        reverse("families:visit_new", args=[world.family.pk]),
        {
            "visited_on": TODAY().isoformat(),
            "kind": "phone",
            "duration_minutes": "30",
            "note_text": "Spoke with Grace.",
        },
        follow=True,
    )
    html = response.content.decode()
    assert "Visit to the Okafor family" in html and "saved" in html
    family_page = client.get(reverse("families:detail", args=[world.family.pk])).content.decode()
    assert "Spoke with Grace." in family_page
    assert "Private: only you and the family's coordinator can read your notes." in family_page


def test_family_page_for_a_volunteer_hides_coordinator_sections(client: Any, world: Any) -> None:
    log_visit(world.family, world.volunteer, note="own note")
    client.force_login(world.volunteer)
    html = client.get(reverse("families:detail", args=[world.family.pk])).content.decode()
    assert "Isolated after moving" not in html  # referral reasons are for coordinators
    assert reverse("families:end_support", args=[world.family.pk]) not in html
    assert "own note" in html


def test_coordinator_not_leading_the_family_sees_no_notes(client: Any, world: Any) -> None:
    log_visit(world.family, world.volunteer, note="private words")
    client.force_login(world.dsl)
    html = client.get(reverse("families:detail", args=[world.family.pk])).content.decode()
    assert "private words" not in html
    assert "Private notes" not in html


def test_search_finds_by_reference_name_and_postcode_without_spaces(client: Any, world: Any) -> None:
    make_family(world.coordinator, "Nowak", accept=False, postcode="PO3 5DD")
    client.force_login(world.dsl)
    for query in ("nowak", "PO35DD", "po3 5dd", world.family.reference, "Tobi"):
        html = client.post(reverse("families:list"), {"q": query}, follow=True).content.decode()
        assert "Families matching" in html
        assert ("Nowak" in html) or ("Okafor" in html), query
    searched = client.post(reverse("families:list"), {"q": "zzzz"}, follow=True).content.decode()
    assert "No families in your scheme match" in searched
