"""The families' reminder: a family with a volunteer and no visit logged for a while, to its coordinator."""

import datetime
from collections.abc import Iterator

from django.urls import reverse
from django.utils.translation import ngettext

from families import selectors
from families.models import Family
from homestart import reminders


def no_recent_visit_due(today: datetime.date) -> Iterator[reminders.Due]:
    """Each family being supported with no visit logged in more than 14 days, for its coordinator (one query). A
    visit logged starts the count again, so the next lapse is a new item."""
    families = selectors.without_recent_visit(
        Family.objects.filter(lead_coordinator__isnull=False, lead_coordinator__is_active=True), today
    )
    for pk, coordinator_id, since in families.values_list("pk", "lead_coordinator_id", "visits_since"):
        yield reminders.Due(coordinator_id, f"novisit:{pk}:{since.isoformat()}")


NO_RECENT_VISIT = reminders.Kind(
    name="families.no_recent_visit",
    label=f"Families with no visit logged in more than {selectors.VISIT_GAP_DAYS} days",
    recipients=reminders.Recipients.COORDINATORS,
    optional=True,
    due=no_recent_visit_due,
    sentence=lambda count: (
        ngettext(
            "%(count)d family you coordinate has had no visit logged in more than %(days)d days",
            "%(count)d families you coordinate have had no visit logged in more than %(days)d days",
            count,
        )
        % {"count": count, "days": selectors.VISIT_GAP_DAYS}
    ),
    link=lambda: f"{reverse('families:list')}?visits={selectors.WITHOUT_VISITS}",
)


def register() -> None:
    reminders.register(NO_RECENT_VISIT)
