"""The case-file section volunteers offers: what was said about the family in one-to-one supervision."""

from typing import Any

from families.models import Family
from families.sections import CaseFileSection
from families.selectors import CaseFileReader
from homestart.models import User
from volunteers.services import supervision_parts_read


def _supervision(user: User, family: Family, reader: CaseFileReader) -> dict[str, Any] | None:
    parts = supervision_parts_read(family=family, reader=user)
    return {"supervision_parts": parts} if parts else None


SUPERVISION = CaseFileSection("supervision", "volunteers/_family_supervision.html", _supervision)
