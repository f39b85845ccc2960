"""Reads about volunteers that depend on who is asking."""

import datetime
from typing import Any

from django.db.models import QuerySet
from django.http import Http404
from django.utils import timezone

from homestart.permissions import can_coordinate
from volunteers.models import VolunteerProfile


def dbs_renewals_due(user: Any, within_days: int = 60) -> QuerySet[VolunteerProfile]:
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


def own_profile(user: Any) -> VolunteerProfile | None:
    return VolunteerProfile.objects.filter(user_id=user.pk).first()


def get_profile_for_user_or_404(user: Any, pk: Any) -> VolunteerProfile:
    """A volunteer's record, for a coordinator of their scheme only."""
    if not can_coordinate(user):
        raise Http404("No such volunteer")
    try:
        return VolunteerProfile.objects.select_related("user").get(pk=pk, user__scheme_id=user.scheme_id)
    except (VolunteerProfile.DoesNotExist, ValueError, TypeError):
        raise Http404("No such volunteer") from None
