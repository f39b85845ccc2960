"""The disclosure register (the scheme's and each family's, as pages and CSV), recording what was shared or a
decision not to share, and the support-agreed notices."""

import base64
from typing import Any

from django.contrib import messages
from django.core.paginator import Paginator
from django.db.models import QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.http import content_disposition_header, urlencode

from consents import selectors, services
from consents.forms import DecisionForm, DisclosureForm, RegisterFilterForm, SupportAgreedForm
from consents.models import Consent, ConsentEventKind, ConsentStatus, Disclosure, Purpose
from consents.register_csv import write_register_csv
from consents.views._common import GET, GET_POST, POST, pdf_attachment, posted, short_categories
from families import selectors as family_selectors
from families.models import Family
from families.selectors import load_family
from homestart.decorators import coordinator_required, recent_authentication_required
from homestart.exceptions import ActionNotAllowed

REGISTER_PAGE_SIZE = 50


def _register(request: HttpRequest, family: Family | None) -> HttpResponse:
    form = RegisterFilterForm(request.GET or None, agencies=selectors.agencies_in_scheme(request.user))
    filters = form.filters() if form.is_bound else {}
    rows = selectors.register_rows(request.user, family=family, filters=filters)
    if request.GET.get("format") == "csv":
        return _register_csv(request, rows, family)
    page = Paginator(rows, REGISTER_PAGE_SIZE).get_page(request.GET.get("page"))
    page.object_list = list(page.object_list)
    for row in page.object_list:
        row.category_list = short_categories(row.categories)
    kept = [(key, value) for key, value in request.GET.items() if key in form.fields and value]
    return render(
        request,
        "consents/register.html",
        {
            "family": family,
            "form": form,
            "page": page,
            "filtered": bool(filters),
            "query_string": urlencode(kept),
            "csv_query": urlencode([*kept, ("format", "csv")]),
        },
    )


@recent_authentication_required
def _register_csv(request: HttpRequest, rows: QuerySet[Disclosure], family: Family | None) -> HttpResponse:
    """The filtered register as CSV: an export of family records, so it asks for recent sign-in (SECURITY 10)."""
    name = f"disclosure-register-{family.reference if family else 'scheme'}-{timezone.localdate():%Y-%m-%d}.csv"
    try:
        services.register_export_record(
            family=family,
            scheme=request.user.scheme,
            row_count=rows.count(),
            filters={key: value for key, value in request.GET.items() if key != "format"},
            actor=request.user,
        )
    except ActionNotAllowed:
        raise Http404("No such page") from None
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = content_disposition_header(True, name)
    write_register_csv(response, rows)
    return response


@GET
@coordinator_required
def register(request: HttpRequest) -> HttpResponse:
    return _register(request, family=None)


@GET
@coordinator_required
@load_family
def family_register(request: HttpRequest, family: Family) -> HttpResponse:
    return _register(request, family=family)


def _sharing_bases(request: HttpRequest, family: Family) -> tuple[QuerySet[Consent], Any]:
    consents = selectors.consents_for_family(request.user, family).exclude(purpose=Purpose.PHOTOGRAPHS)
    requests = selectors.agency_requests(request.user).filter(family=family, identifying=True)
    return consents, requests


@GET_POST
@coordinator_required
@load_family
@recent_authentication_required
def disclosure_new(request: HttpRequest, family: Family) -> HttpResponse:
    consents, requests = _sharing_bases(request, family)
    chosen = request.GET.get("consent", "")  # from a consent's page: that consent, already chosen
    initial = {"basis": "consent", "consent": chosen} if chosen.isdigit() else {}
    form = DisclosureForm(
        posted(request),
        professionals=family_selectors.professionals_in_scheme(request.user),
        consents=consents.prefetch_related(None),
        requests=requests,
        initial=initial,
    )
    refused = False
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            disclosure = services.disclosure_record(
                family=family,
                recipient=data["recipient"],
                categories=data["categories"],
                summary=data["summary"],
                method=data["method"],
                disclosed_on=data["disclosed_on"],
                basis=data["basis"],
                consent=data["consent"],
                agency_request=data["agency_request"],
                actor=request.user,
            )
        except services.DisclosureRefused as exc:
            form.add_service_error(exc.message)
            refused = True
        except ActionNotAllowed as exc:
            form.add_service_error(exc.message)
        else:
            messages.success(
                request,
                f"Recorded in the register: shared with {disclosure.recipient.name} on "
                f"{disclosure.disclosed_on:%-d %B %Y}, on the basis of {disclosure.basis_label.lower()}.",
            )
            return redirect("consents:family_register", pk=family.pk)
    today = timezone.localdate()
    in_force = [consent for consent in consents if services.consent_in_force(consent, today)]
    for consent in in_force:
        consent.short_categories = short_categories(consent.categories)
        signed = [event.occurred_on for event in consent.events.all() if event.kind == ConsentEventKind.SIGNED]
        consent.signed_label = f"on {signed[-1]:%-d %B %Y}" if signed else ""
    return render(
        request,
        "consents/disclosure_new.html",
        {"family": family, "form": form, "refused": refused, "in_force": in_force, "requests": list(requests)},
    )


@GET_POST
@coordinator_required
@load_family
@recent_authentication_required
def decision_new(request: HttpRequest, family: Family) -> HttpResponse:
    form = DecisionForm(posted(request), professionals=family_selectors.professionals_in_scheme(request.user))
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.disclosure_decline(
                family=family,
                recipient=data["recipient"],
                categories=data["categories"],
                reason=data["reason"],
                decided_on=data["decided_on"],
                actor=request.user,
            )
        except ActionNotAllowed as exc:
            form.add_service_error(exc.message)
        else:
            messages.success(request, "Your decision not to share, and its reason, are recorded in the register.")
            return redirect("consents:family_register", pk=family.pk)
    return render(request, "consents/decision_new.html", {"family": family, "form": form})


@GET_POST
@coordinator_required
@load_family
@recent_authentication_required
def support_agreed(request: HttpRequest, family: Family) -> HttpResponse:
    """Tell the referrer and health visitor that support was agreed (P2).

    The letters are not stored (only their hashes are), and printing them again would record new letters, so the
    answer to the POST carries them: the confirmation page offers each one as a download from the page itself.
    """
    form = SupportAgreedForm(posted(request))
    if request.method == "POST" and form.is_valid():
        try:
            sent = services.support_agreed_notices_send(
                family=family, method=form.cleaned_data["method"], actor=request.user
            )
        except ActionNotAllowed as exc:
            form.add_service_error(exc.message)
        else:
            letters = [
                {
                    "disclosure": disclosure,
                    "recipient": disclosure.recipient,
                    "filename": f"{family.reference}-support-agreed-{letter.pk}.pdf",
                    "href": "data:application/pdf;base64," + base64.b64encode(document).decode("ascii"),
                }
                for letter, document, disclosure in sent
            ]
            return render(
                request,
                "consents/support_agreed_sent.html",
                {"family": family, "letters": letters, "method": form.cleaned_data["method"]},
            )
    referral = family_selectors.family_referrals(family).order_by("-date_received", "-pk").first()
    recipients = services.support_agreed_recipients(family, referral)
    consent = (
        selectors.consents_for_family(request.user, family)
        .filter(purpose=Purpose.INFORMATION_EXCHANGE, status=ConsentStatus.SIGNED)
        .prefetch_related(None)
        .order_by("-created_at")
        .first()
    )
    return render(
        request,
        "consents/support_agreed.html",
        {
            "family": family,
            "form": form,
            "recipients": recipients,
            "consent": consent,
            "earlier": list(selectors.support_agreed_letters(request.user, family)),
        },
    )


@POST
@coordinator_required
@load_family
def support_agreed_reprint(request: HttpRequest, family: Family, letter_pk: int) -> HttpResponse:
    """A copy of one of the family's support-agreed notices, as a PDF download. A POST: every print is recorded,
    but nothing new is shared, so nothing is added to the register."""
    letter = selectors.get_support_agreed_letter_or_404(request.user, family, letter_pk)
    try:
        document = services.support_agreed_letter_reprint(letter=letter, actor=request.user)
    except ActionNotAllowed as exc:
        messages.error(request, exc.message)
        return redirect("families:detail", pk=family.pk)
    return pdf_attachment(document, f"{family.reference}-support-agreed-{letter.pk}-copy.pdf")
