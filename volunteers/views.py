"""The volunteer's home page, and the coordinator's list of volunteers and their records."""

import datetime

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_http_methods

from families import selectors as family_selectors
from homestart.decorators import coordinator_required, volunteer_required
from homestart.exceptions import ActionNotAllowed
from volunteers import home, selectors, services
from volunteers.forms import AvailabilityForm, VolunteerProfileForm
from volunteers.models import VolunteerProfile
from volunteers.selectors import load_profile

VISIT_GAP_DAYS = 14
GET = require_http_methods(["GET"])
GET_POST = require_http_methods(["GET", "POST"])


def interval_label(days: int) -> str:
    """How often supervision is due, in the words a coordinator uses: "8 weeks", or days when not whole weeks."""
    weeks, rest = divmod(days, 7)
    if rest:
        return f"{days} days"
    return f"{weeks} week{'s' if weeks != 1 else ''}"


@GET
@volunteer_required
def my_families(request: HttpRequest) -> HttpResponse:
    today = timezone.localdate()
    families = list(family_selectors.volunteer_families(request.user))
    for family in families:
        family.visit_overdue = family.last_visit_on is None or (today - family.last_visit_on).days > VISIT_GAP_DAYS
    profile = selectors.own_profile(request.user)
    dbs_due_soon = bool(
        profile and profile.dbs_renewal_due and profile.dbs_renewal_due <= today + datetime.timedelta(days=60)
    )
    return render(
        request,
        "volunteers/my_families.html",
        {
            "families": families,
            "profile": profile,
            "dbs_due_soon": dbs_due_soon,
            "visit_gap_days": VISIT_GAP_DAYS,
            # What apps above add for the volunteer (volunteers.home): outcome assessments due, say.
            "panels": home.loaded_panels(request.user, families),
        },
    )


@GET
@coordinator_required
def volunteer_list(request: HttpRequest) -> HttpResponse:
    available_only = request.GET.get("available") == "yes"
    volunteers = selectors.volunteer_records(request.user, available_only=available_only)
    return render(
        request,
        "volunteers/volunteer_list.html",
        {"volunteers": volunteers, "available_only": available_only, "today": timezone.localdate()},
    )


@GET
@coordinator_required
@load_profile
def volunteer_detail(request: HttpRequest, profile: VolunteerProfile) -> HttpResponse:
    volunteer = profile.user
    record = selectors.volunteer_records(request.user).filter(pk=volunteer.pk).first()
    return render(
        request,
        "volunteers/volunteer_detail.html",
        {
            "profile": profile,
            "volunteer": volunteer,
            "record": record,
            "supervision_dates": selectors.supervision_dates(volunteer)[:20],
            "interval": interval_label(request.user.scheme.supervision_interval_days),
            "today": timezone.localdate(),
        },
    )


@GET_POST
@coordinator_required
@load_profile
def profile_edit(request: HttpRequest, profile: VolunteerProfile) -> HttpResponse:
    form = VolunteerProfileForm(
        request.POST or None,
        initial={
            "dbs_certificate_number": profile.dbs_certificate_number,
            "dbs_issued_on": profile.dbs_issued_on,
            "dbs_renewal_due": profile.dbs_renewal_due,
            "preparation_course_completed_on": profile.preparation_course_completed_on,
        },
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.volunteer_profile_update(profile=profile, actor=request.user, **form.cleaned_data)
        except ActionNotAllowed as exc:
            form.add_service_error(exc.message)
        else:
            messages.success(request, f"{profile.user}'s record is updated.")
            return redirect("volunteers:list")
    return render(request, "volunteers/profile_edit.html", {"profile": profile, "form": form})


@GET_POST
@coordinator_required
@load_profile
def availability_edit(request: HttpRequest, profile: VolunteerProfile) -> HttpResponse:
    form = AvailabilityForm(
        request.POST or None,
        initial={
            "available_for_new_family": "yes" if profile.available_for_new_family else "no",
            "available_times": profile.available_times,
            "max_families": profile.max_families,
        },
    )
    if request.method == "POST" and form.is_valid():
        try:
            profile = services.volunteer_availability_update(profile=profile, actor=request.user, **form.cleaned_data)
        except ActionNotAllowed as exc:
            form.add_service_error(exc.message)
        else:
            available = "is available" if profile.available_for_new_family else "is not available"
            messages.success(request, f"Availability saved: {profile.user} {available} for a new family.")
            return redirect("volunteers:detail", pk=profile.pk)
    return render(request, "volunteers/availability_edit.html", {"profile": profile, "form": form})
