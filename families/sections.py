"""The case-file section shape, and the sections families offers: header, details, household, referral,
volunteers, support history, visits, ending.

A family's case file is composed on the top floor (``office.casefile``) from sections each app offers. A section
names its template partial and loads that partial's context, or ``None`` when the reader may not see it; the
rules stay in the owning app's permissions and selectors.
"""

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from families import selectors, services
from families.models import Family, FamilyStatus
from families.permissions import can_correct_note, can_log_visit, can_refer_again, can_write_note
from families.selectors import CaseFileReader
from homestart.models import User

# Visits and notes without a visit, per page of the family's case file (``?visits_page=``).
VISITS_PER_PAGE = 20
MAX_VISITS_PAGE = 100_000  # beyond any family's history; keeps the offset far from the database's limits


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
        "can_rerefer": can_refer_again(user, family),
        "referrals": selectors.referrals_on_family(family) if reader.can_manage else [],
    }


def _details(user: User, family: Family, reader: CaseFileReader) -> dict[str, Any]:
    return {"can_manage": reader.can_manage}


def _household(user: User, family: Family, reader: CaseFileReader) -> dict[str, Any]:
    """Who lives in the household now, and who no longer does (kept as history, never deleted)."""
    members = selectors.members_on_family(family)
    return {
        "members": [member for member in members if member.left_on is None],
        "former_members": sorted(
            (member for member in members if member.left_on is not None), key=lambda m: (m.left_on, m.pk), reverse=True
        ),
        "can_manage": reader.can_manage,
    }


def _current_referral(family: Family) -> Any:
    referrals = selectors.referrals_on_family(family)
    return referrals[0] if referrals else None


def _referral(user: User, family: Family, reader: CaseFileReader) -> dict[str, Any] | None:
    """The referral the family is here on now; earlier ones are in the support history."""
    if not reader.can_manage:
        return None
    referrals = selectors.referrals_on_family(family)
    return {"referrals": referrals[:1], "earlier_referrals": len(referrals) - 1}


def _assignments(user: User, family: Family, reader: CaseFileReader) -> dict[str, Any] | None:
    """The volunteers since the current referral; those of earlier support periods are in the support history."""
    if not reader.can_manage:
        return None
    referral = _current_referral(family)
    everyone = selectors.assignments_on_family(family)
    assignments = [
        a for a in everyone if referral is None or a.ended_on is None or a.started_on >= referral.date_received
    ]
    return {
        "assignments": assignments,
        "earlier_assignments": len(everyone) - len(assignments),
        "can_assign": _support_open(family, reader),
    }


def _support_history(user: User, family: Family, reader: CaseFileReader) -> dict[str, Any] | None:
    """Every time the family came to the scheme, for its coordinators: shown once the family has come back."""
    if not reader.can_manage or len(selectors.referrals_on_family(family)) < 2:
        return None  # referred once: the referral and volunteers sections already tell the whole story
    return {"episodes": selectors.support_history(family)}


@dataclass(frozen=True)
class TimelinePage:
    """Where a page of visits and notes is: its number (1 is the newest), and whether newer and older pages exist."""

    number: int
    has_newer: bool
    has_older: bool

    @property
    def newer(self) -> int:
        return self.number - 1

    @property
    def older(self) -> int:
        return self.number + 1


def _page_number(value: str | None) -> int:
    """The page asked for, or the first page for anything that is not a page number."""
    try:
        number = int(value or 1)
    except ValueError:
        return 1
    return number if 1 <= number <= MAX_VISITS_PAGE else 1


def _visits(user: User, family: Family, reader: CaseFileReader) -> dict[str, Any]:
    """One page of visits (a volunteer sees only their own) and notes without a visit, newest first: each visit with
    the private note written after it, each note with its corrections under it. The same few queries on every page,
    however many visits there are; only the notes the page shows are read, and each read is audited."""
    timeline = selectors.visit_timeline(user, family, all_visits=reader.can_manage)
    number = _page_number(reader.visits_page)
    start = (number - 1) * VISITS_PER_PAGE
    # One row more than a page says whether there is an older page, without counting every visit (one query fewer).
    rows = list(timeline[start : start + VISITS_PER_PAGE + 1])
    page = TimelinePage(number=number, has_newer=number > 1, has_older=len(rows) > VISITS_PER_PAGE)
    rows = rows[:VISITS_PER_PAGE]
    visit_ids = [pk for entry, pk, _day, _at in rows if entry == selectors.TIMELINE_VISIT]
    note_ids = [pk for entry, pk, _day, _at in rows if entry == selectors.TIMELINE_NOTE]
    visits = {visit.pk: visit for visit in selectors.visits_for_family(family).filter(pk__in=visit_ids)}
    notes = services.case_notes_shown(family=family, reader=user, visit_ids=visit_ids, note_ids=note_ids)
    originals = {note.pk: note for note in notes if note.corrects_id is None}
    for note in originals.values():
        note.corrections_shown = []
        note.can_correct = can_correct_note(user, note, can_read=True)
    for note in notes:
        if note.corrects_id in originals:
            originals[note.corrects_id].corrections_shown.append(note)
    notes_by_visit = {note.visit_id: note for note in originals.values() if note.visit_id}
    entries = []
    for entry, pk, _day, _at in rows:
        if entry == selectors.TIMELINE_VISIT and pk in visits:
            visit = visits[pk]
            visit.private_note = notes_by_visit.get(pk)
            entries.append({"visit": visit})
        elif entry == selectors.TIMELINE_NOTE and pk in originals:
            entries.append({"note": originals[pk]})
    can_write = can_write_note(user, family, is_assigned=reader.is_assigned)
    return {
        "entries": entries,
        "visits_page": page,
        "show_notes": bool(notes) or reader.is_family_coordinator or reader.is_assigned,
        "can_manage": reader.can_manage,
        "can_log_visit": can_log_visit(user, family, is_assigned=reader.is_assigned),
        "can_write_note": can_write,
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
SUPPORT_HISTORY = CaseFileSection("support_history", "families/_casefile_support_history.html", _support_history)
