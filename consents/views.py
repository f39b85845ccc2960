"""Pages for a family's consents, letters and the disclosure register (coordinators only).

Thin, like the family pages: load through a selector (anything the user may not see is a 404), validate a form,
call one service, redirect. Volunteers and administrators never reach any of it (P7).
"""

import base64
import csv
import datetime
from collections.abc import Iterable
from typing import Any

from django.contrib import messages
from django.core.paginator import Paginator
from django.db.models import QuerySet, prefetch_related_objects
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import path
from django.utils import timezone
from django.utils.http import content_disposition_header, urlencode
from django.views.decorators.http import require_http_methods

from consents import selectors, services
from consents.audit import ConsentAuditEvent
from consents.forms import (
    ConsentRefusedForm,
    ConsentRequestForm,
    ConsentSignedForm,
    ConsentWithdrawForm,
    DecisionForm,
    DisclosureForm,
    RegisterFilterForm,
    SupportAgreedForm,
)
from consents.models import Category, Consent, ConsentEvent, ConsentEventKind, ConsentStatus, Disclosure, Purpose
from consents.selectors import load_consent
from families import selectors as family_selectors
from families.models import Family, MemberKind
from families.selectors import load_family
from homestart.audit import record_event
from homestart.decorators import coordinator_required, recent_authentication_required
from homestart.exceptions import ActionNotAllowed
from homestart.selectors import active_coordinators

GET = require_http_methods(["GET"])
GET_POST = require_http_methods(["GET", "POST"])
POST = require_http_methods(["POST"])
OVERVIEW_ROWS = 50
REGISTER_PAGE_SIZE = 50


def _posted(request: HttpRequest) -> Any:
    """The submitted form, even an empty one: an empty POST is answered with messages, not a blank form."""
    return request.POST if request.method == "POST" else None


def _posted_files(request: HttpRequest) -> Any:
    return request.FILES if request.method == "POST" else None


def _category_labels(values: Iterable[str]) -> str:
    return "; ".join(Category(value).label for value in values if value in Category.values)


def _short_categories(values: Iterable[str]) -> list[str]:
    """ "Summary of visits" rather than the full label with its explanation, for lists and tables."""
    return [Category(value).label.split(" (")[0] for value in values if value in Category.values]


# Consents -------------------------------------------------------------------------------------------------------


@GET
@coordinator_required
def overview(request: HttpRequest) -> HttpResponse:
    user = request.user
    sections = {
        "awaiting": selectors.consents_awaiting_signature(user).select_related("signer").order_by("created_at", "pk"),
        "expiring": selectors.consents_expiring(user).select_related("signer").order_by("review_on", "pk"),
        "recent": selectors.consents_recently_signed(user).select_related("signer"),
    }
    context: dict[str, Any] = {}
    for name, consents in sections.items():
        rows = list(consents[: OVERVIEW_ROWS + 1])
        context[name] = rows[:OVERVIEW_ROWS]
        context[f"{name}_more"] = len(rows) > OVERVIEW_ROWS
    return render(request, "consents/overview.html", context)


@GET_POST
@coordinator_required
@load_family
def consent_new(request: HttpRequest, family: Family) -> HttpResponse:
    adults = family.members.filter(kind=MemberKind.ADULT)
    referral = family_selectors.family_referrals(family).order_by("-date_received", "-pk").first()
    usual = {p.pk for p in (referral.referrer if referral else None, family.health_visitor) if p is not None}
    initial: dict[str, Any] = {"recipients": sorted(usual)}
    if len(adults) == 1:
        initial["signer"] = adults[0].pk
    form = ConsentRequestForm(
        _posted(request),
        adults=adults,
        professionals=family_selectors.professionals_in_scheme(request.user),
        initial=initial,
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            consent, _letter, _document = services.consent_request(
                family=family,
                purpose=Purpose.INFORMATION_EXCHANGE,
                signer=data["signer"],
                recipients=list(data["recipients"]),
                categories=data["categories"],
                review_on=data["review_on"],
                print_letter=False,
                actor=request.user,
            )
        except ActionNotAllowed as exc:
            form.add_service_error(exc.message)
        else:
            messages.success(
                request,
                f"Consent request saved. Next, print the letter and give it to {consent.signer.full_name} to sign. "
                "When it comes back signed, upload a scan or photo of it here.",
            )
            return redirect("consents:consent_detail", pk=consent.pk)
    try:
        wording = services.current_wording(family.scheme, Purpose.INFORMATION_EXCHANGE)
    except ActionNotAllowed:
        wording = None
    return render(request, "consents/consent_new.html", {"family": family, "form": form, "wording": wording})


@GET
@coordinator_required
@load_consent
def consent_detail(request: HttpRequest, consent: Consent) -> HttpResponse:
    prefetch_related_objects(
        [consent],
        "created_by",
        "agency_request",
        "recipients__agency",
        "events__received_by",
        "events__recorded_by",
        "events__scan",
        "letters__printed_by",
        "letters__recipient",
        "disclosures__recipient__agency",
    )
    return render(
        request,
        "consents/consent_detail.html",
        {
            "consent": consent,
            "family": consent.family,
            "in_force": services.consent_in_force(consent, timezone.localdate()),
            "has_scan": any(event.scan_id for event in consent.events.all()),
            "can_share_under": consent.status == ConsentStatus.SIGNED and consent.purpose != Purpose.PHOTOGRAPHS,
        },
    )


@POST
@coordinator_required
@load_consent
def letter(request: HttpRequest, consent: Consent) -> HttpResponse:
    """The consent's letter as a PDF download. A POST: every print is recorded (SECURITY 14, 17)."""
    try:
        _letter, document = services.consent_letter_reprint(consent=consent, actor=request.user)
    except ActionNotAllowed as exc:
        messages.error(request, exc.message)
        return redirect("consents:consent_detail", pk=consent.pk)
    response = HttpResponse(document, content_type="application/pdf")
    response["Content-Disposition"] = content_disposition_header(
        True, f"{consent.family.reference}-consent-letter-{consent.pk}.pdf"
    )
    return response


@GET_POST
@coordinator_required
@load_consent
def consent_signed(request: HttpRequest, consent: Consent) -> HttpResponse:
    form = None
    if consent.status == ConsentStatus.AWAITING_SIGNATURE:
        form = ConsentSignedForm(
            _posted(request),
            _posted_files(request),
            coordinators=active_coordinators(consent.family.scheme_id),
            initial={"received_by": request.user.pk},
        )
    if request.method == "POST" and form is not None and form.is_valid():
        data = form.cleaned_data
        try:
            consent = services.consent_record_signed(
                consent=consent,
                scan=data["scan"],
                signed_on=data["signed_on"],
                method=data["method"],
                received_by=data["received_by"],
                actor=request.user,
            )
        except ActionNotAllowed as exc:
            form.add_service_error(exc.message)
        else:
            messages.success(
                request,
                f"Signed letter recorded. The consent is in force until {consent.review_on:%-d %B %Y}: "
                "you can now record information shared under it.",
            )
            return redirect("consents:consent_detail", pk=consent.pk)
    return render(request, "consents/consent_signed.html", {"consent": consent, "family": consent.family, "form": form})


@GET_POST
@coordinator_required
@load_consent
def consent_refused(request: HttpRequest, consent: Consent) -> HttpResponse:
    form = ConsentRefusedForm(_posted(request)) if consent.status == ConsentStatus.AWAITING_SIGNATURE else None
    if request.method == "POST" and form is not None and form.is_valid():
        try:
            services.consent_record_refused(
                consent=consent,
                refused_on=form.cleaned_data["refused_on"],
                method=form.cleaned_data["method"],
                note=form.cleaned_data["note"],
                actor=request.user,
            )
        except ActionNotAllowed as exc:
            form.add_service_error(exc.message)
        else:
            messages.success(request, "The family's refusal is recorded. Nothing this consent would cover is shared.")
            return redirect("consents:consent_detail", pk=consent.pk)
    return render(
        request, "consents/consent_refused.html", {"consent": consent, "family": consent.family, "form": form}
    )


@GET_POST
@coordinator_required
@load_consent
def consent_withdraw(request: HttpRequest, consent: Consent) -> HttpResponse:
    form = ConsentWithdrawForm(_posted(request)) if consent.status == ConsentStatus.SIGNED else None
    if request.method == "POST" and form is not None and form.is_valid():
        try:
            services.consent_withdraw(
                consent=consent,
                withdrawn_on=form.cleaned_data["withdrawn_on"],
                method=form.cleaned_data["method"],
                note=form.cleaned_data["note"],
                actor=request.user,
            )
        except ActionNotAllowed as exc:
            form.add_service_error(exc.message)
        else:
            messages.success(request, "Consent withdrawn. From now on nothing more is shared under it.")
            return redirect("consents:consent_detail", pk=consent.pk)
    photos = list(consent.photos.all()) if consent.purpose == Purpose.PHOTOGRAPHS else []
    return render(
        request,
        "consents/consent_withdraw.html",
        {"consent": consent, "family": consent.family, "form": form, "photos": photos},
    )


@GET
@coordinator_required
@load_consent
def scan(request: HttpRequest, consent: Consent) -> FileResponse:
    """The signed letter's scan, as a download; every download is in the audit log (SECURITY 16, 17)."""
    event = (
        ConsentEvent.objects.filter(consent=consent, scan__isnull=False)
        .select_related("scan")
        .order_by("-recorded_at", "-pk")
        .first()
    )
    if event is None:
        raise Http404("No scan for this consent")
    stored = event.scan
    try:
        handle = stored.file.open("rb")
    except FileNotFoundError:
        raise Http404("The scan file is missing") from None
    record_event(
        event=ConsentAuditEvent.SCAN_DOWNLOADED,
        instance=stored,
        actor=request.user,
        extra={"consent": consent.pk, "family": consent.family_id},
    )
    extension = services.SCAN_EXTENSIONS.get(stored.content_type, "bin")
    return FileResponse(
        handle,
        as_attachment=True,
        filename=f"{consent.family.reference}-signed-consent-{consent.pk}.{extension}",
        content_type=stored.content_type,
    )


# The disclosure register ----------------------------------------------------------------------------------------


def _filtered(rows: QuerySet[Disclosure], filters: dict[str, Any]) -> QuerySet[Disclosure]:
    if "date_from" in filters:
        rows = rows.filter(disclosed_on__gte=filters["date_from"])
    if "date_to" in filters:
        rows = rows.filter(disclosed_on__lte=filters["date_to"])
    if "agency" in filters:
        rows = rows.filter(recipient__agency=filters["agency"])
    if "basis" in filters:
        rows = rows.filter(basis=filters["basis"])
    if "shared" in filters:
        rows = rows.filter(shared=filters["shared"] == "yes")
    return rows


def _register(request: HttpRequest, rows: QuerySet[Disclosure], family: Family | None) -> HttpResponse:
    form = RegisterFilterForm(request.GET or None, agencies=selectors.agencies_in_scheme(request.user))
    filters = form.filters() if form.is_bound else {}
    rows = _filtered(rows, filters)
    if request.GET.get("format") == "csv":
        return _register_csv(request, rows, family)
    page = Paginator(rows, REGISTER_PAGE_SIZE).get_page(request.GET.get("page"))
    page.object_list = list(page.object_list)
    for row in page.object_list:
        row.category_list = _short_categories(row.categories)
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


def _csv_cell(value: Any) -> str:
    """Text for a spreadsheet cell; a leading = + - @ would make a spreadsheet run it as a formula."""
    text = "" if value is None else str(value)
    return "'" + text if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text


CSV_HEADER = [
    "Date",
    "Family reference",
    "Family name",
    "Shared",
    "Recipient",
    "Role",
    "Organisation",
    "Information",
    "What was shared",
    "Reason for not sharing",
    "Method",
    "Basis",
    "Recorded by",
    "Recorded at (UTC)",
]


@recent_authentication_required
def _register_csv(request: HttpRequest, rows: QuerySet[Disclosure], family: Family | None) -> HttpResponse:
    """The filtered register as CSV: an export of family records, so it asks for recent sign-in (SECURITY 10)."""
    name = f"disclosure-register-{family.reference if family else 'scheme'}-{timezone.localdate():%Y-%m-%d}.csv"
    record_event(
        event=ConsentAuditEvent.REGISTER_EXPORTED,
        instance=family or request.user.scheme,
        actor=request.user,
        # Filters as typed, made safe to store (no NUL characters, which PostgreSQL's JSON cannot hold; short).
        extra={
            "rows": rows.count(),
            "filters": {
                k.replace("\x00", "")[:40]: v.replace("\x00", "")[:100] for k, v in request.GET.items() if k != "format"
            },
        },
    )
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = content_disposition_header(True, name)
    response.write("\ufeff")  # so spreadsheet programs read the file as UTF-8
    writer = csv.writer(response)
    writer.writerow(CSV_HEADER)
    for row in rows.iterator(chunk_size=500):
        writer.writerow(
            _csv_cell(value)
            for value in (
                row.disclosed_on.isoformat(),
                row.family.reference,
                row.family.family_name,
                "Yes" if row.shared else "No",
                row.recipient.name,
                row.recipient.role,
                row.recipient.agency.name,
                _category_labels(row.categories),
                row.summary,
                row.reason,
                row.get_method_display(),
                row.basis_label + (f" (their reference {row.reference_number})" if row.reference_number else ""),
                row.recorded_by.get_full_name() or row.recorded_by.username,
                row.recorded_at.astimezone(datetime.UTC).strftime("%Y-%m-%d %H:%M"),
            )
        )
    return response


@GET
@coordinator_required
def register(request: HttpRequest) -> HttpResponse:
    return _register(request, selectors.disclosures(request.user), family=None)


@GET
@coordinator_required
@load_family
def family_register(request: HttpRequest, family: Family) -> HttpResponse:
    return _register(request, selectors.disclosures(request.user).filter(family=family), family=family)


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
        _posted(request),
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
        consent.short_categories = _short_categories(consent.categories)
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
    form = DecisionForm(_posted(request), professionals=family_selectors.professionals_in_scheme(request.user))
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
    form = SupportAgreedForm(_posted(request))
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
    recipients = [p for p in (referral.referrer if referral else None, family.health_visitor) if p is not None]
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
            "recipients": list({p.pk: p for p in recipients}.values()),
            "consent": consent,
            "earlier": list(selectors.support_agreed_letters(request.user, family)),
        },
    )


urlpatterns = [
    path("", overview, name="overview"),
    path("family/<int:pk>/new/", consent_new, name="consent_new"),
    path("family/<int:pk>/support-agreed/", support_agreed, name="support_agreed"),
    path("<int:pk>/", consent_detail, name="consent_detail"),
    path("<int:pk>/letter/", letter, name="letter"),
    path("<int:pk>/signed/", consent_signed, name="consent_signed"),
    path("<int:pk>/refused/", consent_refused, name="consent_refused"),
    path("<int:pk>/withdraw/", consent_withdraw, name="consent_withdraw"),
    path("<int:pk>/scan/", scan, name="scan"),
    path("register/", register, name="register"),
    path("register/family/<int:pk>/", family_register, name="family_register"),
    path("register/family/<int:pk>/shared/", disclosure_new, name="disclosure_new"),
    path("register/family/<int:pk>/not-shared/", decision_new, name="decision_new"),
]
