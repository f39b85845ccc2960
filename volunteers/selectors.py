"""Reads about volunteers, their supervision and their group meetings that depend on who is asking.

Anything a user may not see behaves as if it did not exist. Supervision records are read through object
permissions only (no superuser or global bypass; docs/adr/0005).
"""

import datetime
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from django.db.models import (
    BooleanField,
    Count,
    ExpressionWrapper,
    F,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    Subquery,
    Value,
)
from django.db.models.functions import Coalesce
from django.http import Http404
from django.utils import timezone

from families.models import Assignment, Family
from families.selectors import object_permission_filter
from homestart.decorators import loads
from homestart.models import Role, User
from homestart.permissions import can_coordinate, is_case_worker, is_volunteer
from homestart.selectors import active_volunteers
from volunteers.models import (
    GroupMeeting,
    GroupMeetingAttendee,
    SupervisionAction,
    SupervisionFamily,
    SupervisionSession,
    VolunteerProfile,
)

VIEW_SESSION = "volunteers.view_supervisionsession"
VIEW_PART = "volunteers.view_supervisionfamily"


def dbs_renewals_due(user: User, within_days: int = 60) -> QuerySet[VolunteerProfile]:
    """Active volunteers in the coordinator's scheme whose DBS renewal falls due within ``within_days`` (or is past)."""
    if not can_coordinate(user):
        return VolunteerProfile.objects.none()
    horizon = timezone.localdate() + datetime.timedelta(days=within_days)
    return (
        VolunteerProfile.objects.filter(
            user__scheme_id=user.scheme_id,
            user__is_active=True,
            dbs_renewal_due__isnull=False,
            dbs_renewal_due__lte=horizon,
        )
        .select_related("user")
        .order_by("dbs_renewal_due")
    )


def own_profile(user: User) -> VolunteerProfile | None:
    """The user's own volunteer record, if they have one (by its key alone: the default ordering, by the volunteer's
    name, would join the user's row to sort the one row there is)."""
    return VolunteerProfile.objects.filter(user_id=user.pk).order_by("pk").first()


def get_profile_for_user_or_404(user: User, pk: Any) -> VolunteerProfile:
    """A volunteer's record, for a coordinator of their scheme only."""
    if not can_coordinate(user):
        raise Http404("No such volunteer")
    try:
        return VolunteerProfile.objects.select_related("user").get(pk=pk, user__scheme_id=user.scheme_id)
    except (VolunteerProfile.DoesNotExist, ValueError, TypeError):
        raise Http404("No such volunteer") from None


# --- Availability and supervision due dates --------------------------------------------------------------------


def supervision_cutoff(user: User) -> datetime.date:
    """Supervision held before this date is too long ago: the scheme's interval counted back from today."""
    return timezone.localdate() - datetime.timedelta(days=user.scheme.supervision_interval_days)


def _overdue_for_supervision(cutoff: datetime.date) -> Q:
    """Overdue: the last session was before the cutoff, or there was none and the volunteer joined before it."""
    joined_before = timezone.make_aware(datetime.datetime.combine(cutoff, datetime.time.min))
    return Q(last_supervised_on__lt=cutoff) | Q(last_supervised_on__isnull=True, date_joined__lt=joined_before)


def _last_supervised_on() -> Subquery:
    """The date of the volunteer's (``OuterRef("pk")``) most recent supervision session."""
    return Subquery(
        SupervisionSession.objects.filter(volunteer=OuterRef("pk")).order_by("-held_on").values("held_on")[:1]
    )


def _families_now() -> Coalesce:
    """How many families the volunteer (``OuterRef("pk")``) supports now."""
    current = (
        Assignment.objects.filter(volunteer=OuterRef("pk"), ended_on__isnull=True)
        .order_by()
        .values("volunteer")
        .annotate(n=Count("pk"))
        .values("n")
    )
    return Coalesce(Subquery(current), Value(0))


def _takes_new_family() -> Q:
    """A volunteer takes a new family when their record says they are available and they have fewer families now
    (``families_now``) than the most they said they would take at once."""
    return Q(volunteer_profile__available_for_new_family=True) & Q(
        families_now__lt=F("volunteer_profile__max_families")
    )


def _active_volunteers(user: User) -> QuerySet[User]:
    return active_volunteers(user.scheme_id).select_related("volunteer_profile").annotate(families_now=_families_now())


def volunteer_records(user: User, *, available_only: bool = False) -> QuerySet[User]:
    """Active volunteers of the coordinator's scheme, each with their current families, how many that is, whether
    they can take a new family, the date of their last supervision and whether it is overdue (constant queries)."""
    if not can_coordinate(user):
        return User.objects.none()
    volunteers = (
        _active_volunteers(user)
        .annotate(last_supervised_on=_last_supervised_on())
        .annotate(
            takes_new_family=ExpressionWrapper(_takes_new_family(), output_field=BooleanField()),
            supervision_overdue=ExpressionWrapper(
                _overdue_for_supervision(supervision_cutoff(user)), output_field=BooleanField()
            ),
        )
        .prefetch_related(
            Prefetch(
                "assignments",
                queryset=Assignment.objects.filter(ended_on__isnull=True).select_related("family"),
                to_attr="current_assignments",
            )
        )
    )
    if available_only:
        volunteers = volunteers.filter(takes_new_family=True)
    return volunteers


def volunteers_taking_new_family(user: User) -> QuerySet[User]:
    """Active volunteers of the coordinator's scheme who can take a new family, by name, each with how many families
    they support now (``families_now``): one query, for the dashboard."""
    if not can_coordinate(user):
        return User.objects.none()
    return _active_volunteers(user).filter(_takes_new_family())


def supervision_due_on(
    last_supervised_on: datetime.date | None, date_joined: datetime.datetime, interval_days: int
) -> datetime.date:
    """The day a volunteer's next one-to-one supervision is due: the scheme's interval after their last session,
    or after the day they joined when they have had none. Overdue once that day has passed."""
    return (last_supervised_on or timezone.localdate(date_joined)) + datetime.timedelta(days=interval_days)


def supervision_due_dates() -> Iterator[tuple[int, int, datetime.date]]:
    """Every active volunteer of every scheme, with their scheme and the day their supervision is due (one query):
    what the reminders read (volunteers.reminders)."""
    volunteers = (
        User.objects.filter(role=Role.VOLUNTEER, is_active=True)
        .annotate(last_supervised_on=_last_supervised_on())
        .values_list("pk", "scheme_id", "scheme__supervision_interval_days", "date_joined", "last_supervised_on")
    )
    for pk, scheme_id, interval_days, date_joined, last_supervised_on in volunteers:
        yield pk, scheme_id, supervision_due_on(last_supervised_on, date_joined, interval_days)


@dataclass(frozen=True)
class DueForSupervision:
    volunteer: User
    last_supervised_on: datetime.date | None
    due_on: datetime.date


def volunteers_due_for_supervision(user: User) -> list[DueForSupervision]:
    """Active volunteers of the coordinator's scheme overdue for one-to-one supervision, longest overdue first (one
    query). Due on the day the scheme's interval runs out after their last session (or after they joined)."""
    if not can_coordinate(user):
        return []
    interval = datetime.timedelta(days=user.scheme.supervision_interval_days)
    volunteers = (
        User.objects.filter(scheme_id=user.scheme_id, role=Role.VOLUNTEER, is_active=True)
        .select_related("volunteer_profile")
        .annotate(last_supervised_on=_last_supervised_on())
        .filter(_overdue_for_supervision(supervision_cutoff(user)))
    )
    due = [
        DueForSupervision(
            volunteer=volunteer,
            last_supervised_on=volunteer.last_supervised_on,
            due_on=supervision_due_on(volunteer.last_supervised_on, volunteer.date_joined, interval.days),
        )
        for volunteer in volunteers
    ]
    return sorted(due, key=lambda row: (row.due_on, str(row.volunteer)))


# --- One-to-one supervision (P9) ------------------------------------------------------------------------------


def supervision_sessions_for_user(user: User) -> QuerySet[SupervisionSession]:
    """Whole supervision records the user may read: only those they took part in, as volunteer or coordinator."""
    if not is_case_worker(user):
        return SupervisionSession.objects.none()
    return object_permission_filter(user, VIEW_SESSION, SupervisionSession.objects.filter(scheme_id=user.scheme_id))


def get_supervision_for_user_or_404(user: User, pk: Any) -> SupervisionSession:
    try:
        return supervision_sessions_for_user(user).select_related("volunteer", "coordinator").get(pk=pk)
    except (SupervisionSession.DoesNotExist, ValueError, TypeError):
        raise Http404("No such supervision record") from None


def supervision_parts_for_user(user: User) -> QuerySet[SupervisionFamily]:
    """Parts of supervision records about one family that the user may read: the session's volunteer and
    coordinator, and the family's lead coordinator."""
    if not is_case_worker(user):
        return SupervisionFamily.objects.none()
    parts = SupervisionFamily.objects.filter(session__scheme_id=user.scheme_id)
    return object_permission_filter(user, VIEW_PART, parts)


def supervision_parts_for_family(user: User, family: Family) -> QuerySet[SupervisionFamily]:
    """What was said about this family in supervision that the user may read, newest first, each with the actions
    agreed about the family in that session (``session.family_actions``)."""
    return (
        supervision_parts_for_user(user)
        .filter(family=family)
        .select_related("session__volunteer", "session__coordinator")
        .prefetch_related(
            Prefetch(
                "session__actions",
                queryset=SupervisionAction.objects.filter(family=family).order_by("due_on", "pk"),
                to_attr="family_actions",
            )
        )
        .order_by("-session__held_on", "-pk")
    )


def supervision_history(user: User) -> QuerySet[SupervisionSession]:
    """A volunteer's own supervision sessions, newest first, with the families discussed and open actions counted."""
    if not is_volunteer(user):
        return SupervisionSession.objects.none()
    return (
        supervision_sessions_for_user(user)
        .filter(volunteer_id=user.pk)
        .select_related("coordinator")
        .prefetch_related(Prefetch("families_discussed", queryset=SupervisionFamily.objects.select_related("family")))
        .annotate(open_actions=Count("actions", filter=Q(actions__done_on__isnull=True)))
        .order_by("-held_on", "-pk")
    )


def sessions_held(user: User) -> QuerySet[SupervisionSession]:
    """Supervision sessions the coordinator held, newest first, with how many families and open actions each has."""
    if not can_coordinate(user):
        return SupervisionSession.objects.none()
    return (
        supervision_sessions_for_user(user)
        .filter(coordinator_id=user.pk)
        .select_related("volunteer")
        .annotate(
            family_count=Count("families_discussed", distinct=True),
            open_actions=Count("actions", filter=Q(actions__done_on__isnull=True), distinct=True),
        )
        .order_by("-held_on", "-pk")
    )


def open_actions_for_volunteer(user: User) -> QuerySet[SupervisionAction]:
    """The actions agreed in a volunteer's own supervision that are not done yet, soonest due first."""
    if not is_volunteer(user):
        return SupervisionAction.objects.none()
    return (
        SupervisionAction.objects.filter(
            session__in=supervision_sessions_for_user(user).filter(volunteer_id=user.pk), done_on__isnull=True
        )
        .select_related("family", "session__coordinator")
        .order_by("due_on", "pk")
    )


def get_supervision_action_for_user_or_404(user: User, pk: Any) -> SupervisionAction:
    """An agreed action, for the two people of its session only."""
    try:
        return SupervisionAction.objects.select_related("session").get(
            pk=pk, session__in=supervision_sessions_for_user(user)
        )
    except (SupervisionAction.DoesNotExist, ValueError, TypeError):
        raise Http404("No such action") from None


def supervision_dates(volunteer: User) -> QuerySet[SupervisionSession]:
    """When a volunteer had supervision and with whom: dates only, for the scheme's coordinators (no notes)."""
    return SupervisionSession.objects.filter(volunteer=volunteer).select_related("coordinator").order_by("-held_on")


def families_ever_assigned(volunteer: User) -> QuerySet[Family]:
    """Families a volunteer is or was assigned to: the only families their supervision may discuss (P9)."""
    return (
        Family.objects.filter(scheme_id=volunteer.scheme_id, assignments__volunteer=volunteer)
        .distinct()
        .order_by("family_name", "reference")
    )


# --- Volunteer group meetings (P8) -----------------------------------------------------------------------------


def group_meetings_for_user(user: User) -> QuerySet[GroupMeeting]:
    """Group meetings the user may read: every meeting of the scheme for its coordinators; for a volunteer, the
    meetings they attended; nothing for anyone else."""
    if can_coordinate(user):
        return GroupMeeting.objects.filter(scheme_id=user.scheme_id)
    if is_volunteer(user):
        attended = GroupMeetingAttendee.objects.filter(volunteer_id=user.pk).values("meeting_id")
        return GroupMeeting.objects.filter(scheme_id=user.scheme_id, pk__in=attended)
    return GroupMeeting.objects.none()


def group_meeting_list(user: User) -> QuerySet[GroupMeeting]:
    return (
        group_meetings_for_user(user)
        .select_related("facilitator")
        .annotate(attendee_count=Count("attendances"))
        .order_by("-held_on", "-pk")
    )


def get_group_meeting_for_user_or_404(user: User, pk: Any) -> GroupMeeting:
    try:
        return (
            group_meetings_for_user(user)
            .select_related("facilitator")
            .prefetch_related(Prefetch("attendees", queryset=User.objects.order_by("first_name", "last_name")))
            .get(pk=pk)
        )
    except (GroupMeeting.DoesNotExist, ValueError, TypeError):
        raise Http404("No such meeting") from None


def get_group_meeting_to_edit_or_404(user: User, pk: Any) -> GroupMeeting:
    """A group meeting, for a coordinator of its scheme to correct."""
    if not can_coordinate(user):
        raise Http404("No such meeting")
    return get_group_meeting_for_user_or_404(user, pk)


# View decorators that load an object through its selector (404 for what the user may not open).
load_session = loads(get_supervision_for_user_or_404)
load_action = loads(get_supervision_action_for_user_or_404)
load_meeting = loads(get_group_meeting_for_user_or_404)
load_meeting_to_edit = loads(get_group_meeting_to_edit_or_404)
load_profile = loads(get_profile_for_user_or_404)
