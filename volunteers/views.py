"""The volunteer's home page, and the coordinator's list of volunteers."""

import datetime

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_http_methods

from families import selectors as family_selectors
from homestart.decorators import coordinator_required, volunteer_required
from homestart.exceptions import ActionNotAllowed
from volunteers import selectors, services
from volunteers.forms import VolunteerProfileForm

VISIT_GAP_DAYS = 14


@require_http_methods(["GET"])
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
        {"families": families, "profile": profile, "dbs_due_soon": dbs_due_soon, "visit_gap_days": VISIT_GAP_DAYS},
    )


@require_http_methods(["GET"])
@coordinator_required
def volunteer_list(request: HttpRequest) -> HttpResponse:
    volunteers = family_selectors.volunteers_in_scheme(request.user)
    return render(request, "volunteers/volunteer_list.html", {"volunteers": volunteers, "today": timezone.localdate()})


@require_http_methods(["GET", "POST"])
@coordinator_required
def profile_edit(request: HttpRequest, pk: int) -> HttpResponse:
    profile = selectors.get_profile_for_user_or_404(request.user, pk)
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
