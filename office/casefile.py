"""The family's case file: the sections each app offers, in the order the page shows them."""

from dataclasses import dataclass
from typing import Any

from consents import sections as consent_sections
from families import sections as family_sections
from families.models import Family
from families.sections import CaseFileSection
from families.selectors import CaseFileReader, case_file_reader
from homestart.models import User
from office import sections as office_sections
from outcomes import sections as outcome_sections
from safeguarding import sections as safeguarding_sections
from volunteers import sections as volunteer_sections

SECTIONS: tuple[CaseFileSection, ...] = (
    family_sections.HEADER,
    safeguarding_sections.SAFEGUARDING,
    family_sections.DETAILS,
    family_sections.HOUSEHOLD,
    family_sections.REFERRAL,
    family_sections.ASSIGNMENTS,
    family_sections.SUPPORT_HISTORY,  # earlier referrals, support periods and volunteers, once the family came back
    outcome_sections.PROGRESS,  # outcome assessments as charts and a table: coordinators and the volunteer now
    consent_sections.CONSENTS,
    family_sections.VISITS,
    volunteer_sections.SUPERVISION,
    family_sections.ENDING,
    office_sections.RECORDS,  # who has seen the records, subject access, retention: coordinators and DSLs only
)


@dataclass(frozen=True)
class LoadedSection:
    """A section the reader may see, with the context its template partial renders."""

    name: str
    template: str
    context: dict[str, Any]


def case_file(
    user: User, family: Family, *, visits_page: str | None = None
) -> tuple[CaseFileReader, list[LoadedSection]]:
    """The reader's standing (worked out once) and, in page order, the sections they may see, loaded.

    Sections load in page order, so audited reads (concerns, notes, supervision) are recorded in that order.
    ``visits_page`` is the page of visits and notes asked for.
    """
    reader = case_file_reader(user, family, visits_page=visits_page)
    loaded = []
    for section in SECTIONS:
        context = section.load(user, family, reader)
        if context is not None:
            loaded.append(LoadedSection(section.name, section.template, context))
    return reader, loaded
