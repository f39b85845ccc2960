"""Pages for agency requests, photographs and consent wordings (coordinators and administrators only).

Thin, like every view here: load through a selector (404 for anything the person may not open), validate a form,
call one service, redirect or hand back the PDF the service printed.
"""

import csv
import datetime
from collections.abc import Callable
from functools import wraps
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.contenttypes.models import ContentType
from django.core.paginator import Paginator
from django.db.models import Count, Prefetch
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.urls import path
from django.utils import timezone
from django.utils.http import content_disposition_header, urlencode
from django.views.decorators.http import require_http_methods

from consents import pdf, selectors, services, statistics
from consents.models import (
    AgencyRequest,
    Category,
    ConsentStatus,
    ConsentWording,
    Photo,
    Purpose,
    RequestStatus,
)
from consents.request_forms import (
    AgencyRequestForm,
    AskFamilyForm,
    CloseRequestForm,
    FiguresPeriodForm,
    PhotoConsentForm,
    PhotoForm,
    WordingForm,
)
from consents.selectors import load_photo, load_request
from families import selectors as family_selectors
from families.models import HouseholdMember, MemberKind
from homestart.decorators import administrator_required, coordinator_required
from homestart.exceptions import ActionNotAllowed
from homestart.models import AuditEntry
from homestart.permissions import can_administer, can_coordinate

GET = require_http_methods(["GET"])
GET_POST = require_http_methods(["GET", "POST"])
PAGE_SIZE = 50
CLOSED = (RequestStatus.FULFILLED, RequestStatus.DECLINED)


def _pdf_attachment(document: bytes, filename: str) -> HttpResponse:
    response = HttpResponse(document, content_type="application/pdf")
    response["Content-Disposition"] = content_disposition_header(True, filename)
    return response


# Agency requests ------------------------------------------------------------------------------------------------


@GET
@coordinator_required
def request_list(request: HttpRequest) -> HttpResponse:
    show_closed = request.GET.get("show") == "closed"
    rows = selectors.agency_requests(request.user)
    rows = rows.filter(status__in=CLOSED).order_by("-due_on", "-pk") if show_closed else rows.exclude(status__in=CLOSED)
    page = Paginator(rows, PAGE_SIZE).get_page(request.GET.get("page"))
    overdue = set(selectors.requests_overdue(request.user).values_list("pk", flat=True))
    for row in page:
        row.is_overdue = row.pk in overdue
    return render(
        request,
        "consents/requests/request_list.html",
        {"page": page, "show_closed": show_closed, "query_string": "show=closed" if show_closed else ""},
    )


@GET_POST
@coordinator_required
def request_new(request: HttpRequest) -> HttpResponse:
    form = AgencyRequestForm(
        request.POST or None,
        professionals=family_selectors.professionals_in_scheme(request.user),
        families=family_selectors.families_for_user(request.user).order_by("family_name", "reference"),
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            agency_request = services.agency_request_receive(
                requester=data["requester"],
                received_on=data["received_on"],
                purpose=data["purpose"],
                categories=data["categories"],
                identifying=data["identifying"],
                family=data["family"],
                due_on=data["due_on"],
                actor=request.user,
            )
        except ActionNotAllowed as exc:
            form.add_service_error(exc.message)
        else:
            follow_up = (
                "Next, ask the family for written permission: nothing that identifies them is released before that."
                if agency_request.identifying
                else "Next, check the anonymised figures and send them to the agency."
            )
            messages.success(request, f"Request recorded. {follow_up}")
            return redirect("consents:request_detail", pk=agency_request.pk)
    return render(request, "consents/requests/request_new.html", {"form": form})


def _closed_at(agency_request: AgencyRequest) -> Any:
    """When the request was closed, and by whom, from the audit log's record of its status change."""
    if agency_request.status not in CLOSED:
        return None
    entries = AuditEntry.objects.filter(
        content_type=ContentType.objects.get_for_model(AgencyRequest),
        object_id=agency_request.pk,
        action=AuditEntry.Action.UPDATE,
        changes__has_key="status",
    ).select_related("actor")
    for entry in entries.order_by("-timestamp", "-pk"):
        if (entry.changes or {}).get("status", [None, None])[-1] == agency_request.status:
            return entry
    return None


@GET
@coordinator_required
@load_request
def request_detail(request: HttpRequest, agency_request: AgencyRequest) -> HttpResponse:
    permissions = list(
        agency_request.consents.select_related("signer", "created_by").prefetch_related(
            "events__recorded_by", "events__received_by"
        )
    )
    disclosures = list(agency_request.disclosures.select_related("recipient__agency", "recorded_by"))
    return render(
        request,
        "consents/requests/request_detail.html",
        {
            "agency_request": agency_request,
            "permissions": permissions,
            "permission": permissions[0] if permissions else None,  # newest first
            "disclosures": disclosures,
            "closed": _closed_at(agency_request),
            "is_open": agency_request.status not in CLOSED,
            "is_overdue": selectors.requests_overdue(request.user).filter(pk=agency_request.pk).exists(),
            "category_labels": [
                Category(value).label for value in agency_request.categories if value in Category.values
            ],
        },
    )


@GET_POST
@coordinator_required
@load_request
def request_ask(request: HttpRequest, agency_request: AgencyRequest) -> HttpResponse:
    if not agency_request.identifying:
        raise Http404("Statistical requests are answered with figures, without asking a family")
    family = agency_request.family
    can_ask = agency_request.status == RequestStatus.RECEIVED
    form = AskFamilyForm(request.POST or None, adults=family.members.filter(kind=MemberKind.ADULT)) if can_ask else None
    if request.method == "POST" and form is not None and form.is_valid():
        try:
            _consent, _letter, document = services.agency_request_ask_family(
                request=agency_request,
                signer=form.cleaned_data["signer"],
                review_on=form.cleaned_data["review_on"],
                actor=request.user,
            )
        except ActionNotAllowed as exc:
            form.add_service_error(exc.message)
        else:
            return _pdf_attachment(document, f"{family.reference}-permission-letter-request-{agency_request.pk}.pdf")
    return render(
        request,
        "consents/requests/request_ask.html",
        {"agency_request": agency_request, "family": family, "form": form},
    )


def _close_outcomes(agency_request: AgencyRequest) -> list[str]:
    """The ways this request may end now, as the service's transitions allow.

    A request about a family that has not been asked yet can only be declined: answering it needs permission first.
    """
    allowed = set(services.REQUEST_TRANSITIONS[agency_request.status])
    if agency_request.identifying and agency_request.status == RequestStatus.RECEIVED:
        allowed.discard(RequestStatus.FULFILLED)
    return [outcome for outcome in (RequestStatus.FULFILLED, RequestStatus.DECLINED) if outcome in allowed]


@GET_POST
@coordinator_required
@load_request
def request_close(request: HttpRequest, agency_request: AgencyRequest) -> HttpResponse:
    outcomes = _close_outcomes(agency_request)
    form = CloseRequestForm(request.POST or None, outcomes=outcomes) if outcomes else None
    if request.method == "POST" and form is not None and form.is_valid():
        try:
            agency_request = services.agency_request_close(
                request=agency_request,
                fulfilled=form.cleaned_data["outcome"] == RequestStatus.FULFILLED,
                note=form.cleaned_data["note"],
                actor=request.user,
            )
        except ActionNotAllowed as exc:
            form.add_service_error(exc.message)
        else:
            messages.success(
                request,
                f"Request closed as {agency_request.get_status_display().lower()}. It is kept in the closed requests.",
            )
            return redirect("consents:request_detail", pk=agency_request.pk)
    return render(
        request,
        "consents/requests/request_close.html",
        {"agency_request": agency_request, "form": form, "shared": agency_request.disclosures.filter(shared=True)},
    )


def _default_period(received_on: datetime.date) -> tuple[datetime.date, datetime.date]:
    """The 12 months up to the day the request was received."""
    if received_on.year == datetime.MINYEAR:
        return datetime.date.min, received_on
    try:
        year_before = received_on.replace(year=received_on.year - 1)
    except ValueError:  # 29 February
        year_before = received_on.replace(year=received_on.year - 1, day=28)
    return year_before + datetime.timedelta(days=1), received_on


@GET
@coordinator_required
@load_request
def request_figures(request: HttpRequest, agency_request: AgencyRequest) -> HttpResponse:
    if agency_request.identifying:
        raise Http404("Identifying requests are not answered with figures")
    if "date_from" in request.GET or "date_to" in request.GET:
        form = FiguresPeriodForm(request.GET)
    else:
        date_from, date_to = _default_period(agency_request.received_on)
        form = FiguresPeriodForm({"date_from": date_from.isoformat(), "date_to": date_to.isoformat()})
    context: dict[str, Any] = {"agency_request": agency_request, "form": form, "rule": statistics.SUPPRESSION_RULE}
    if form.is_valid():
        date_from, date_to = form.cleaned_data["date_from"], form.cleaned_data["date_to"]
        scheme = request.user.scheme
        context.update(
            scheme=scheme,
            date_from=date_from,
            date_to=date_to,
            figures=[
                (label, statistics.shown(n)) for label, n in statistics.scheme_figures(scheme, date_from, date_to)
            ],
            districts=[
                (label, statistics.shown(n)) for label, n in statistics.district_figures(scheme, date_from, date_to)
            ],
            download_query=urlencode({"date_from": date_from.isoformat(), "date_to": date_to.isoformat()}),
            printed_on=timezone.localdate(),
        )
        filename = f"figures-request-{agency_request.pk}-{date_from:%Y%m%d}-{date_to:%Y%m%d}"
        if request.GET.get("format") == "csv":
            return _figures_csv(context, f"{filename}.csv")
        if request.GET.get("format") == "pdf":
            html = render_to_string("consents/requests/figures_pdf.html", context)
            return _pdf_attachment(pdf.render_html(html), f"{filename}.pdf")
    return render(request, "consents/requests/request_figures.html", context)


def _figures_csv(context: dict[str, Any], filename: str) -> HttpResponse:
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = content_disposition_header(True, filename)
    writer = csv.writer(response)
    writer.writerow(["Figure", "Number"])
    writer.writerow(["Period", f"{context['date_from']:%-d %B %Y} to {context['date_to']:%-d %B %Y}"])
    writer.writerows(context["figures"])
    writer.writerow([])
    writer.writerow(["Postcode district", "Families supported"])
    writer.writerows(context["districts"])
    writer.writerow([])
    writer.writerow(["Note", context["rule"]])
    return response


# Photographs ----------------------------------------------------------------------------------------------------


@GET
@coordinator_required
def photo_list(request: HttpRequest) -> HttpResponse:
    page = Paginator(selectors.photos(request.user).order_by("-taken_on", "-pk"), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    today = timezone.localdate()
    for photo in page:
        photo.family_count = len(photo.families.all())
        photo.waiting = len(selectors.photo_families_waiting(photo, today))
        photo.usable = selectors.photo_usable(photo, today)
    return render(request, "consents/photos/photo_list.html", {"page": page})


@GET_POST
@coordinator_required
def photo_new(request: HttpRequest) -> HttpResponse:
    form = PhotoForm(
        request.POST or None,
        request.FILES or None,
        families=family_selectors.families_for_user(request.user).order_by("family_name", "reference"),
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            photo = services.photo_record(
                scheme=request.user.scheme,
                event=data["event"],
                taken_on=data["taken_on"],
                description=data["description"],
                families=list(data["families"]),
                image=data["image"],
                actor=request.user,
            )
        except ActionNotAllowed as exc:
            form.add_service_error(exc.message)
        else:
            messages.success(
                request,
                "Photograph recorded. It cannot be used for publicity until every family in it has signed a photo "
                "consent form: print a form for each family below.",
            )
            return redirect("consents:photo_detail", pk=photo.pk)
    return render(request, "consents/photos/photo_new.html", {"form": form})


@GET_POST
@coordinator_required
@load_photo
def photo_detail(request: HttpRequest, photo: Photo) -> HttpResponse:
    families = list(
        photo.families.prefetch_related(
            Prefetch("members", queryset=HouseholdMember.objects.filter(kind=MemberKind.ADULT), to_attr="adults")
        ).order_by("family_name", "reference")
    )
    today = timezone.localdate()
    photo_consents = sorted(
        (consent for consent in photo.consents.all() if consent.purpose == Purpose.PHOTOGRAPHS),
        key=lambda consent: (consent.created_at, consent.pk),
        reverse=True,
    )
    waiting = {family.pk for family in selectors.photo_families_waiting(photo, today)}
    chosen = request.POST.get("family", "") if request.method == "POST" else ""
    extra_errors = []
    if request.method == "POST" and chosen not in {str(family.pk) for family in families}:
        extra_errors.append("Choose a family in this photograph")
    rows = []
    for family in families:
        own = [consent for consent in photo_consents if consent.family_id == family.pk]
        covered = family.pk not in waiting
        # The consent that covers the photo now if there is one, else the latest asked for.
        shown = next((c for c in own if c.status == ConsentStatus.SIGNED), None) if covered else None
        latest = shown or (own[0] if own else None)
        can_print = not covered and not (latest and latest.status == ConsentStatus.AWAITING_SIGNATURE)
        bound = request.method == "POST" and chosen == str(family.pk)
        if bound and not can_print:
            extra_errors.append(f"The {family.family_name} family has already been asked about this photograph")
            bound = False
        form = PhotoConsentForm(request.POST if bound else None, adults=family.adults, prefix=f"family-{family.pk}")
        rows.append({"family": family, "consent": latest, "covered": covered, "can_print": can_print, "form": form})
        if bound and form.is_valid():
            try:
                _consent, _letter, document = services.consent_request(
                    family=family,
                    purpose=Purpose.PHOTOGRAPHS,
                    signer=form.cleaned_data["signer"],
                    photos=[photo],
                    categories=[],
                    recipients=[],
                    review_on=form.cleaned_data["review_on"],
                    actor=request.user,
                )
            except ActionNotAllowed as exc:
                form.add_service_error(exc.message)
            else:
                return _pdf_attachment(document, f"{family.reference}-photo-consent-form-photo-{photo.pk}.pdf")
    error_form = next((row["form"] for row in rows if row["form"].errors), None)
    return render(
        request,
        "consents/photos/photo_detail.html",
        {
            "photo": photo,
            "rows": rows,
            "usable": selectors.photo_usable(photo, today),
            "waiting": len(waiting),
            "form": error_form,
            "extra_errors": extra_errors,
        },
    )


@GET
@coordinator_required
@load_photo
def photo_image(request: HttpRequest, photo: Photo) -> FileResponse:
    """The photograph itself, only through this checked view (it is kept outside the web root)."""
    if not photo.image:
        raise Http404("No image for this photograph")
    try:
        handle = photo.image.open("rb")
    except FileNotFoundError:
        raise Http404("The image file is missing") from None
    content_type = "image/png" if photo.image.name.lower().endswith(".png") else "image/jpeg"
    response = FileResponse(handle, content_type=content_type)
    response["Content-Disposition"] = content_disposition_header(False, f"photo-{photo.pk}.{content_type[6:]}")
    response["Cache-Control"] = "no-store, private"
    return response


# Wordings -------------------------------------------------------------------------------------------------------


def wordings_reader_required(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """Administrators manage the wordings; coordinators read them to know what families sign. Others get 404."""

    @login_required
    @wraps(view)
    def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if not (can_administer(request.user) or can_coordinate(request.user)):
            raise Http404("No such page")
        return view(request, *args, **kwargs)

    return wrapped


@GET
@wordings_reader_required
def wording_list(request: HttpRequest) -> HttpResponse:
    versions = (
        ConsentWording.objects.filter(scheme_id=request.user.scheme_id)
        .select_related("published_by")
        .annotate(consent_count=Count("consents"))
        .order_by("purpose", "-version")
    )
    by_purpose: dict[str, list[ConsentWording]] = {purpose: [] for purpose in Purpose.values}
    for wording in versions:
        by_purpose[wording.purpose].append(wording)
    return render(
        request,
        "consents/wordings/wording_list.html",
        {
            "purposes": [(Purpose(purpose), rows) for purpose, rows in by_purpose.items()],
            "can_publish": can_administer(request.user),
        },
    )


@GET_POST
@administrator_required
def wording_new(request: HttpRequest) -> HttpResponse:
    """Publish a new version in two steps: write it, then check it and confirm (a version cannot be taken back)."""
    scheme = request.user.scheme
    if request.method == "POST":
        form = WordingForm(request.POST)
    else:
        purpose = request.GET.get("purpose", "")
        current = ConsentWording.objects.filter(scheme=scheme, purpose=purpose).order_by("-version").first()
        initial = {"purpose": purpose} if purpose in Purpose.values else {}
        if current is not None:
            initial.update(title=current.title, body=current.body)
        form = WordingForm(initial=initial)
    confirming = False
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        if request.POST.get("confirm") == "publish":
            try:
                wording = services.wording_publish(
                    scheme=scheme, purpose=data["purpose"], title=data["title"], body=data["body"], actor=request.user
                )
            except ActionNotAllowed as exc:
                form.add_service_error(exc.message)
            else:
                messages.success(
                    request,
                    f"Version {wording.version} of “{wording.get_purpose_display()}” is published. New letters use "
                    "it from now on; consents already asked for or signed keep the version the family saw.",
                )
                return redirect("consents:wordings")
        else:
            confirming = request.POST.get("confirm") != "change"
    latest, purpose_label = None, ""
    if form.is_bound and form.is_valid():
        purpose = form.cleaned_data["purpose"]
        latest = ConsentWording.objects.filter(scheme=scheme, purpose=purpose).order_by("-version").first()
        purpose_label = Purpose(purpose).label
    return render(
        request,
        "consents/wordings/wording_new.html",
        {
            "form": form,
            "confirming": confirming and not form.errors,
            "next_version": (latest.version + 1) if latest else 1,
            "latest": latest,
            "purpose_label": purpose_label,
        },
    )


urlpatterns = [
    path("requests/", request_list, name="requests"),
    path("requests/new/", request_new, name="request_new"),
    path("requests/<int:pk>/", request_detail, name="request_detail"),
    path("requests/<int:pk>/ask/", request_ask, name="request_ask"),
    path("requests/<int:pk>/close/", request_close, name="request_close"),
    path("requests/<int:pk>/figures/", request_figures, name="request_figures"),
    path("photos/", photo_list, name="photos"),
    path("photos/new/", photo_new, name="photo_new"),
    path("photos/<int:pk>/", photo_detail, name="photo_detail"),
    path("photos/<int:pk>/image/", photo_image, name="photo_image"),
    path("wordings/", wording_list, name="wordings"),
    path("wordings/new/", wording_new, name="wording_new"),
]
