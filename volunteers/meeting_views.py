"""Volunteer group meetings (P8): recorded by coordinators, read by the scheme's coordinators and those who came.

Topics and notes that name a family are refused by the service; the form keeps what was typed and shows which
words, next to the field they are in.
"""

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods

from homestart.decorators import coordinator_required
from homestart.exceptions import ActionNotAllowed
from homestart.selectors import active_coordinators, active_volunteers
from volunteers import selectors, services
from volunteers.forms import GroupMeetingForm
from volunteers.models import GroupMeeting
from volunteers.permissions import can_manage_group_meetings
from volunteers.selectors import load_meeting, load_meeting_to_edit

GET = require_http_methods(["GET"])
GET_POST = require_http_methods(["GET", "POST"])
MEETINGS_PER_PAGE = 50


def _form(request: HttpRequest, **kwargs: Any) -> GroupMeetingForm:
    return GroupMeetingForm(
        request.POST or None,
        facilitators=active_coordinators(request.user.scheme_id),
        volunteers=active_volunteers(request.user.scheme_id),
        **kwargs,
    )


def _show_refusal(form: GroupMeetingForm, exc: ActionNotAllowed) -> None:
    """A refusal for naming a family goes next to the field that does; any other at the top of the form."""
    if isinstance(exc, services.FamilyIdentifiersFound):
        for field, message in exc.by_field.items():
            form.add_error(field, message)
    else:
        form.add_service_error(exc.message)


@GET
@coordinator_required
def meeting_list(request: HttpRequest) -> HttpResponse:
    page = Paginator(selectors.group_meeting_list(request.user), MEETINGS_PER_PAGE).get_page(request.GET.get("page"))
    return render(request, "volunteers/meeting_list.html", {"page": page})


@GET_POST
@coordinator_required
def meeting_new(request: HttpRequest) -> HttpResponse:
    form = _form(request, initial={"facilitator": request.user.pk})
    if request.method == "POST" and form.is_valid():
        try:
            meeting = services.group_meeting_record(actor=request.user, **form.cleaned_data)
        except ActionNotAllowed as exc:
            _show_refusal(form, exc)
        else:
            messages.success(
                request,
                f"Group meeting on {meeting.held_on:%-d %B %Y} saved. The scheme's coordinators and the volunteers "
                "who came can read it.",
            )
            return redirect("volunteers:meeting_detail", pk=meeting.pk)
    return render(request, "volunteers/meeting_form.html", {"form": form, "meeting": None})


@GET
@login_required
@load_meeting
def meeting_detail(request: HttpRequest, meeting: GroupMeeting) -> HttpResponse:
    # No role decorator: the selector answers 404 unless the user coordinates the scheme or came to the meeting.
    return render(
        request,
        "volunteers/meeting_detail.html",
        {"meeting": meeting, "can_edit": can_manage_group_meetings(request.user, meeting.scheme_id)},
    )


@GET_POST
@coordinator_required
@load_meeting_to_edit
def meeting_edit(request: HttpRequest, meeting: GroupMeeting) -> HttpResponse:
    form = _form(
        request,
        initial={
            "held_on": meeting.held_on,
            "facilitator": meeting.facilitator_id,
            "attendees": [person.pk for person in meeting.attendees.all()],
            "topics": meeting.topics,
            "notes": meeting.notes,
        },
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.group_meeting_update(meeting=meeting, actor=request.user, **form.cleaned_data)
        except ActionNotAllowed as exc:
            _show_refusal(form, exc)
        else:
            messages.success(request, "Group meeting updated.")
            return redirect("volunteers:meeting_detail", pk=meeting.pk)
    return render(request, "volunteers/meeting_form.html", {"form": form, "meeting": meeting})
