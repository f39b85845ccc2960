"""Volunteers' part of retention (homestart.retention): two rules.

- A volunteer who left (their account deactivated) is anonymised ``RETENTION["volunteer_years"]`` after the last
  day they were active for the scheme: their name, contact details, DBS certificate number, availability and the
  general notes and actions of their supervision. The account's row stays, so visits and supervision still count.
- What supervision says about a family (the family's part of a session, actions about it) follows the family's
  retention, not the volunteer's (``families.retention.families_past_retention``): it is about the family.

The product marks a volunteer who left only by deactivating the account (``homestart.services.user_deactivate``),
which records no date on the account. The day they left is therefore taken as the last day the records show them
active: their last sign-in, the last day of an assignment, their last visit, supervision or group meeting (and the
day the account was made, for someone who never did anything). It is never later than the day they really left.
"""

import datetime

from django.db.models import CharField, DateField, Exists, F, OuterRef, Q, QuerySet, Subquery, Value
from django.db.models.expressions import Expression
from django.db.models.functions import Cast, Coalesce, Concat, Greatest, TruncDate

from families import retention as family_retention
from families.models import Assignment, Family, Visit
from homestart import retention
from homestart.models import Role, User
from volunteers.models import GroupMeetingAttendee, SupervisionAction, SupervisionFamily, SupervisionSession


def _latest(queryset: QuerySet, field: str) -> Subquery:
    return Subquery(queryset.order_by(F(field).desc(nulls_last=True)).values(field)[:1], output_field=DateField())


def last_active_on() -> Expression:
    """For a volunteer's account (``OuterRef("pk")``): the last day the records show them active for the scheme."""
    joined = TruncDate("date_joined")
    mine = {"volunteer": OuterRef("pk")}
    days = [
        TruncDate("last_login"),
        _latest(Assignment.objects.filter(**mine), "ended_on"),
        _latest(Visit.objects.filter(**mine), "visited_on"),
        _latest(SupervisionSession.objects.filter(**mine), "held_on"),
        _latest(GroupMeetingAttendee.objects.filter(**mine), "meeting__held_on"),
    ]
    # Greatest is NULL on SQLite when any argument is: each defaults to the day the account was made.
    return Greatest(
        joined, *(Coalesce(day, joined, output_field=DateField()) for day in days), output_field=DateField()
    )


def volunteers_due(today: datetime.date) -> QuerySet[User]:
    """Volunteers who left (deactivated, with no open assignment) more than ``RETENTION["volunteer_years"]`` ago,
    by the last day they were active, and not anonymised yet."""
    years = retention.period("volunteer_years")
    return (
        User.objects.filter(role=Role.VOLUNTEER, is_active=False)
        .exclude(username=Concat(Value(retention.ANONYMISED_USERNAME_PREFIX), Cast("pk", output_field=CharField())))
        .exclude(Exists(Assignment.objects.filter(volunteer=OuterRef("pk"), ended_on__isnull=True)))
        .annotate(left_on=last_active_on())
        .filter(left_on__lte=retention.cutoff(today, years))
        .order_by("pk")
    )


def _supervision_not_anonymised() -> Q:
    parts = SupervisionFamily.objects.filter(family=OuterRef("pk")).exclude(notes__in=["", retention.ANONYMISED])
    actions = SupervisionAction.objects.filter(family=OuterRef("pk")).exclude(text=retention.ANONYMISED)
    return Q(Exists(parts)) | Q(Exists(actions))


def families_with_supervision_due(today: datetime.date) -> QuerySet[Family]:
    """Families past retention that supervision still says something about (their part, actions about them)."""
    return family_retention.families_past_retention(today).filter(_supervision_not_anonymised()).order_by("pk")


def _anonymise_volunteer(volunteer: User, *, today: datetime.date, actor: User | None) -> bool:
    from volunteers import services

    return services.volunteer_anonymise(volunteer=volunteer, today=today, actor=actor)


def _anonymise_supervision(family: Family, *, today: datetime.date, actor: User | None) -> bool:
    from volunteers import services

    return services.supervision_about_family_anonymise(family=family, today=today, actor=actor)


VOLUNTEER_RULE = retention.Rule(
    name="volunteers",
    label="Volunteers who left: name, contact details, DBS number, supervision notes",
    due=volunteers_due,
    reference=lambda volunteer: f"Volunteer account #{volunteer.pk}",
    anonymise=_anonymise_volunteer,
)

SUPERVISION_RULE = retention.Rule(
    name="supervision_about_families",
    label="Supervision notes and actions about families",
    due=families_with_supervision_due,
    reference=lambda family: family.reference,
    anonymise=_anonymise_supervision,
)


def register() -> None:
    retention.register(VOLUNTEER_RULE)
    retention.register(SUPERVISION_RULE)
