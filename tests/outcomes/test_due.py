"""What is due, and where it shows: a start as support starts, a review after the version's interval, an end when
support ends; on the coordinator's dashboard, the volunteer's home and in the reminders, in constant queries."""

import datetime
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from families import services as family_services
from families.selectors import volunteer_families
from homestart.models import Role
from outcomes import reminders as outcome_reminders
from outcomes import selectors
from outcomes.models import AssessmentKind, FrameworkVersion
from tests.conftest import make_family, make_user
from tests.outcomes.conftest import record

TODAY = timezone.localdate()


def _day(days_ago: int) -> datetime.date:
    return TODAY - datetime.timedelta(days=days_ago)


def _due(user: Any, today: datetime.date = TODAY) -> list[tuple[str, str, datetime.date]]:
    """What is due for the user; for a volunteer, the same whether their families are found or passed in (as the
    volunteer's home passes the families it shows)."""
    found = [(d.family.family_name, d.kind, d.due_on) for d in selectors.assessments_due(user, today=today)]
    if user.role == Role.VOLUNTEER:
        families = list(volunteer_families(user))
        passed = selectors.assessments_due(user, families=families, today=today)
        assert [(d.family.family_name, d.kind, d.due_on) for d in passed] == found
    return found


def test_a_volunteer_with_no_supported_family_is_answered_without_a_query(
    world: Any, framework: FrameworkVersion, django_assert_num_queries: Any
) -> None:
    with django_assert_num_queries(0):
        assert selectors.assessments_due(world.volunteer, families=[]) == []
    family_services.family_end_support(family=world.family, ended_on=_day(2), reason="Done.", actor=world.coordinator)
    world.family.refresh_from_db()
    with django_assert_num_queries(0):
        assert selectors.assessments_due(world.volunteer, families=[world.family]) == []


def test_nothing_is_due_before_the_scheme_publishes_its_framework(world: Any) -> None:
    assert _due(world.coordinator) == [] and _due(world.volunteer) == []


def test_a_start_is_due_as_soon_as_support_starts(world: Any, framework: FrameworkVersion) -> None:
    started = world.family.support_started_on
    assert _due(world.coordinator) == [("Okafor", AssessmentKind.START, started)]
    assert _due(world.volunteer) == [("Okafor", AssessmentKind.START, started)]
    assert _due(world.dsl) == []  # the family's lead coordinator's, not every coordinator's
    assert _due(world.other_volunteer) == [] and _due(world.other_coordinator) == []
    assert _due(world.administrator) == []


def test_a_review_is_due_the_versions_interval_after_the_last_assessment(
    world: Any, framework: FrameworkVersion
) -> None:
    record(world.family, world.volunteer, on=_day(10))
    assert _due(world.coordinator) == []
    review_on = _day(10) + datetime.timedelta(days=183)
    assert _due(world.coordinator, today=review_on - datetime.timedelta(days=1)) == []
    assert _due(world.coordinator, today=review_on) == [("Okafor", AssessmentKind.REVIEW, review_on)]
    assert _due(world.volunteer, today=review_on) == [("Okafor", AssessmentKind.REVIEW, review_on)]
    progress = selectors.family_progress(world.family)
    assert (progress.next_due.kind, progress.next_due.due_on, progress.next_due.is_due) == ("review", review_on, False)


def test_an_end_assessment_is_due_when_support_ends_for_a_while(world: Any, framework: FrameworkVersion) -> None:
    record(world.family, world.volunteer, on=_day(10))
    family_services.family_end_support(family=world.family, ended_on=_day(2), reason="Done.", actor=world.coordinator)
    assert _due(world.coordinator) == [("Okafor", AssessmentKind.END, _day(2))]
    assert _due(world.volunteer) == []  # their assignment ended with support
    late = _day(2) + datetime.timedelta(days=selectors.END_ASSESSMENT_WINDOW_DAYS + 1)
    assert _due(world.coordinator, today=late) == []
    world.family.refresh_from_db()
    record(world.family, world.coordinator, kind=AssessmentKind.END, on=TODAY)
    assert _due(world.coordinator) == []


def test_support_that_ended_without_a_start_assessment_is_not_chased(world: Any, framework: FrameworkVersion) -> None:
    family_services.family_end_support(family=world.family, ended_on=_day(2), reason="Moved.", actor=world.coordinator)
    assert _due(world.coordinator) == []


def test_the_dashboard_and_the_volunteers_home_show_what_is_due(
    client: Any, world: Any, framework: FrameworkVersion
) -> None:
    client.force_login(world.coordinator)
    html = client.get(reverse("dashboard")).content.decode()
    assert 'id="outcomes-due-heading"' in html
    section = html[html.index('id="outcomes-due-heading"') :]
    section = section[: section.index("</section>")]
    assert "Okafor" in section and "Start assessment" in section
    assert reverse("outcomes:assessment_new", args=[world.family.pk]) in section

    client.force_login(world.volunteer)
    html = client.get(reverse("volunteers:home")).content.decode()
    assert "Outcome assessments to do with your families" in html
    assert "Start assessment" in html and reverse("outcomes:assessment_new", args=[world.family.pk]) in html

    record(world.family, world.volunteer, on=_day(1))
    assert "Outcome assessments to do" not in client.get(reverse("volunteers:home")).content.decode()


def _count(client: Any, url: str) -> int:
    client.get(url)
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries)


def test_what_is_due_costs_the_same_queries_for_2_families_as_for_20(client: Any, world: Any, framework: Any) -> None:
    volunteer_url, dashboard_url = reverse("volunteers:home"), reverse("dashboard")

    def measure() -> tuple[int, int]:
        client.force_login(world.volunteer)
        home = _count(client, volunteer_url)
        client.force_login(world.coordinator)
        return home, _count(client, dashboard_url)

    make_family(world.coordinator, "Second", volunteer=world.volunteer)
    small = measure()
    for i in range(18):
        family = make_family(world.coordinator, f"More{i:02d}", volunteer=world.volunteer)
        if i % 2:
            record(family, world.volunteer, on=_day(5))
    assert len(selectors.assessments_due(world.coordinator)) == 11
    assert measure() == small


def test_the_reminder_kinds_name_each_occasion_once(world: Any, framework: FrameworkVersion) -> None:
    second = make_user(world.scheme, "secondvolunteer", Role.VOLUNTEER)
    family_services.assignment_start(
        family=world.family, volunteer=second, started_on=_day(5), confirmed=True, actor=world.coordinator
    )
    key = f"outcome:{world.family.pk}:start:{world.family.support_started_on.isoformat()}"
    coordinators = list(outcome_reminders.reviews_due_for_coordinators(TODAY))
    volunteers = list(outcome_reminders.reviews_due_for_volunteers(TODAY))
    assert [(d.recipient_id, d.key) for d in coordinators] == [(world.coordinator.pk, key)]
    assert sorted((d.recipient_id, d.key) for d in volunteers) == sorted([(world.volunteer.pk, key), (second.pk, key)])
    # Recorded: the start is no longer due, and the review's occasion will have its own key.
    record(world.family, world.volunteer, on=_day(1))
    assert list(outcome_reminders.reviews_due_for_coordinators(TODAY)) == []
    later = list(outcome_reminders.reviews_due_for_coordinators(_day(1) + datetime.timedelta(days=183)))
    assert [d.key for d in later] == [
        f"outcome:{world.family.pk}:review:{(_day(1) + datetime.timedelta(days=183)).isoformat()}"
    ]


def test_the_reminders_due_runs_a_constant_number_of_queries(
    world: Any, framework: FrameworkVersion, django_assert_max_num_queries: Any
) -> None:
    for i in range(12):
        make_family(world.coordinator, f"Due{i:02d}", volunteer=world.volunteer)
    with django_assert_max_num_queries(2):
        assert len(list(outcome_reminders.reviews_due_for_coordinators(TODAY))) == 13
    with django_assert_max_num_queries(2):
        assert len(list(outcome_reminders.reviews_due_for_volunteers(TODAY))) == 13


@pytest.mark.parametrize("inactive", ["coordinator", "volunteer"])
def test_reminders_name_only_active_people(world: Any, framework: FrameworkVersion, inactive: str) -> None:
    from homestart.models import User

    User.objects.filter(pk=getattr(world, inactive).pk).update(is_active=False)
    kinds = {
        "coordinator": outcome_reminders.reviews_due_for_coordinators,
        "volunteer": outcome_reminders.reviews_due_for_volunteers,
    }
    assert list(kinds[inactive](TODAY)) == []
