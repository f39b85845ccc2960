"""A family's consents: the overview, asking for one, its page, its letter, what the family answered, its scan."""

from typing import Any

from django.contrib import messages
from django.db.models import prefetch_related_objects
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone

from consents import selectors, services
from consents.forms import ConsentRefusedForm, ConsentRequestForm, ConsentSignedForm, ConsentWithdrawForm
from consents.models import Consent, ConsentStatus, Purpose
from consents.selectors import load_consent
from consents.views._common import GET, GET_POST, POST, pdf_attachment, posted, posted_files
from documents import selectors as document_selectors
from families import selectors as family_selectors
from families.models import Family, MemberKind
from families.selectors import load_family
from homestart.decorators import coordinator_required, recent_authentication_required
from homestart.exceptions import ActionNotAllowed
from homestart.selectors import active_coordinators

OVERVIEW_ROWS = 50


@GET
@coordinator_required
def overview(request: HttpRequest) -> HttpResponse:
    user = request.user
    # Only what the lists show: a consent joined to its family and signer is 35 columns, each one selected, read and
    # set on a model (tests/consents/test_views_consents.py holds the page to the same queries with rows as without).
    shown = ("purpose", "created_at", "review_on", "family__family_name", "family__reference")
    shown += ("signer__first_name", "signer__last_name")
    sections = {
        "awaiting": selectors.consents_awaiting_signature(user).select_related("signer").order_by("created_at", "pk"),
        "expiring": selectors.consents_expiring(user).select_related("signer").order_by("review_on", "pk"),
        "recent": selectors.consents_recently_signed(user).select_related("signer"),
    }
    sections = {name: consents.only(*shown) for name, consents in sections.items()}
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
        posted(request),
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
            "has_scan": any(event.scan_id and event.scan.file for event in consent.events.all()),
            # The scan's file deleted under retention; its row, and the fingerprint of what was signed, stay.
            "scan_removed": any(event.scan_id and not event.scan.file for event in consent.events.all()),
            "can_share_under": consent.status == ConsentStatus.SIGNED and consent.purpose != Purpose.PHOTOGRAPHS,
            # What a letter printed now names, and may be printed with (P13).
            "documents_in_force": (
                document_selectors.in_force(consent.family.scheme_id)
                if consent.status == ConsentStatus.AWAITING_SIGNATURE
                else []
            ),
        },
    )


@POST
@coordinator_required
@load_consent
def letter(request: HttpRequest, consent: Consent) -> HttpResponse:
    """The consent's letter as a PDF download, followed by the scheme's documents in force when the coordinator ticked
    that box. A POST: every print is recorded (SECURITY 14, 17)."""
    with_documents = request.POST.get("with_documents") == "yes"
    try:
        _letter, document = services.consent_letter_reprint(
            consent=consent, actor=request.user, with_documents=with_documents
        )
    except ActionNotAllowed as exc:
        messages.error(request, exc.message)
        return redirect("consents:consent_detail", pk=consent.pk)
    suffix = "-with-documents" if with_documents else ""
    return pdf_attachment(document, f"{consent.family.reference}-consent-letter-{consent.pk}{suffix}.pdf")


@GET_POST
@coordinator_required
@load_consent
def consent_signed(request: HttpRequest, consent: Consent) -> HttpResponse:
    form = None
    if consent.status == ConsentStatus.AWAITING_SIGNATURE:
        form = ConsentSignedForm(
            posted(request),
            posted_files(request),
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
    form = ConsentRefusedForm(posted(request)) if consent.status == ConsentStatus.AWAITING_SIGNATURE else None
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
    form = ConsentWithdrawForm(posted(request)) if consent.status == ConsentStatus.SIGNED else None
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
@recent_authentication_required
def scan(request: HttpRequest, consent: Consent) -> FileResponse:
    """The signed letter's scan, as a download, after the password or a code in the last 10 minutes (SECURITY
    10); every download is in the audit log (SECURITY 16, 17)."""
    stored = selectors.latest_scan(consent)
    if stored is None or not stored.file:  # none, or its file removed under retention
        raise Http404("No scan for this consent")
    try:
        handle = stored.file.open("rb")
    except FileNotFoundError:
        raise Http404("The scan file is missing") from None
    try:
        services.scan_download_record(scan=stored, consent=consent, actor=request.user)
    except ActionNotAllowed:
        handle.close()
        raise Http404("No such consent") from None
    extension = services.SCAN_EXTENSIONS.get(stored.content_type, "bin")
    return FileResponse(
        handle,
        as_attachment=True,
        filename=f"{consent.family.reference}-signed-consent-{consent.pk}.{extension}",
        content_type=stored.content_type,
    )
