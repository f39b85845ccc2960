"""Writes about volunteers' records."""

import datetime
from typing import Any

from django.db import transaction

from homestart.exceptions import ActionNotAllowed, save_or_refuse
from homestart.models import Role
from homestart.permissions import can_coordinate
from volunteers.models import VolunteerProfile


@transaction.atomic
def volunteer_profile_create(*, user: Any) -> VolunteerProfile:
    """Give a new volunteer an empty profile (called when the account is created)."""
    if user.role != Role.VOLUNTEER:
        raise ActionNotAllowed("Only volunteers have a volunteer profile.")
    profile = VolunteerProfile(user=user)
    return save_or_refuse(profile)


@transaction.atomic
def volunteer_profile_update(
    *,
    profile: VolunteerProfile,
    dbs_certificate_number: str,
    dbs_issued_on: datetime.date | None,
    dbs_renewal_due: datetime.date | None,
    preparation_course_completed_on: datetime.date | None,
    actor: Any,
) -> VolunteerProfile:
    """A coordinator of the volunteer's scheme records their DBS check and preparation course."""
    if not can_coordinate(actor) or actor.scheme_id != profile.user.scheme_id:
        raise ActionNotAllowed("Only a coordinator of this scheme can update a volunteer's record.")
    if dbs_issued_on and dbs_renewal_due and dbs_renewal_due <= dbs_issued_on:
        raise ActionNotAllowed("The DBS renewal date must be after the issue date.")
    profile = VolunteerProfile.objects.select_for_update().get(pk=profile.pk)
    profile.dbs_certificate_number = dbs_certificate_number.strip()
    profile.dbs_issued_on = dbs_issued_on
    profile.dbs_renewal_due = dbs_renewal_due
    profile.preparation_course_completed_on = preparation_course_completed_on
    return save_or_refuse(profile)
