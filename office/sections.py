"""The case-file sections the top floor offers itself: the records kept about the family.

``RECORDS`` gathers what a family's coordinator or the scheme's safeguarding lead may do with the records about the
family: see who has read or disclosed them, export them for a subject access request, and see how long they are
kept. Each part adds its own keys to the section's context (see ``_records``) and fills its own template partial.
"""

from typing import Any

from families.models import Family
from families.retention import retention_context
from families.sections import CaseFileSection
from families.selectors import CaseFileReader
from homestart.models import User
from office.permissions import can_see_records_about
from office.subject_access import subject_access_context


def _records(user: User, family: Family, reader: CaseFileReader) -> dict[str, Any] | None:
    """Shown only to the family's coordinators and the scheme's safeguarding leads; no query of its own."""
    if not can_see_records_about(user, family):
        return None
    context: dict[str, Any] = {"can_see_access": True}
    # Each part of the section adds its own keys here, one merge per part, with no query unless the part needs one
    # (the family page has a query cap: tests/homestart/test_query_counts.py). For example:
    #     context.update(subject_access_context(user, family))  # the subject access export button
    #     context.update(retention_context(user, family))  # how long the records are kept, and any hold
    context.update(subject_access_context(user, family))  # the subject access export link (no query)
    context.update(retention_context(user, family))  # when the records are anonymised, and any hold (two queries)
    return context


RECORDS = CaseFileSection("records", "office/_casefile_records.html", _records)
