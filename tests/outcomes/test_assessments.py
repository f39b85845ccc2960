"""Assessments: who may record and see them (a volunteer only for families assigned now), the order a support
period takes them in, and what the audit log keeps (never the family's comments)."""

import datetime
from typing import Any

import pytest
from django.urls import reverse
from django.utils import timezone

from families import services as family_services
from families.models import Assignment
from homestart.exceptions import ActionNotAllowed
from homestart.models import AuditEntry
from outcomes import services
from outcomes.audit import OutcomeAuditEvent
from outcomes.models import Assessment, AssessmentKind, FrameworkVersion, Score
from tests.conftest import make_family
from tests.outcomes.conftest import record

SENTINEL = "Zanzibar-comment-7731 about Tobi's nights"
TODAY = timezone.localdate()


def _day(days_ago: int) -> datetime.date:
    return TODAY - datetime.timedelta(days=days_ago)


def _end_assignment(world: Any) -> None:
    assignment = Assignment.objects.get(family=world.family, volunteer=world.volunteer, ended_on__isnull=True)
    family_services.assignment_end(assignment=assignment, ended_on=TODAY, actor=world.coordinator)


@pytest.mark.parametrize("who", ["volunteer", "coordinator", "dsl"])
def test_the_volunteer_assigned_now_and_the_schemes_coordinators_record_assessments(
    world: Any, framework: FrameworkVersion, who: str
) -> None:
    actor = getattr(world, who)
    assessment = record(world.family, actor, on=_day(5))
    assert (assessment.recorded_by, assessment.version, assessment.kind) == (actor, framework, AssessmentKind.START)
    assert assessment.scores.count() == 13
    assert list(assessment.staff.all()) == [actor]


@pytest.mark.parametrize("who", ["other_volunteer", "other_coordinator", "administrator"])
def test_nobody_else_records_one(world: Any, framework: FrameworkVersion, who: str) -> None:
    with pytest.raises(ActionNotAllowed, match="Only the volunteer supporting this family now"):
        record(world.family, getattr(world, who))
    assert not Assessment.objects.exists()


def test_a_volunteer_whose_assignment_ended_can_neither_record_nor_see_them(
    client: Any, world: Any, framework: FrameworkVersion
) -> None:
    assessment = record(world.family, world.volunteer, on=_day(5))
    client.force_login(world.volunteer)
    detail = reverse("outcomes:assessment_detail", args=[world.family.pk, assessment.pk])
    assert client.get(detail).status_code == 200
    assert client.get(reverse("outcomes:assessment_new", args=[world.family.pk])).status_code == 200

    _end_assignment(world)
    # The next request of the same session: gone.
    assert client.get(detail).status_code == 404
    assert client.get(reverse("outcomes:assessment_new", args=[world.family.pk])).status_code == 404
    assert client.get(reverse("outcomes:worksheet", args=[world.family.pk])).status_code == 404
    with pytest.raises(ActionNotAllowed):
        record(world.family, world.volunteer, kind=AssessmentKind.REVIEW)
    # Nor does the progress show on any page they can still open.
    home = client.get(reverse("volunteers:home")).content.decode()
    assert world.family.family_name not in home


@pytest.mark.parametrize(
    ("who", "sees"),
    [
        ("coordinator", True),
        ("dsl", True),
        ("volunteer", True),
        ("other_volunteer", False),
        ("other_coordinator", False),
        ("administrator", False),
    ],
)
def test_who_sees_an_assessment(client: Any, world: Any, framework: FrameworkVersion, who: str, sees: bool) -> None:
    assessment = record(world.family, world.volunteer, on=_day(5), comment=SENTINEL)
    client.force_login(getattr(world, who))
    response = client.get(reverse("outcomes:assessment_detail", args=[world.family.pk, assessment.pk]))
    assert response.status_code == (200 if sees else 404)
    assert (SENTINEL.replace("'", "&#x27;") in response.content.decode()) is sees
    family_page = client.get(reverse("families:detail", args=[world.family.pk]))
    if family_page.status_code == 200:
        assert ('id="progress-heading"' in family_page.content.decode()) is sees


def test_another_schemes_assessment_is_not_found_through_this_family(client: Any, world: Any, framework: Any) -> None:
    other = make_family(world.coordinator, "Nowak", volunteer=world.volunteer)
    assessment = record(other, world.volunteer, on=_day(5))
    client.force_login(world.coordinator)
    # The assessment exists, but not under this family's address.
    assert client.get(reverse("outcomes:assessment_detail", args=[world.family.pk, assessment.pk])).status_code == 404


def test_reading_an_assessment_is_on_the_record(client: Any, world: Any, framework: FrameworkVersion) -> None:
    assessment = record(world.family, world.volunteer, on=_day(5))
    client.force_login(world.coordinator)
    client.get(reverse("outcomes:assessment_detail", args=[world.family.pk, assessment.pk]))
    entry = AuditEntry.objects.get(event=OutcomeAuditEvent.ASSESSMENT_READ)
    assert (entry.actor, entry.family_pk, entry.object_pk) == (world.coordinator, world.family.pk, str(assessment.pk))


def test_the_familys_comments_never_reach_the_audit_log(world: Any, framework: FrameworkVersion) -> None:
    """SECURITY 19: comments are private free text, masked like a note's text."""
    assessment = record(world.family, world.volunteer, on=_day(5), comment=SENTINEL)
    assert Score.objects.filter(assessment=assessment, comment=SENTINEL).count() == 13
    entries = AuditEntry.objects.filter(event=OutcomeAuditEvent.ASSESSMENT_RECORDED)
    assert entries.filter(family_pk=world.family.pk).count() == entries.count() >= 15  # assessment, 13 scores, people
    for entry in AuditEntry.objects.all():
        text = f"{entry.changes} {entry.object_repr} {entry.additional_data}"
        assert "Zanzibar" not in text
    score_entry = entries.filter(content_type__model="score").first()
    assert score_entry.changes["comment"][1] == "[not recorded]"
    members = entries.get(changes__has_key="members")
    assert members.changes["members"]["added"] == [world.family.members.order_by("pk").first().pk]


def test_a_support_period_takes_a_start_then_reviews_then_one_end(world: Any, framework: FrameworkVersion) -> None:
    with pytest.raises(ActionNotAllowed, match="start assessment first"):
        record(world.family, world.volunteer, kind=AssessmentKind.REVIEW, on=_day(5))
    record(world.family, world.volunteer, on=_day(10))
    with pytest.raises(ActionNotAllowed, match="already recorded. Choose a review"):
        record(world.family, world.volunteer, kind=AssessmentKind.START, on=_day(5))
    record(world.family, world.volunteer, kind=AssessmentKind.REVIEW, on=_day(6))
    record(world.family, world.volunteer, kind=AssessmentKind.REVIEW, on=_day(4))
    record(world.family, world.volunteer, kind=AssessmentKind.END, on=_day(2))
    with pytest.raises(ActionNotAllowed, match="nothing more can be added"):
        record(world.family, world.volunteer, kind=AssessmentKind.REVIEW, on=_day(1))
    assert list(Assessment.objects.values_list("kind", flat=True)) == ["start", "review", "review", "end"]


@pytest.mark.parametrize(
    ("on", "message"),
    [
        (1, "in the future"),  # tomorrow
        (-25, "before support started"),  # support started 20 days ago
        (-10, "after the family's last assessment"),  # the start was 10 days ago
    ],
)
def test_dates_must_follow_the_support_and_the_last_assessment(
    world: Any, framework: FrameworkVersion, on: int, message: str
) -> None:
    record(world.family, world.volunteer, on=_day(10))
    with pytest.raises(ActionNotAllowed, match=message):
        record(world.family, world.volunteer, kind=AssessmentKind.REVIEW, on=TODAY + datetime.timedelta(days=on))
    assert Assessment.objects.count() == 1


def test_who_took_part_must_be_the_household_and_the_familys_people(world: Any, framework: FrameworkVersion) -> None:
    other = make_family(world.coordinator, "Nowak")
    stranger = other.members.first()
    with pytest.raises(ActionNotAllowed, match="household now"):
        record(world.family, world.volunteer, members=[stranger])
    with pytest.raises(ActionNotAllowed, match="who from the family"):
        record(world.family, world.volunteer, members=[])
    member = world.family.members.first()
    family_services.household_member_leave(member=member, left_on=TODAY, actor=world.coordinator)
    with pytest.raises(ActionNotAllowed, match="household now"):
        record(world.family, world.volunteer, members=[member])
    version = framework
    scores = {
        need.pk: services.ScoreGiven(3)
        for area in FrameworkVersion.objects.get(pk=version.pk).areas.all()
        for need in area.needs.all()
    }
    with pytest.raises(ActionNotAllowed, match="scheme's people from the list"):
        services.assessment_record(
            family=world.family,
            kind=AssessmentKind.START,
            assessed_on=TODAY,
            scores=scores,
            members=list(world.family.members.filter(left_on__isnull=True)),
            staff=[world.other_volunteer],
            actor=world.volunteer,
        )
    assert not Assessment.objects.exists()


def test_scores_must_be_on_the_scale_and_at_least_one_given(world: Any, framework: FrameworkVersion) -> None:
    with pytest.raises(ActionNotAllowed, match="from 1 to 5"):
        record(world.family, world.volunteer, score=6)
    with pytest.raises(ActionNotAllowed, match="at least one need"):
        record(world.family, world.volunteer, score=None)
    partial = record(world.family, world.volunteer, score={"parenting": None}, on=_day(3))
    assert partial.scores.filter(value__isnull=True).count() == 4


def test_after_support_ends_the_coordinator_records_the_end_assessment(world: Any, framework: FrameworkVersion) -> None:
    record(world.family, world.volunteer, on=_day(10))
    family_services.family_end_support(
        family=world.family, ended_on=_day(1), reason="Goals met.", actor=world.coordinator
    )
    world.family.refresh_from_db()
    with pytest.raises(ActionNotAllowed):
        record(world.family, world.volunteer, kind=AssessmentKind.END)
    end = record(world.family, world.coordinator, kind=AssessmentKind.END, on=TODAY)
    assert end.support_period_id == Assessment.objects.get(kind=AssessmentKind.START).support_period_id


def test_a_family_that_comes_back_starts_again(world: Any, framework: FrameworkVersion) -> None:
    from families.models import ReferralOutcome

    record(world.family, world.volunteer, on=_day(15))
    family_services.family_end_support(family=world.family, ended_on=_day(12), reason="Moved.", actor=world.coordinator)
    referral = family_services.referral_rerefer(
        family=world.family, referrer=None, date_received=_day(11), reasons="Back.", actor=world.coordinator
    )
    family_services.referral_decide(referral=referral, outcome=ReferralOutcome.ACCEPTED, actor=world.coordinator)
    family_services.assignment_start(
        family=world.family, volunteer=world.volunteer, started_on=_day(10), actor=world.coordinator
    )
    world.family.refresh_from_db()
    again = record(world.family, world.volunteer, on=_day(5))
    assert again.kind == AssessmentKind.START
    assert Assessment.objects.values("support_period").distinct().count() == 2
