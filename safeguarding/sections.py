"""The case-file section safeguarding offers: who may raise a concern, the concerns the reader may read, receipts."""

from typing import Any

from families.models import Family
from families.sections import CaseFileSection
from families.selectors import CaseFileReader
from homestart.models import User
from safeguarding.services import family_safeguarding_read


def _safeguarding(user: User, family: Family, reader: CaseFileReader) -> dict[str, Any]:
    # Always loaded: the partial hides itself when there is nothing to raise or show, and the read is audited.
    return {"safeguarding": family_safeguarding_read(family=family, reader=user, is_assigned=reader.is_assigned)}


SAFEGUARDING = CaseFileSection("safeguarding", "safeguarding/_family_section.html", _safeguarding)
