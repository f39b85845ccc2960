"""Retention: once a family's records are past their period, what the family said about each need is anonymised;
the scores stay for the scheme's figures, and a hold keeps everything."""

import datetime
from typing import Any

from django.utils import timezone

from families import services as family_services
from homestart import retention
from homestart.models import AuditEntry
from outcomes import retention as outcome_retention
from outcomes.models import Score
from tests.outcomes.conftest import record

TODAY = timezone.localdate()
SENTINEL = "Qwxcomment about the nights"


def _ended(world: Any) -> datetime.date:
    record(world.family, world.volunteer, on=TODAY - datetime.timedelta(days=10), comment=SENTINEL, score=2)
    family_services.family_end_support(
        family=world.family, ended_on=TODAY - datetime.timedelta(days=1), reason="Done.", actor=world.coordinator
    )
    return TODAY + datetime.timedelta(days=800)  # over 2 years later: past the 1-year period


def test_comments_are_anonymised_and_scores_kept_once_the_family_is_past_retention(world: Any, framework: Any) -> None:
    later = _ended(world)
    assert not outcome_retention.assessments_due(TODAY).exists()
    assert outcome_retention.assessments_due(later).count() == 1
    retention.run(today=later)
    assert set(Score.objects.values_list("comment", flat=True)) == {retention.ANONYMISED}
    assert set(Score.objects.values_list("value", flat=True)) == {2}
    assert not outcome_retention.assessments_due(later).exists()  # a second run finds nothing
    for entry in AuditEntry.objects.all():
        assert "Qwxcomment" not in f"{entry.changes} {entry.object_repr} {entry.additional_data}"


def test_a_hold_keeps_the_comments(world: Any, framework: Any) -> None:
    later = _ended(world)
    family_services.retention_hold_place(family=world.family, reason="A claim.", actor=world.coordinator)
    retention.run(today=later)
    assert set(Score.objects.values_list("comment", flat=True)) == {SENTINEL}
