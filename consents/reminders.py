"""The consents' reminders: consents coming up for review, and agency requests past their due date."""

import datetime
from collections.abc import Iterator

from django.urls import reverse
from django.utils.translation import ngettext

from consents.models import AgencyRequest, Consent, ConsentStatus
from consents.selectors import OPEN_REQUEST_STATUSES
from homestart import reminders
from homestart.models import Role

# A signed consent is a reminder this many days before its review date (the dashboard's "to review" list too).
REVIEW_NOTICE_DAYS = 30


def reviews_due(today: datetime.date) -> Iterator[reminders.Due]:
    """Each signed consent whose review date is within 30 days, for the family's coordinator (one query). Renewed,
    it has a new review date: a new item."""
    consents = Consent.objects.filter(
        status=ConsentStatus.SIGNED,
        review_on__gte=today,
        review_on__lte=today + datetime.timedelta(days=REVIEW_NOTICE_DAYS),
        family__lead_coordinator__isnull=False,
        family__lead_coordinator__is_active=True,
    ).values_list("pk", "review_on", "family__lead_coordinator_id")
    for pk, review_on, coordinator_id in consents:
        yield reminders.Due(coordinator_id, f"consent:{pk}:{review_on.isoformat()}")


def requests_overdue(today: datetime.date) -> Iterator[reminders.Due]:
    """Each open agency request past its due date (2 queries), for the family's coordinator when it is about a
    family; otherwise for the coordinator who recorded it, or, when they are no longer one, every coordinator of
    the scheme. A new due date agreed with the agency is a new item."""
    rows = list(
        AgencyRequest.objects.filter(status__in=OPEN_REQUEST_STATUSES, due_on__lt=today).values_list(
            "pk",
            "due_on",
            "scheme_id",
            "family__lead_coordinator_id",
            "family__lead_coordinator__is_active",
            "recorded_by_id",
            "recorded_by__role",
            "recorded_by__is_active",
        )
    )
    coordinators = reminders.coordinators_by_scheme(row[2] for row in rows)
    for pk, due_on, scheme_id, lead_id, lead_active, recorder_id, recorder_role, recorder_active in rows:
        key = f"request:{pk}:{due_on.isoformat()}"
        if lead_id is not None and lead_active:
            recipients = [lead_id]
        elif recorder_role == Role.COORDINATOR and recorder_active:
            recipients = [recorder_id]
        else:
            recipients = coordinators.get(scheme_id, [])
        for recipient in recipients:
            yield reminders.Due(recipient, key)


REVIEWS_DUE = reminders.Kind(
    name="consents.reviews_due",
    label=f"Consents due for review in the next {REVIEW_NOTICE_DAYS} days",
    recipients=reminders.Recipients.COORDINATORS,
    optional=True,
    due=reviews_due,
    sentence=lambda count: (
        ngettext(
            "%(count)d consent for a family you coordinate is due for review within %(days)d days",
            "%(count)d consents for families you coordinate are due for review within %(days)d days",
            count,
        )
        % {"count": count, "days": REVIEW_NOTICE_DAYS}
    ),
    link=lambda: reverse("dashboard") + "#consents-heading",
)

REQUESTS_OVERDUE = reminders.Kind(
    name="consents.requests_overdue",
    label="Agency requests past their due date",
    recipients=reminders.Recipients.COORDINATORS,
    optional=True,
    due=requests_overdue,
    sentence=lambda count: (
        ngettext(
            "%(count)d agency request is past its due date",
            "%(count)d agency requests are past their due date",
            count,
        )
        % {"count": count}
    ),
    link=lambda: reverse("consents:requests"),
)


def register() -> None:
    reminders.register(REVIEWS_DUE)
    reminders.register(REQUESTS_OVERDUE)
