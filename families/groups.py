"""Family group pages (P10): sessions, who came, and monthly figures, for the scheme's coordinators.

Attendance only, by design: families set their own boundaries at groups, so no page asks what anyone said there.
"""

from typing import Any

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods

from families import selectors, services
from families.forms import FamilyGroupForm
from families.models import FamilyGroupSession
from families.selectors import load_group
from homestart.decorators import coordinator_required
from homestart.exceptions import ActionNotAllowed
from homestart.models import Role

GET = require_http_methods(["GET"])
GET_POST = require_http_methods(["GET", "POST"])
SESSIONS_PER_PAGE = 50


def _form(request: HttpRequest, **kwargs: Any) -> FamilyGroupForm:
    user = request.user
    return FamilyGroupForm(
        request.POST or None,
        staff=selectors.people_in_scheme(user, Role.COORDINATOR),
        volunteers=selectors.people_in_scheme(user, Role.VOLUNTEER),
        families=selectors.families_for_groups(user),
        **kwargs,
    )


@GET
@coordinator_required
def group_list(request: HttpRequest) -> HttpResponse:
    page = Paginator(selectors.family_group_sessions(request.user), SESSIONS_PER_PAGE).get_page(request.GET.get("page"))
    return render(request, "families/group_list.html", {"page": page})


@GET
@coordinator_required
def group_figures(request: HttpRequest) -> HttpResponse:
    months = selectors.family_group_figures(request.user)
    return render(
        request,
        "families/group_figures.html",
        {
            "months": months,
            "total_sessions": sum(month.sessions for month in months),
            "total_attendances": sum(month.attendances for month in months),
        },
    )


@GET_POST
@coordinator_required
def group_new(request: HttpRequest) -> HttpResponse:
    form = _form(request, initial={"staff": [request.user.pk]})
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            session = services.family_group_record(
                held_on=data["held_on"],
                venue=data["venue"],
                helpers=form.helpers,
                families=list(data["families"]),
                actor=request.user,
            )
        except ActionNotAllowed as exc:
            form.add_service_error(exc.message)
        else:
            count = len(data["families"])
            messages.success(
                request,
                f"Family group on {session.held_on:%-d %B %Y} saved: {count} famil{'y' if count == 1 else 'ies'} came.",
            )
            return redirect("families:group_detail", pk=session.pk)
    return render(request, "families/group_form.html", {"form": form, "session": None})


@GET
@coordinator_required
@load_group
def group_detail(request: HttpRequest, session: FamilyGroupSession) -> HttpResponse:
    helpers = list(session.helpers.all())
    return render(
        request,
        "families/group_detail.html",
        {
            "session": session,
            "staff": [person for person in helpers if person.role == Role.COORDINATOR],
            "volunteers": [person for person in helpers if person.role == Role.VOLUNTEER],
            "families": session.families.all(),
        },
    )


@GET_POST
@coordinator_required
@load_group
def group_edit(request: HttpRequest, session: FamilyGroupSession) -> HttpResponse:
    helpers = list(session.helpers.all())
    form = _form(
        request,
        initial={
            "held_on": session.held_on,
            "venue": session.venue,
            "staff": [person.pk for person in helpers if person.role == Role.COORDINATOR],
            "volunteers": [person.pk for person in helpers if person.role == Role.VOLUNTEER],
            "families": [family.pk for family in session.families.all()],
        },
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.family_group_update(
                session=session,
                held_on=data["held_on"],
                venue=data["venue"],
                helpers=form.helpers,
                families=list(data["families"]),
                actor=request.user,
            )
        except ActionNotAllowed as exc:
            form.add_service_error(exc.message)
        else:
            messages.success(request, "Family group session updated.")
            return redirect("families:group_detail", pk=session.pk)
    return render(request, "families/group_form.html", {"form": form, "session": session})
