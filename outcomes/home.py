"""What outcomes adds to the volunteer's home page (volunteers.home): the assessments due with their families."""

from typing import Any

from families.models import Family
from homestart.models import User
from outcomes import selectors
from volunteers import home


def _due(user: User, families: list[Family]) -> dict[str, Any] | None:
    """The assessments due now with the families the volunteer supports (at most one query), or nothing to show."""
    due = selectors.assessments_due(user, families=families)
    return {"due": due} if due else None


DUE_PANEL = home.HomePanel("outcomes_due", "outcomes/_home_due.html", _due)


def register() -> None:
    home.register(DUE_PANEL)
