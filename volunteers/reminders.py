"""The volunteers' reminders: DBS renewals coming up and supervision due, to the scheme's coordinators and to the
volunteer themself."""

import datetime
from collections.abc import Iterator

from django.urls import reverse
from django.utils.translation import ngettext

from homestart import reminders
from homestart.models import Role
from volunteers import selectors
from volunteers.models import VolunteerProfile

# The steps before a DBS renewal date at which it is sent: once when 60 days or fewer are left, again at 30, again
# at 7 (a date already past counts as the last step). A new renewal date starts again.
DBS_STEPS = (7, 30, 60)
# A volunteer is told their supervision is due this many days before the scheme's interval runs out.
SUPERVISION_NOTICE_DAYS = 7


def dbs_step(renewal_due: datetime.date, today: datetime.date) -> int | None:
    """The step a renewal date is at on ``today`` (60, 30 or 7), or None while more than 60 days are left."""
    days_left = (renewal_due - today).days
    return next((step for step in DBS_STEPS if days_left <= step), None)


def _dbs_renewals(today: datetime.date) -> Iterator[tuple[int, int, str]]:
    """Active volunteers whose DBS renewal is at a step today: (volunteer pk, scheme pk, key), one query."""
    profiles = VolunteerProfile.objects.filter(
        user__is_active=True,
        user__role=Role.VOLUNTEER,
        dbs_renewal_due__isnull=False,
        dbs_renewal_due__lte=today + datetime.timedelta(days=max(DBS_STEPS)),
    ).values_list("user_id", "user__scheme_id", "dbs_renewal_due")
    for volunteer_pk, scheme_id, renewal_due in profiles:
        step = dbs_step(renewal_due, today)
        yield volunteer_pk, scheme_id, f"dbs:{volunteer_pk}:{renewal_due.isoformat()}:{step}"


def dbs_renewals_due(today: datetime.date) -> Iterator[reminders.Due]:
    """Each volunteer's DBS renewal at 60, 30 and 7 days before it, for every coordinator of their scheme (2 queries)."""
    renewals = list(_dbs_renewals(today))
    coordinators = reminders.coordinators_by_scheme(scheme_id for _pk, scheme_id, _key in renewals)
    for _volunteer_pk, scheme_id, key in renewals:
        for coordinator_pk in coordinators.get(scheme_id, []):
            yield reminders.Due(coordinator_pk, key)


def own_dbs_renewal_due(today: datetime.date) -> Iterator[reminders.Due]:
    """The volunteer's own DBS renewal at 60, 30 and 7 days before it (one query)."""
    for volunteer_pk, _scheme_id, key in _dbs_renewals(today):
        yield reminders.Due(volunteer_pk, key)


def supervision_overdue(today: datetime.date) -> Iterator[reminders.Due]:
    """Each volunteer whose supervision is overdue, for every coordinator of their scheme (2 queries). A session
    held moves the due day, so the next time it is overdue is a new item."""
    overdue = [(pk, scheme_id, due_on) for pk, scheme_id, due_on in selectors.supervision_due_dates() if due_on < today]
    coordinators = reminders.coordinators_by_scheme(scheme_id for _pk, scheme_id, _due in overdue)
    for volunteer_pk, scheme_id, due_on in overdue:
        for coordinator_pk in coordinators.get(scheme_id, []):
            yield reminders.Due(coordinator_pk, f"supervision:{volunteer_pk}:{due_on.isoformat()}")


def own_supervision_due(today: datetime.date) -> Iterator[reminders.Due]:
    """The volunteer's own supervision, from a week before it is due (one query)."""
    notice = today + datetime.timedelta(days=SUPERVISION_NOTICE_DAYS)
    for volunteer_pk, _scheme_id, due_on in selectors.supervision_due_dates():
        if due_on <= notice:
            yield reminders.Due(volunteer_pk, f"supervision:{volunteer_pk}:{due_on.isoformat()}")


DBS_RENEWALS = reminders.Kind(
    name="volunteers.dbs_renewals",
    label="Volunteers' DBS renewals (60, 30 and 7 days before)",
    recipients=reminders.Recipients.COORDINATORS,
    optional=False,  # a volunteer whose DBS check has lapsed cannot support a family
    due=dbs_renewals_due,
    sentence=lambda count: (
        ngettext(
            "%(count)d volunteer's DBS check is due for renewal within 60 days",
            "%(count)d volunteers' DBS checks are due for renewal within 60 days",
            count,
        )
        % {"count": count}
    ),
    link=lambda: reverse("dashboard") + "#dbs-heading",
)

OWN_DBS_RENEWAL = reminders.Kind(
    name="volunteers.own_dbs_renewal",
    label="Your DBS renewal (60, 30 and 7 days before)",
    recipients=reminders.Recipients.VOLUNTEERS,
    optional=False,  # without a DBS check in date a volunteer cannot be assigned a family
    due=own_dbs_renewal_due,
    sentence=lambda count: "Your DBS check is due for renewal within 60 days. Your coordinator will help you renew it",
    link=lambda: reverse("volunteers:home"),
)

SUPERVISION_OVERDUE = reminders.Kind(
    name="volunteers.supervision_overdue",
    label="Volunteers overdue for one-to-one supervision",
    recipients=reminders.Recipients.COORDINATORS,
    optional=True,
    due=supervision_overdue,
    sentence=lambda count: (
        ngettext(
            "%(count)d volunteer is overdue for one-to-one supervision",
            "%(count)d volunteers are overdue for one-to-one supervision",
            count,
        )
        % {"count": count}
    ),
    link=lambda: reverse("dashboard") + "#supervision-due-heading",
)

OWN_SUPERVISION_DUE = reminders.Kind(
    name="volunteers.own_supervision_due",
    label="Your one-to-one supervision is due",
    recipients=reminders.Recipients.VOLUNTEERS,
    optional=True,
    due=own_supervision_due,
    sentence=lambda count: "Your one-to-one supervision is due. Arrange a time with your coordinator",
    link=lambda: reverse("volunteers:my_supervision"),
)


def register() -> None:
    for kind in (DBS_RENEWALS, OWN_DBS_RENEWAL, SUPERVISION_OVERDUE, OWN_SUPERVISION_DUE):
        reminders.register(kind)
