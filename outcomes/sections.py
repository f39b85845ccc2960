"""The case-file section outcomes offers: "Progress", the family's outcome assessments as charts and a table, for
the family's coordinators and the volunteer supporting the family now (one query, however many assessments)."""

from typing import Any

from families.models import Family
from families.sections import CaseFileSection
from families.selectors import CaseFileReader
from homestart.models import User
from outcomes import chart, selectors
from outcomes.permissions import can_print_worksheet, can_record_assessment, can_see_assessments


def _progress(user: User, family: Family, reader: CaseFileReader) -> dict[str, Any] | None:
    if not can_see_assessments(user, family, is_assigned=reader.is_assigned):
        return None
    progress = selectors.family_progress(family)
    return {
        "progress": progress,
        "charts": chart.progress_charts(progress),
        "due": progress.next_due,
        "can_record": can_record_assessment(user, family, is_assigned=reader.is_assigned),
        "can_print": can_print_worksheet(user, family, is_assigned=reader.is_assigned),
    }


PROGRESS = CaseFileSection("progress", "outcomes/_casefile_progress.html", _progress)
