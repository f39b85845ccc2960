"""Pages for a family's changing life: details and health visitor, the household, coming back, and the search.

Thin, like every view: load through a selector, validate a form, call one service, redirect with what happened.
"""

from typing import Any

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods

from families import selectors, services
from families.forms import FamilySearchForm
from families.life_forms import (
    DifferentFamilyForm,
    FamilyDetailsForm,
    HealthVisitorForm,
    MemberAddForm,
    MemberBornForm,
    MemberEditForm,
    MemberLeftForm,
    RereferralForm,
)
from families.models import Family, FamilyStatus, MemberKind
from families.permissions import can_refer_again
from families.selectors import load_family
from homestart.decorators import coordinator_required
from homestart.exceptions import ActionNotAllowed

GET_POST = require_http_methods(["GET", "POST"])

# The last search, kept in the session so that neither the search words nor the results' pages put a name or a
# postcode in a URL, a browser's history or a server's log (SECURITY 13).
SEARCH_SESSION_KEY = "families_search"
SHOW_RESULTS = "results"


def _back_to_family(family: Family) -> HttpResponse:
    return redirect(reverse("families:detail", args=[family.pk]))


# --- The family search -----------------------------------------------------------------------------------------


@GET_POST
@coordinator_required
def family_list(request: HttpRequest) -> HttpResponse:
    """The coordinator's families, filtered by status; or the results of the last search.

    A search is posted (with its CSRF token) and kept in the session; the results are shown at ``?show=results``,
    paged with ``&page=``: the words searched for are never in any URL.
    """
    if request.method == "POST":
        search = FamilySearchForm(request.POST)
        query = search.cleaned_data.get("q", "").strip() if search.is_valid() else ""
        if query:
            request.session[SEARCH_SESSION_KEY] = query
            return redirect(f"{reverse('families:list')}?show={SHOW_RESULTS}")
        request.session.pop(SEARCH_SESSION_KEY, None)
        if search.errors:
            return _family_list_page(request, search=search, query="", status="")
        return redirect("families:list")
    query = request.session.get(SEARCH_SESSION_KEY, "") if request.GET.get("show") == SHOW_RESULTS else ""
    status = request.GET.get("status", "")
    if status not in FamilyStatus.values:
        status = ""
    # The filter the "no visit logged" reminder links to (families.reminders); any other value shows every family.
    without_visits = request.GET.get("visits") == selectors.WITHOUT_VISITS
    return _family_list_page(
        request,
        search=FamilySearchForm(initial={"q": query}),
        query=query,
        status=status,
        without_visits=without_visits,
    )


def _family_list_page(
    request: HttpRequest, *, search: FamilySearchForm, query: str, status: str, without_visits: bool = False
) -> HttpResponse:
    if query:
        families = selectors.search_families(request.user, query)
        heading = f"Families matching “{query}”"
        paging = f"show={SHOW_RESULTS}"
    elif without_visits:
        families = selectors.caseload(request.user, without_visits=True).order_by("family_name", "reference")
        heading = f"My families with no visit logged in more than {selectors.VISIT_GAP_DAYS} days"
        paging = f"visits={selectors.WITHOUT_VISITS}"
    else:
        families = selectors.caseload(request.user, status or None).order_by("family_name", "reference")
        heading = "My families"
        paging = f"status={status}" if status else ""
    page = Paginator(families, 50).get_page(request.GET.get("page"))
    return render(
        request,
        "families/family_list.html",
        {
            "search": search,
            "query": query,
            "heading": heading,
            "page": page,
            "paging": paging,
            "status": status,
            "status_counts": selectors.caseload_counts(request.user),
            "without_visits": without_visits,
            "without_visits_value": selectors.WITHOUT_VISITS,
            "visit_gap_days": selectors.VISIT_GAP_DAYS,
        },
    )


# --- Family details ----------------------------------------------------------------------------------------------


@GET_POST
@coordinator_required
@load_family
def family_edit(request: HttpRequest, family: Family) -> HttpResponse:
    form = FamilyDetailsForm(request.POST or None, initial=FamilyDetailsForm.initial_for(family))
    if request.method == "POST" and form.is_valid():
        try:
            services.family_update_details(family=family, actor=request.user, **form.cleaned_data)
        except ActionNotAllowed as exc:
            form.add_service_error(exc.message)
        else:
            moved = form.cleaned_data["postcode"] != family.postcode or form.cleaned_data["address"] != family.address
            follow_up = " If they have a new health visitor, change it too." if moved else ""
            messages.success(request, f"The {family.family_name} family's details have been updated.{follow_up}")
            return _back_to_family(family)
    return render(request, "families/family_edit.html", {"family": family, "form": form})


@GET_POST
@coordinator_required
@load_family
def family_health_visitor(request: HttpRequest, family: Family) -> HttpResponse:
    current = family.health_visitor
    professionals = selectors.professionals_in_scheme(request.user)
    form = HealthVisitorForm(
        request.POST or None,
        professionals=professionals,
        initial={"health_visitor": current.pk if current and not current.is_retired else None},
    )
    if request.method == "POST" and form.is_valid():
        chosen = form.cleaned_data["health_visitor"]
        try:
            services.family_change_health_visitor(family=family, health_visitor=chosen, actor=request.user)
        except ActionNotAllowed as exc:
            form.add_service_error(exc.message)
        else:
            if chosen is None:
                messages.success(request, "The family's health visitor is now recorded as not known.")
            else:
                messages.success(
                    request,
                    f"{chosen.name} is now the family's health visitor. Letters and support-agreed notices from now "
                    "on go to them; those already sent stay as they were.",
                )
            return _back_to_family(family)
    return render(request, "families/health_visitor.html", {"family": family, "form": form, "current": current})


# --- The household -----------------------------------------------------------------------------------------------


@GET_POST
@coordinator_required
@load_family
def member_add(request: HttpRequest, family: Family) -> HttpResponse:
    form = MemberAddForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            member = services.household_member_add(family=family, actor=request.user, **data)
        except ActionNotAllowed as exc:
            form.add_service_error(exc.message)
        else:
            if member.is_unborn:
                done = f"{member.full_name} has been added, due on {member.expected_due_date:%-d %B %Y}."
                done += " When the baby is born, choose “Record the birth” beside them."
            else:
                done = f"{member.full_name} has been added to the household."
            messages.success(request, done)
            return _back_to_family(family)
    return render(request, "families/member_add.html", {"family": family, "form": form})


@GET_POST
@coordinator_required
@load_family
def member_edit(request: HttpRequest, family: Family, member_pk: int) -> HttpResponse:
    member = selectors.get_member_for_user_or_404(request.user, family, member_pk)
    form = MemberEditForm(request.POST or None, member=member)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.household_member_correct(
                member=member,
                first_name=data["first_name"],
                last_name=data["last_name"],
                relationship=data["relationship"],
                actor=request.user,
                **form.dates,
            )
        except ActionNotAllowed as exc:
            form.add_service_error(exc.message)
        else:
            messages.success(request, f"{data['first_name']}'s record has been corrected.")
            return _back_to_family(family)
    return render(request, "families/member_edit.html", {"family": family, "member": member, "form": form})


@GET_POST
@coordinator_required
@load_family
def member_born(request: HttpRequest, family: Family, member_pk: int) -> HttpResponse:
    member = selectors.get_member_for_user_or_404(request.user, family, member_pk)
    form = MemberBornForm(request.POST or None, member=member) if member.is_unborn else None
    if request.method == "POST" and form is not None and form.is_valid():
        try:
            member = services.household_member_born(member=member, actor=request.user, **form.cleaned_data)
        except ActionNotAllowed as exc:
            form.add_service_error(exc.message)
        else:
            messages.success(
                request,
                f"{member.full_name}'s birth on {member.date_of_birth:%-d %B %Y} has been recorded. Everything "
                "already written about the baby stays on the same record.",
            )
            return _back_to_family(family)
    return render(request, "families/member_born.html", {"family": family, "member": member, "form": form})


@GET_POST
@coordinator_required
@load_family
def member_left(request: HttpRequest, family: Family, member_pk: int) -> HttpResponse:
    member = selectors.get_member_for_user_or_404(request.user, family, member_pk)
    form = MemberLeftForm(request.POST or None) if member.left_on is None else None
    if request.method == "POST" and form is not None and form.is_valid():
        try:
            services.household_member_leave(member=member, left_on=form.cleaned_data["left_on"], actor=request.user)
        except ActionNotAllowed as exc:
            form.add_service_error(exc.message)
        else:
            messages.success(
                request,
                f"{member.full_name} is now shown as no longer in the household, from "
                f"{form.cleaned_data['left_on']:%-d %B %Y}. Their record is kept in the family's history.",
            )
            return _back_to_family(family)
    return render(request, "families/member_left.html", {"family": family, "member": member, "form": form})


# --- Coming back -------------------------------------------------------------------------------------------------


@GET_POST
@coordinator_required
@load_family
def rerefer(request: HttpRequest, family: Family) -> HttpResponse:
    can_come_back = can_refer_again(request.user, family)
    form = RereferralForm(request.POST or None, professionals=selectors.professionals_in_scheme(request.user))
    if request.method == "POST" and form.is_valid():
        try:
            referral = services.referral_rerefer(family=family, actor=request.user, **form.cleaned_data)
        except ActionNotAllowed as exc:
            form.add_service_error(exc.message)
        else:
            messages.success(
                request,
                f"The {family.family_name} family has been referred again, with the same reference "
                f"({family.reference}). Check their details and household are still right, then decide the referral.",
            )
            return redirect("families:referral_decide", pk=referral.pk)
    return render(
        request,
        "families/rerefer.html",
        {
            "family": family,
            "form": form,
            "can_come_back": can_come_back,
            "members": [m for m in selectors.members_on_family(family) if m.left_on is None],
        },
    )


def families_like_new_referral(request: HttpRequest, form: Any, members: Any) -> list[Family]:
    """For ``referral_new``: once the referral is valid, the scheme's families that look like the one being
    referred, unless the coordinator has confirmed it is a different family. Only the coordinator's own scheme is
    ever searched (``selectors.families_like``)."""
    if request.method != "POST" or not (form.is_valid() and members.is_valid()):
        return []
    confirm = DifferentFamilyForm(request.POST)
    if confirm.is_valid() and confirm.cleaned_data["different_family"]:
        return []
    children = [
        (member.get("first_name", ""), member.get("date_of_birth"))
        for member in members.members
        if member.get("kind") == MemberKind.CHILD and member.get("date_of_birth")
    ]
    data = form.cleaned_data
    return selectors.families_like(
        request.user, family_name=data["family_name"], postcode=data["postcode"], children=children
    )
