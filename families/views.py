"""Pages about families. Thin: load through a selector, validate a form, call one service, redirect.

The family's own page (``families:detail``) combines several apps, so it is composed on the top floor (office).
"""

import logging

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db import InterfaceError, OperationalError, connection, transaction
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods

from families import life_views, selectors, services
from families.forms import (
    MEMBER_ROWS_SHOWN,
    AssignmentForm,
    CoordinatorChoiceForm,
    EndAssignmentForm,
    EndSupportForm,
    MemberFormSet,
    ReferralDecisionForm,
    ReferralForm,
    VisitForm,
)
from families.models import Family, ReferralOutcome
from families.permissions import can_log_visit
from families.selectors import load_family, load_family_to_visit
from homestart.decorators import coordinator_required
from homestart.exceptions import ActionNotAllowed, NeedsConfirmation
from homestart.permissions import is_volunteer
from homestart.selectors import active_coordinators

GET_POST = require_http_methods(["GET", "POST"])

logger = logging.getLogger(__name__)


@require_http_methods(["GET"])
@coordinator_required
def referral_list(request: HttpRequest) -> HttpResponse:
    referrals = selectors.referrals_waiting(request.user)
    return render(request, "families/referral_list.html", {"referrals": referrals})


@GET_POST
@coordinator_required
def referral_new(request: HttpRequest) -> HttpResponse:
    professionals = selectors.professionals_in_scheme(request.user)
    form = ReferralForm(request.POST or None, professionals=professionals)
    members = MemberFormSet(request.POST or None, prefix="members")
    # A family the scheme already knows? Offer to refer them again, until the coordinator says it is another family.
    likely = life_views.families_like_new_referral(request, form, members)
    if request.method == "POST" and form.is_valid() and members.is_valid() and not likely:
        data = form.cleaned_data
        try:
            referral = services.referral_receive(
                actor=request.user,
                family_name=data["family_name"],
                address=data["address"],
                postcode=data["postcode"],
                phone=data["phone"],
                preferred_language=data["preferred_language"],
                referrer=data["referrer"],
                health_visitor=data["health_visitor"],
                date_received=data["date_received"],
                reasons=data["reasons"],
                members=[{key: member[key] for key in member if key != "DELETE"} for member in members.members],
            )
        except ActionNotAllowed as exc:
            form.add_service_error(exc.message)
        else:
            messages.success(
                request,
                f"Referral recorded. The family's reference is {referral.family.reference}. "
                "Next, decide whether to accept it.",
            )
            return redirect("families:referral_decide", pk=referral.pk)
    more_rows_open = any(
        member.has_changed() or member.errors for member in members.forms[MEMBER_ROWS_SHOWN:] if members.is_bound
    )
    return render(
        request,
        "families/referral_new.html",
        {
            "form": form,
            "members": members,
            "rows_shown": MEMBER_ROWS_SHOWN,
            "more_rows_open": more_rows_open,
            "likely": likely,
        },
    )


@GET_POST
@coordinator_required
def referral_decide(request: HttpRequest, pk: int) -> HttpResponse:
    referral = selectors.get_referral_for_user_or_404(request.user, pk)
    decidable = referral.outcome in (ReferralOutcome.PENDING, ReferralOutcome.WAITING_LIST)
    form = ReferralDecisionForm(request.POST or None) if decidable else None
    if request.method == "POST" and form is not None and form.is_valid():
        try:
            referral = services.referral_decide(
                referral=referral,
                outcome=form.cleaned_data["outcome"],
                reason=form.cleaned_data["reason"],
                actor=request.user,
            )
        except ActionNotAllowed as exc:
            form.add_service_error(exc.message)
        else:
            follow_up = {
                ReferralOutcome.ACCEPTED: "The family is now waiting for a volunteer: assign one from the family's page.",
                ReferralOutcome.WAITING_LIST: "The family is on the waiting list. You can accept the referral later.",
                ReferralOutcome.DECLINED: "The referral is closed.",
            }[referral.outcome]
            messages.success(request, f"Referral {referral.get_outcome_display().lower()}. {follow_up}")
            return redirect("families:detail", pk=referral.family_id)
    return render(
        request,
        "families/referral_decide.html",
        {"referral": referral, "family": referral.family, "members": referral.family.members.all(), "form": form},
    )


@GET_POST
@coordinator_required
@load_family
def assignment_new(request: HttpRequest, family: Family) -> HttpResponse:
    volunteers = selectors.volunteers_in_scheme(request.user)
    form = AssignmentForm(request.POST or None, volunteers=volunteers)
    warning = None
    if request.method == "POST" and form.is_valid():
        try:
            assignment = services.assignment_start(
                family=family,
                volunteer=form.cleaned_data["volunteer"],
                started_on=form.cleaned_data["started_on"],
                confirmed=form.confirmed,
                actor=request.user,
            )
        except NeedsConfirmation as exc:
            # The same choices again, now confirming this volunteer: the page shows the warning and "Assign anyway".
            warning = exc.message
            form = AssignmentForm(
                {**request.POST.dict(), "confirmed_for": form.cleaned_data["volunteer"].pk}, volunteers=volunteers
            )
        except ActionNotAllowed as exc:
            form.add_service_error(exc.message)
        else:
            messages.success(
                request,
                f"{assignment.volunteer} is now assigned to the {family.family_name} family. "
                "They can see the family and log visits from their next page.",
            )
            return redirect("families:detail", pk=family.pk)
    return render(request, "families/assignment_new.html", {"family": family, "form": form, "warning": warning})


@GET_POST
@coordinator_required
@load_family
def assignment_end(request: HttpRequest, family: Family, assignment_pk: int) -> HttpResponse:
    assignment = selectors.get_open_assignment_for_user_or_404(request.user, family, assignment_pk)
    form = EndAssignmentForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.assignment_end(
                assignment=assignment,
                ended_on=form.cleaned_data["ended_on"],
                reason=form.cleaned_data["reason"],
                actor=request.user,
            )
        except ActionNotAllowed as exc:
            form.add_service_error(exc.message)
        else:
            messages.success(
                request, f"{assignment.volunteer}'s assignment has ended. They can no longer open this family."
            )
            return redirect("families:detail", pk=family.pk)
    return render(request, "families/assignment_end.html", {"family": family, "assignment": assignment, "form": form})


@GET_POST
@coordinator_required
@load_family
def end_support(request: HttpRequest, family: Family) -> HttpResponse:
    form = EndSupportForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.family_end_support(
                family=family,
                ended_on=form.cleaned_data["ended_on"],
                reason=form.cleaned_data["reason"],
                actor=request.user,
            )
        except ActionNotAllowed as exc:
            form.add_service_error(exc.message)
        else:
            messages.success(request, "Support has ended. The family's volunteers can no longer open the family.")
            return redirect("families:detail", pk=family.pk)
    return render(
        request,
        "families/end_support.html",
        {"family": family, "form": form, "open_assignments": selectors.open_assignments(family)},
    )


@GET_POST
@coordinator_required
@load_family
def coordinator_change(request: HttpRequest, family: Family) -> HttpResponse:
    coordinators = active_coordinators(family.scheme_id)
    form = CoordinatorChoiceForm(
        request.POST or None, coordinators=coordinators, initial={"coordinator": family.lead_coordinator_id}
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.family_change_coordinator(
                family=family, coordinator=form.cleaned_data["coordinator"], actor=request.user
            )
        except ActionNotAllowed as exc:
            form.add_service_error(exc.message)
        else:
            messages.success(request, f"{form.cleaned_data['coordinator']} is now the family's lead coordinator.")
            return redirect("families:detail", pk=family.pk)
    return render(request, "families/coordinator_change.html", {"family": family, "form": form})


VISIT_NOT_SAVED = "Your visit was not saved, please try again."


# Not inside the request's transaction: the service's own transaction is the whole write, so when the database
# connection is lost in it nothing is left behind and this view can still answer with the form (503, below).
@transaction.non_atomic_requests
@GET_POST
@login_required
@load_family_to_visit
def visit_new(request: HttpRequest, family: Family) -> HttpResponse:
    if request.method == "POST":
        # The visit service asks whether the volunteer may log it, under the family's row lock: asked here as well,
        # it would cost a query and could be out of date by then. A refusal comes back on the form.
        allowed = is_volunteer(request.user)
    else:
        allowed = can_log_visit(request.user, family, is_assigned=selectors.is_assigned(request.user, family))
    if not allowed:
        raise Http404("No such page")
    form = VisitForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            visit = services.visit_log(family=family, actor=request.user, **form.cleaned_data)
        except ActionNotAllowed as exc:
            form.add_service_error(exc.message)
        except (OperationalError, InterfaceError):
            # The connection died mid-transaction: it rolled back (or, lost at the commit, the form's key makes the
            # retry record nothing twice). The volunteer gets the form as typed, with the same key, to send again.
            logger.warning("Visit not saved: the database connection was lost", exc_info=True)
            if not connection.in_atomic_block:
                connection.close_if_unusable_or_obsolete()
            context = {"family": family, "form": form, "extra_errors": [VISIT_NOT_SAVED]}
            return render(request, "families/visit_new.html", context, status=503)
        else:
            # Built from the visit recorded, so the same form sent again answers exactly as the first time.
            coordinator = family.lead_coordinator
            readers = f"you and {coordinator}, the family's coordinator," if coordinator else "you and the coordinator"
            private = f" Your note is private: only {readers} can read it." if visit.has_note else ""
            messages.success(
                request, f"Visit to the {family.family_name} family on {visit.visited_on:%-d %B %Y} saved.{private}"
            )
            return redirect(reverse("volunteers:home"))
    return render(request, "families/visit_new.html", {"family": family, "form": form})
