"""Pages for safeguarding concerns (P12).

Raising a concern is open to a family's scheme coordinators and to a volunteer supporting the family now. Reading a
concern, and every step after it, is for the scheme's safeguarding leads and the family's coordinator; the person
who raised it sees a receipt with its status. Everyone else gets 404: a concern they may not read does not exist.
"""

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.http import content_disposition_header
from django.views.decorators.http import require_http_methods

from families import selectors as family_selectors
from families.models import Family, MemberKind
from families.selectors import load_family
from homestart.decorators import coordinator_required, recent_authentication_required
from homestart.exceptions import ActionNotAllowed
from homestart.forms import Form
from safeguarding import selectors, services, workflow
from safeguarding.forms import (
    CloseForm,
    ConcernForm,
    DangerForm,
    DecisionForm,
    DiscussionForm,
    FollowUpDoneForm,
    FollowUpForm,
    NoDiscussionForm,
    ReferralForm,
    ReviewForm,
)
from safeguarding.models import Concern
from safeguarding.permissions import can_raise_concern, can_see_concerns_of, is_safeguarding_lead
from safeguarding.selectors import load_concern, load_receipt
from safeguarding.workflow import Action

GET = require_http_methods(["GET"])
GET_POST = require_http_methods(["GET", "POST"])
POST = require_http_methods(["POST"])


def _posted(request: HttpRequest) -> Any:
    return request.POST if request.method == "POST" else None


def _raising(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """Only a coordinator of the family's scheme, or a volunteer supporting it now, reaches the raising pages."""

    @wraps(view)
    def wrapped(request: HttpRequest, family: Family) -> HttpResponse:
        if not can_raise_concern(request.user, family, is_assigned=family_selectors.is_assigned(request.user, family)):
            raise Http404("No such page")
        return view(request, family)

    return wrapped


# Raising a concern ------------------------------------------------------------------------------------------------


@GET_POST
@login_required
@load_family
@_raising
def concern_start(request: HttpRequest, family: Family) -> HttpResponse:
    """The first question, before anything else: is a child in immediate danger?"""
    form = DangerForm(_posted(request))
    if request.method == "POST" and form.is_valid():
        if form.cleaned_data["immediate_danger"]:
            return redirect("safeguarding:concern_emergency", pk=family.pk)
        return redirect("safeguarding:concern_new", pk=family.pk)
    return render(request, "safeguarding/concern_start.html", {"family": family, "form": form})


@GET
@login_required
@load_family
@_raising
def concern_emergency(request: HttpRequest, family: Family) -> HttpResponse:
    """Call 999 first; then record the concern, which is marked urgent."""
    return render(request, "safeguarding/concern_emergency.html", {"family": family})


@GET_POST
@login_required
@load_family
@_raising
def concern_new(request: HttpRequest, family: Family) -> HttpResponse:
    danger = request.GET.get("danger") == "yes"
    children = family.members.filter(kind=MemberKind.CHILD).order_by("date_of_birth", "expected_due_date", "pk")
    form = ConcernForm(_posted(request), children=children)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            concern = services.concern_raise(
                family=family,
                children=list(data["children"]),
                category=data["category"],
                account=data["account"],
                observed_on=data["observed_on"],
                observed_time=data["observed_time"],
                immediate_danger=danger,
                actor=request.user,
                site_root=request.build_absolute_uri("/"),
            )
        except ActionNotAllowed as exc:
            form.add_service_error(exc.message)
        else:
            return redirect("safeguarding:receipt", pk=concern.pk)
    return render(request, "safeguarding/concern_new.html", {"family": family, "form": form, "danger": danger})


@GET
@login_required
@load_receipt
def receipt(request: HttpRequest, concern: Concern) -> HttpResponse:
    """What the person who raised the concern sees: that it was received, and its status."""
    return render(
        request,
        "safeguarding/receipt.html",
        {
            "concern": concern,
            "can_read": can_see_concerns_of(request.user, concern.family),
            # A volunteer whose assignment has ended keeps the receipt but no longer opens the family.
            "can_open_family": family_selectors.families_for_user(request.user).filter(pk=concern.family_id).exists(),
        },
    )


# Reading ---------------------------------------------------------------------------------------------------------


@GET
@coordinator_required
def dashboard(request: HttpRequest) -> HttpResponse:
    user = request.user
    open_concerns = list(selectors.open_concerns(user)[:100])
    late = list(selectors.not_reviewed_in_time(user)[:50])
    follow_ups = list(selectors.outstanding_follow_ups(user)[:50])
    services.concerns_listed(concerns=open_concerns, reader=user)
    return render(
        request,
        "safeguarding/dashboard.html",
        {
            "open_concerns": open_concerns,
            "late": late,
            "follow_ups": follow_ups,
            "by_age": selectors.open_concerns_by_age(user),
            "is_lead": is_safeguarding_lead(user),
            "today": timezone.localdate(),
        },
    )


@GET
@coordinator_required
@load_concern
def concern_detail(request: HttpRequest, concern: Concern) -> HttpResponse:
    user = request.user
    services.concern_read(concern=concern, reader=user)
    known = workflow.facts(concern)
    actions = {action: not workflow.refusal(concern, action, user) for action in Action}
    return render(
        request,
        "safeguarding/concern_detail.html",
        {
            "concern": concern,
            "family": concern.family,
            "steps": concern.steps.all(),
            "follow_ups": concern.follow_ups.all(),
            "outstanding": workflow.outstanding(concern, known),
            "facts": known,
            "can": {action.value: allowed for action, allowed in actions.items()},
        },
    )


# Steps -------------------------------------------------------------------------------------------------------------


def _step_page(
    request: HttpRequest,
    concern: Concern,
    *,
    form: Form,
    action: Action,
    record: Callable[[dict[str, Any]], Any],
    title: str,
    done: str,
    template: str = "safeguarding/step.html",
    extra: dict[str, Any] | None = None,
) -> HttpResponse:
    """One step of the timeline: refused steps say why; a valid form calls its service and returns to the concern."""
    refusal = workflow.refusal(concern, action, request.user)
    if request.method == "POST" and not refusal and form.is_valid():
        try:
            record(form.cleaned_data)
        except ActionNotAllowed as exc:
            form.add_service_error(exc.message)
        else:
            messages.success(request, done)
            return redirect("safeguarding:concern_detail", pk=concern.pk)
    context = {"concern": concern, "family": concern.family, "form": form, "title": title, "refusal": refusal}
    return render(request, template, context | (extra or {}))


@GET_POST
@coordinator_required
@load_concern
def review(request: HttpRequest, concern: Concern) -> HttpResponse:
    form = ReviewForm(_posted(request), initial={"urgent": concern.urgent})
    return _step_page(
        request,
        concern,
        form=form,
        action=Action.REVIEW,
        record=lambda data: services.concern_review(
            concern=concern,
            notes=data["notes"],
            urgent=data["urgent"],
            occurred_on=data["occurred_on"],
            actor=request.user,
        ),
        title="Review the concern",
        done="Review recorded. Next: discuss the concern with the family, unless that would put the child at greater risk.",
        extra={"show_account": True},
    )


@GET_POST
@coordinator_required
@load_concern
def discussion(request: HttpRequest, concern: Concern) -> HttpResponse:
    return _step_page(
        request,
        concern,
        form=DiscussionForm(_posted(request)),
        action=Action.DISCUSS,
        record=lambda data: services.concern_record_discussion(concern=concern, actor=request.user, **data),
        title="Record the discussion with the family",
        done="Discussion with the family recorded.",
    )


@GET_POST
@coordinator_required
@load_concern
def no_discussion(request: HttpRequest, concern: Concern) -> HttpResponse:
    return _step_page(
        request,
        concern,
        form=NoDiscussionForm(_posted(request)),
        action=Action.NO_DISCUSSION,
        record=lambda data: services.concern_record_no_discussion(concern=concern, actor=request.user, **data),
        title="Decide not to discuss it with the family first",
        done="Recorded: the family will not be told before the referral, and why.",
        template="safeguarding/no_discussion.html",
    )


@GET_POST
@coordinator_required
@load_concern
def decision(request: HttpRequest, concern: Concern) -> HttpResponse:
    return _step_page(
        request,
        concern,
        form=DecisionForm(_posted(request)),
        action=Action.DECIDE,
        record=lambda data: services.concern_decide(concern=concern, actor=request.user, **data),
        title="Record the decision",
        done="Decision recorded.",
    )


@GET_POST
@coordinator_required
@load_concern
@recent_authentication_required
def referral(request: HttpRequest, concern: Concern) -> HttpResponse:
    """Recording the referral records a disclosure (SECURITY 10: the person proves it is them again first)."""
    form = ReferralForm(_posted(request), professionals=family_selectors.professionals_in_scheme(request.user))
    known = workflow.facts(concern)
    return _step_page(
        request,
        concern,
        form=form,
        action=Action.REFER,
        record=lambda data: services.concern_refer(concern=concern, actor=request.user, **data),
        title="Record the referral",
        done="Referral recorded, and entered in the disclosure register with the basis “safeguarding”.",
        template="safeguarding/referral.html",
        extra={
            "facts": known,
            "recipients_hint": services.referral_decision_recipients_hint(known.decision),
        },
    )


@GET_POST
@coordinator_required
@load_concern
def follow_up_new(request: HttpRequest, concern: Concern) -> HttpResponse:
    form = FollowUpForm(_posted(request), owners=selectors.concern_readers(concern), initial={"owner": request.user.pk})
    return _step_page(
        request,
        concern,
        form=form,
        action=Action.FOLLOW_UP,
        record=lambda data: services.follow_up_add(concern=concern, actor=request.user, **data),
        title="Add a follow-up action",
        done="Follow-up action added. It is listed on the safeguarding dashboard until it is done.",
    )


@GET_POST
@coordinator_required
@load_concern
def follow_up_done(request: HttpRequest, concern: Concern, follow_up_pk: Any) -> HttpResponse:
    follow_up = next((item for item in concern.follow_ups.all() if str(item.pk) == str(follow_up_pk)), None)
    if follow_up is None:
        raise Http404("No such page")
    return _step_page(
        request,
        concern,
        form=FollowUpDoneForm(_posted(request)),
        action=Action.FOLLOW_UP,
        record=lambda data: services.follow_up_complete(follow_up=follow_up, actor=request.user, **data),
        title="Mark the follow-up action done",
        done="Follow-up action marked done.",
        extra={"follow_up": follow_up},
    )


@GET_POST
@coordinator_required
@load_concern
def close(request: HttpRequest, concern: Concern) -> HttpResponse:
    return _step_page(
        request,
        concern,
        form=CloseForm(_posted(request)),
        action=Action.CLOSE,
        record=lambda data: services.concern_close(concern=concern, actor=request.user, **data),
        title="Close the concern",
        done="Concern closed. It is kept until the youngest child concerned is 25.",
    )


# Chronology --------------------------------------------------------------------------------------------------------


def _chronology_reader(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """The chronology is for the people who may read the family's concerns."""

    @wraps(view)
    def wrapped(request: HttpRequest, family: Family) -> HttpResponse:
        if not can_see_concerns_of(request.user, family):
            raise Http404("No such page")
        return view(request, family)

    return wrapped


@GET
@coordinator_required
@load_family
@_chronology_reader
def chronology(request: HttpRequest, family: Family) -> HttpResponse:
    entries = services.chronology_read(family=family, reader=request.user)
    return render(request, "safeguarding/chronology.html", {"family": family, "entries": entries})


@POST
@coordinator_required
@load_family
@_chronology_reader
@recent_authentication_required
def chronology_pdf(request: HttpRequest, family: Family) -> HttpResponse:
    """The chronology as a PDF for a case conference, after the password or a code in the last 10 minutes
    (SECURITY 10). A POST: every print is recorded."""
    document = services.chronology_print(family=family, actor=request.user)
    response = HttpResponse(document, content_type="application/pdf")
    response["Content-Disposition"] = content_disposition_header(True, f"{family.reference}-chronology.pdf")
    return response
