"""Subject access (SECURITY 24): the family's outcome assessments are in the export of everything held about them,
each score in its version's words with what the family said, and reading them for it is on the record."""

import datetime
import json
import zipfile
from io import BytesIO
from typing import Any

from django.utils import timezone

from homestart.models import AuditEntry
from office import subject_access
from outcomes.audit import OutcomeAuditEvent
from tests.outcomes.conftest import record

COMMENT = "Nights are better since the twins share a room."


def test_the_export_holds_the_familys_assessments(world: Any, framework: Any) -> None:
    assessment = record(
        world.family, world.volunteer, on=timezone.localdate() - datetime.timedelta(days=3), score=2, comment=COMMENT
    )
    export = subject_access.subject_access_export(family=world.family, actor=world.coordinator)
    held = json.loads(zipfile.ZipFile(BytesIO(export.content)).read("family.json"))
    [exported] = held["outcome_assessments"]
    assert exported["kind"] == "Start of support" and exported["framework_version"] == 1
    assert exported["took_part"] == ["Grace Okafor", "Volunteer Tester"]
    first = exported["scores"][0]
    assert (first["area"], first["need"], first["score"], first["out_of"]) == ("Parenting", "Everyday care", 2, 5)
    assert first["words"] == "This is hard for us more often than not" and first["comment"] == COMMENT
    assert held["export"]["counts"]["outcome_assessments"] == 1
    read = AuditEntry.objects.get(event=OutcomeAuditEvent.ASSESSMENT_READ)
    assert (read.actor, read.object_pk, read.family_pk) == (world.coordinator, str(assessment.pk), world.family.pk)
