"""Outcomes' reminders: outcome assessments due (a start, a review, an end), for the family's coordinator and for
the volunteers supporting the family now. The rule for what is due is ``outcomes.selectors``' (module docstring)."""

import datetime
from collections.abc import Iterator

from django.urls import reverse
from django.utils.translation import ngettext

from homestart import reminders
from outcomes import selectors


def _key(due: selectors.DueAssessment) -> str:
    """One occasion: the family, which assessment, and from when (a review recorded moves the next one's date)."""
    return f"outcome:{due.family.pk}:{due.kind}:{due.due_on.isoformat()}"


def reviews_due_for_coordinators(today: datetime.date) -> Iterator[reminders.Due]:
    """Each assessment due, for the family's lead coordinator while their account is active (two queries)."""
    for due, _volunteers in selectors.assessments_due_everywhere(today):
        coordinator = due.family.lead_coordinator
        if coordinator is not None and coordinator.is_active:
            yield reminders.Due(coordinator.pk, _key(due))


def reviews_due_for_volunteers(today: datetime.date) -> Iterator[reminders.Due]:
    """Each assessment due while support runs, for every active volunteer assigned to the family now (two
    queries). An end assessment is the coordinator's: the volunteers' assignments ended with support."""
    for due, volunteers in selectors.assessments_due_everywhere(today):
        for volunteer_id in volunteers:
            yield reminders.Due(volunteer_id, _key(due))


COORDINATOR_REVIEWS_DUE = reminders.Kind(
    name="outcomes.reviews_due",
    label="Outcome assessments due for families you coordinate",
    recipients=reminders.Recipients.COORDINATORS,
    optional=True,
    due=reviews_due_for_coordinators,
    sentence=lambda count: (
        ngettext(
            "%(count)d family you coordinate is due an outcome assessment (a start, a review or the end)",
            "%(count)d families you coordinate are due an outcome assessment (a start, a review or the end)",
            count,
        )
        % {"count": count}
    ),
    link=lambda: reverse("dashboard") + "#outcomes-due-heading",
)

VOLUNTEER_REVIEWS_DUE = reminders.Kind(
    name="outcomes.volunteer_reviews_due",
    label="Outcome assessments due for the families you support",
    recipients=reminders.Recipients.VOLUNTEERS,
    optional=True,
    due=reviews_due_for_volunteers,
    sentence=lambda count: (
        ngettext(
            "%(count)d family you support is due an outcome assessment: do it with them at your next visit",
            "%(count)d families you support are due an outcome assessment: do it with them at your next visits",
            count,
        )
        % {"count": count}
    ),
    link=lambda: reverse("volunteers:home"),
)


def register() -> None:
    reminders.register(COORDINATOR_REVIEWS_DUE)
    reminders.register(VOLUNTEER_REVIEWS_DUE)
