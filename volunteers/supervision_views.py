"""One-to-one supervision (P9): recorded by the coordinator who held it, read by the two people in it.

Thin: load through a selector (a record the user may not read is a 404), validate a form, call one service. Every
page that shows what was said goes through a read service, which writes the audit entries.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_http_methods

from homestart.decorators import coordinator_required, volunteer_required
from homestart.exceptions import ActionNotAllowed
from homestart.permissions import is_volunteer
from volunteers import selectors, services
from volunteers.forms import SupervisionForm, SupervisionIntervalForm
from volunteers.models import SupervisionAction, SupervisionSession, VolunteerProfile
from volunteers.permissions import can_complete_supervision_action
from volunteers.selectors import load_action, load_session
from volunteers.views import interval_label, load_profile

GET = require_http_methods(["GET"])
GET_POST = require_http_methods(["GET", "POST"])
POST = require_http_methods(["POST"])
SESSIONS_PER_PAGE = 50


@GET
@volunteer_required
def my_supervision(request: HttpRequest) -> HttpResponse:
    """A volunteer's own supervision: open actions, past sessions, and the group meetings they attended."""
    user = request.user
    return render(
        request,
        "volunteers/my_supervision.html",
        {
            "actions": services.open_actions_read(reader=user),
            "sessions": selectors.supervision_history(user)[:SESSIONS_PER_PAGE],
            "meetings": selectors.group_meeting_list(user)[:SESSIONS_PER_PAGE],
            "today": timezone.localdate(),
        },
    )


@GET
@coordinator_required
def supervision_list(request: HttpRequest) -> HttpResponse:
    """The sessions the coordinator held, and the scheme's volunteers overdue for supervision."""
    user = request.user
    page = Paginator(selectors.sessions_held(user), SESSIONS_PER_PAGE).get_page(request.GET.get("page"))
    return render(
        request,
        "volunteers/supervision_list.html",
        {
            "page": page,
            "due": selectors.volunteers_due_for_supervision(user),
            "interval": interval_label(user.scheme.supervision_interval_days),
        },
    )


@GET_POST
@coordinator_required
@load_profile
def supervision_new(request: HttpRequest, profile: VolunteerProfile) -> HttpResponse:
    volunteer = profile.user
    form = SupervisionForm(request.POST or None, families=selectors.families_ever_assigned(volunteer))
    if request.method == "POST" and form.is_valid():
        try:
            session = services.supervision_record(
                volunteer=volunteer,
                held_on=form.cleaned_data["held_on"],
                notes=form.cleaned_data["notes"],
                discussed=form.discussed(),
                actions=form.agreed_actions(),
                actor=request.user,
            )
        except ActionNotAllowed as exc:
            form.add_service_error(exc.message)
        else:
            messages.success(
                request,
                f"Supervision with {volunteer} on {session.held_on:%-d %B %Y} saved. {volunteer} can read it, and "
                "mark the agreed actions done, from their Supervision page.",
            )
            return redirect("volunteers:supervision_detail", pk=session.pk)
    return render(
        request, "volunteers/supervision_new.html", {"profile": profile, "volunteer": volunteer, "form": form}
    )


@GET
@login_required
@load_session
def supervision_detail(request: HttpRequest, session: SupervisionSession) -> HttpResponse:
    # No role decorator: the selector answers 404 unless the user is the session's volunteer or coordinator.
    record = services.supervision_session_read(session=session, reader=request.user)
    return render(
        request,
        "volunteers/supervision_detail.html",
        {
            "session": session,
            "parts": record.parts,
            "actions": record.actions,
            "can_complete": can_complete_supervision_action(request.user, session),
            "is_volunteer": request.user.pk == session.volunteer_id,
            "today": timezone.localdate(),
        },
    )


@POST
@login_required
@load_action
def action_done(request: HttpRequest, action: SupervisionAction) -> HttpResponse:
    try:
        action = services.supervision_action_complete(action=action, actor=request.user)
    except ActionNotAllowed as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, f"Action marked done: {action.text}")
    if is_volunteer(request.user):
        return redirect("volunteers:my_supervision")
    return redirect("volunteers:supervision_detail", pk=action.session_id)


@GET_POST
@coordinator_required
def supervision_interval(request: HttpRequest) -> HttpResponse:
    scheme = request.user.scheme
    weeks, extra_days = divmod(scheme.supervision_interval_days, 7)
    form = SupervisionIntervalForm(request.POST or None, initial={"weeks": weeks + (1 if extra_days else 0)})
    if request.method == "POST" and form.is_valid():
        try:
            services.supervision_interval_set(scheme=scheme, weeks=form.cleaned_data["weeks"], actor=request.user)
        except ActionNotAllowed as exc:
            form.add_service_error(exc.message)
        else:
            weeks = form.cleaned_data["weeks"]
            messages.success(
                request, f"Supervision is now due every {weeks} week{'s' if weeks != 1 else ''} for every volunteer."
            )
            return redirect("volunteers:supervision_list")
    return render(request, "volunteers/supervision_interval.html", {"form": form})
