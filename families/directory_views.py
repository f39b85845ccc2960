"""The agency directory: the scheme's agencies and professionals, for its coordinators and administrators.

Entries are changed and retired, never deleted: a retired one stays on the old records that name it, and no chooser
offers it for a new one (``selectors.professionals_in_scheme``, ``services.check_professional_choosable``).
"""

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.http import urlencode
from django.views.decorators.http import require_http_methods

from families import selectors, services
from families.directory_forms import AgencyForm, DirectorySearchForm, ProfessionalEditForm, RetireForm
from families.forms import ProfessionalForm
from families.models import Agency, Professional
from families.permissions import can_manage_directory
from families.selectors import load_agency, load_professional
from homestart.decorators import rule_required
from homestart.exceptions import ActionNotAllowed
from homestart.permissions import can_coordinate

GET_POST = require_http_methods(["GET", "POST"])
AGENCIES_PER_PAGE = 25

directory_required = rule_required(lambda user: can_manage_directory(user, user.scheme_id))


@require_http_methods(["GET"])
@directory_required
def directory(request: HttpRequest) -> HttpResponse:
    search = DirectorySearchForm(request.GET or None)
    query = search.cleaned_data.get("q", "") if search.is_valid() else ""
    page = Paginator(selectors.directory_for_user(request.user, query), AGENCIES_PER_PAGE).get_page(
        request.GET.get("page")
    )
    return render(
        request,
        "families/directory.html",
        {"search": search, "query": query, "page": page, "query_string": urlencode({"q": query}) if query else ""},
    )


def _back_to_referral(request: HttpRequest) -> bool:
    """A coordinator who came from the referral form goes back to it; everyone else back to the directory."""
    return can_coordinate(request.user) and "referral" in (request.GET.get("back"), request.POST.get("back"))


@GET_POST
@directory_required
def professional_new(request: HttpRequest) -> HttpResponse:
    form = ProfessionalForm(request.POST or None)
    back_to_referral = _back_to_referral(request)
    if request.method == "POST" and form.is_valid():
        try:
            professional = services.professional_add(
                scheme=request.user.scheme, actor=request.user, **form.cleaned_data
            )
        except ActionNotAllowed as exc:
            form.add_service_error(exc.message)
        else:
            messages.success(request, f"{professional.name} has been added to the directory.")
            return redirect("families:referral_new" if back_to_referral else "families:directory")
    return render(request, "families/professional_new.html", {"form": form, "back_to_referral": back_to_referral})


@GET_POST
@directory_required
@load_agency
def agency_edit(request: HttpRequest, agency: Agency) -> HttpResponse:
    initial = {field: getattr(agency, field) for field in ("name", "kind", "email", "phone", "address")}
    form = AgencyForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            agency = services.agency_update(agency=agency, actor=request.user, **form.cleaned_data)
        except ActionNotAllowed as exc:
            form.add_service_error(exc.message)
        else:
            messages.success(request, f"{agency.name}'s details are saved.")
            return redirect("families:directory")
    return render(request, "families/agency_edit.html", {"agency": agency, "form": form})


@GET_POST
@directory_required
@load_agency
def agency_retire(request: HttpRequest, agency: Agency) -> HttpResponse:
    form = RetireForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            agency = services.agency_retire(agency=agency, actor=request.user)
        except ActionNotAllowed as exc:
            form.add_service_error(exc.message)
        else:
            messages.success(
                request,
                f"{agency.name} is retired. It and its people stay on the records that name them, "
                "but nobody can choose them for new ones.",
            )
            return redirect("families:directory")
    people = agency.professionals.filter(retired_on__isnull=True).order_by("name", "pk")
    return render(request, "families/agency_retire.html", {"agency": agency, "form": form, "people": people})


@GET_POST
@directory_required
@load_professional
def professional_edit(request: HttpRequest, professional: Professional) -> HttpResponse:
    initial = {field: getattr(professional, field) for field in ("name", "role", "email", "phone")}
    form = ProfessionalEditForm(
        request.POST or None,
        agencies=selectors.agencies_for_professional(request.user, professional),
        initial={**initial, "agency": professional.agency_id},
    )
    if request.method == "POST" and form.is_valid():
        try:
            professional = services.professional_update(
                professional=professional, actor=request.user, **form.cleaned_data
            )
        except ActionNotAllowed as exc:
            form.add_service_error(exc.message)
        else:
            messages.success(request, f"{professional.name}'s details are saved.")
            return redirect("families:directory")
    return render(request, "families/professional_edit.html", {"professional": professional, "form": form})


@GET_POST
@directory_required
@load_professional
def professional_retire(request: HttpRequest, professional: Professional) -> HttpResponse:
    form = RetireForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            professional = services.professional_retire(professional=professional, actor=request.user)
        except ActionNotAllowed as exc:
            form.add_service_error(exc.message)
        else:
            messages.success(
                request,
                f"{professional.name} is retired. They stay on the records that name them, "
                "but nobody can choose them for new ones.",
            )
            return redirect("families:directory")
    return render(request, "families/professional_retire.html", {"professional": professional, "form": form})
