"""The case-file section shape, and the sections families offers: header, details, household, referral, visits, ending.

A family's case file is composed on the top floor (``office.casefile``) from sections each app offers. A section
names its template partial and loads that partial's context, or ``None`` when the reader may not see it; the
rules stay in the owning app's permissions and selectors.
"""

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from families import selectors, services
from families.models import Family, FamilyStatus
from families.permissions import can_log_visit
from families.selectors import CaseFileReader
from homestart.models import User

VISITS_SHOWN = 50


@dataclass(frozen=True)
class CaseFileSection:
    """One section of a family's case file: its name, its template partial and what loads the partial's context."""

    name: str
    template: str
    load: Callable[[User, Family, CaseFileReader], dict[str, Any] | None]


def _support_open(family: Family, reader: CaseFileReader) -> bool:
    """Whether the reader may assign a volunteer or end support: a manager, while support is awaited or running."""
    return reader.can_manage and family.status in (FamilyStatus.AWAITING_VOLUNTEER, FamilyStatus.SUPPORTED)


def _header(user: User, family: Family, reader: CaseFileReader) -> dict[str, Any]:
    return {
        "can_log_visit": can_log_visit(user, family, is_assigned=reader.is_assigned),
        "can_assign": _support_open(family, reader),
        "referrals": selectors.referrals_on_family(family) if reader.can_manage else [],
    }


def _details(user: User, family: Family, reader: CaseFileReader) -> dict[str, Any]:
    return {"can_manage": reader.can_manage}


def _household(user: User, family: Family, reader: CaseFileReader) -> dict[str, Any]:
    return {"members": family.members.all()}


def _referral(user: User, family: Family, reader: CaseFileReader) -> dict[str, Any] | None:
    if not reader.can_manage:
        return None
    return {"referrals": selectors.referrals_on_family(family)}


def _assignments(user: User, family: Family, reader: CaseFileReader) -> dict[str, Any] | None:
    if not reader.can_manage:
        return None
    return {"assignments": selectors.assignment_history(family), "can_assign": _support_open(family, reader)}


def _visits(user: User, family: Family, reader: CaseFileReader) -> dict[str, Any]:
    """Visits (a volunteer sees only their own) with the private note written after each, and earlier notes."""
    visits = selectors.visits_for_family(family)
    if not reader.can_manage:
        visits = visits.filter(volunteer=user)
    visits = list(visits[:VISITS_SHOWN])
    notes = services.case_notes_read(family=family, reader=user, limit=VISITS_SHOWN)
    notes_by_visit = {note.visit_id: note for note in notes if note.visit_id}
    for visit in visits:
        visit.private_note = notes_by_visit.pop(visit.pk, None)
    return {
        "visits": visits,
        "other_notes": [note for note in notes if note.visit_id is None or note.visit_id in notes_by_visit],
        "show_notes": bool(notes) or reader.is_family_coordinator or reader.is_assigned,
        "can_manage": reader.can_manage,
        "can_log_visit": can_log_visit(user, family, is_assigned=reader.is_assigned),
        "is_family_coordinator": reader.is_family_coordinator,
    }


def _ending(user: User, family: Family, reader: CaseFileReader) -> dict[str, Any] | None:
    return {} if _support_open(family, reader) else None


HEADER = CaseFileSection("header", "families/_casefile_header.html", _header)
DETAILS = CaseFileSection("details", "families/_casefile_details.html", _details)
HOUSEHOLD = CaseFileSection("household", "families/_casefile_household.html", _household)
REFERRAL = CaseFileSection("referral", "families/_casefile_referral.html", _referral)
ASSIGNMENTS = CaseFileSection("assignments", "families/_casefile_assignments.html", _assignments)
VISITS = CaseFileSection("visits", "families/_casefile_visits.html", _visits)
ENDING = CaseFileSection("ending", "families/_casefile_ending.html", _ending)
