"""Agency requests: the list, recording one, its page, asking the family, closing it, and the anonymised figures."""

import csv
import datetime
from typing import Any

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.http import content_disposition_header, urlencode

from consents import selectors, services, statistics
from consents.models import AgencyRequest, Category, RequestStatus
from consents.request_forms import AgencyRequestForm, AskFamilyForm, CloseRequestForm, FiguresPeriodForm
from consents.selectors import load_request
from consents.views._common import GET, GET_POST, PAGE_SIZE, pdf_attachment
from families import selectors as family_selectors
from families.models import MemberKind
from homestart import pdf
from homestart.decorators import coordinator_required
from homestart.exceptions import ActionNotAllowed

CLOSED = (RequestStatus.FULFILLED, RequestStatus.DECLINED)


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
            return pdf_attachment(document, f"{family.reference}-permission-letter-request-{agency_request.pk}.pdf")
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
            return pdf_attachment(pdf.render_html(html), f"{filename}.pdf")
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
