"""The safeguarding reminder: a follow-up action past its due date, to the person who owns it. Mandatory."""

import datetime
from collections.abc import Iterator

from django.urls import reverse
from django.utils.translation import ngettext

from homestart import reminders
from homestart.models import Role
from safeguarding.models import ConcernStatus, FollowUp


def follow_ups_overdue(today: datetime.date) -> Iterator[reminders.Due]:
    """Each follow-up not done by its due date, on a concern still open, for its owner (one query). A new due date
    is a new item."""
    follow_ups = (
        FollowUp.objects.filter(done_on__isnull=True, due_on__lt=today, owner__is_active=True)
        .exclude(concern__status=ConcernStatus.CLOSED)
        .values_list("pk", "due_on", "owner_id")
    )
    for pk, due_on, owner_id in follow_ups:
        yield reminders.Due(owner_id, f"followup:{pk}:{due_on.isoformat()}")


FOLLOW_UPS_OVERDUE = reminders.Kind(
    name="safeguarding.follow_ups_overdue",
    label="Safeguarding follow-ups you own that are overdue",
    recipients=reminders.Recipients.OWNER,
    # Owners are those who may read the concern in full: the scheme's leads and the family's coordinator.
    roles=(Role.COORDINATOR,),
    optional=False,  # a child's safety may hang on it: never switched off
    due=follow_ups_overdue,
    sentence=lambda count: (
        ngettext(
            "%(count)d safeguarding follow-up you own is past its due date",
            "%(count)d safeguarding follow-ups you own are past their due date",
            count,
        )
        % {"count": count}
    ),
    link=lambda: reverse("safeguarding:dashboard"),
)


def register() -> None:
    reminders.register(FOLLOW_UPS_OVERDUE)
