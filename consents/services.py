"""Every write about consents, letters, agency requests, photographs and disclosures.

The disclosure service is the one door through which information about a family leaves the scheme (P1): it
checks the lawful basis inside the transaction that locks it, so a withdrawal racing a disclosure cannot let
one through.

Every service is an ``@audit.service`` and writes, in its transaction, one audit entry for each record it creates
or changes (``audit.record_change``) and for each change of a many-to-many relation (``audit.set_m2m``), with an
event type of ``consents.audit``; notes, purposes and photo captions are masked there (ADR 0011).
"""

import datetime
import hashlib
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from django.conf import settings
from django.core.files.base import ContentFile
from django.db.models import Q
from django.utils import timezone

from consents import bases, retention, selectors
from consents.audit import ConsentAuditEvent
from consents.models import (
    AgencyRequest,
    Category,
    Consent,
    ConsentEvent,
    ConsentEventKind,
    ConsentMethod,
    ConsentStatus,
    ConsentWording,
    Disclosure,
    DisclosureBasis,
    Letter,
    LetterKind,
    Photo,
    Purpose,
    RequestStatus,
    SignedScan,
)
from consents.permissions import can_handle_consents, can_publish_wordings, can_record_disclosure
from consents.storage import private_name
from documents import pdf as document_pdf
from documents import selectors as document_selectors
from families import retention as family_retention
from families import services as family_services
from families.models import Family, FamilyStatus, HouseholdMember, MemberKind, Professional
from families.permissions import can_be_chosen
from homestart import audit, pdf
from homestart import retention as core_retention
from homestart.exceptions import ActionNotAllowed, save_or_refuse
from homestart.models import AuditEntry, Scheme, User
from homestart.permissions import can_coordinate, is_scheme_coordinator
from homestart.services import record_anonymise, record_file_remove
from homestart.templating import reverse_keys

CONSENT_TRANSITIONS: dict[str, set[str]] = {
    ConsentStatus.AWAITING_SIGNATURE: {ConsentStatus.SIGNED, ConsentStatus.REFUSED},
    ConsentStatus.SIGNED: {ConsentStatus.WITHDRAWN, ConsentStatus.EXPIRED},
    ConsentStatus.REFUSED: set(),
    ConsentStatus.WITHDRAWN: set(),
    ConsentStatus.EXPIRED: set(),
}

REQUEST_TRANSITIONS: dict[str, set[str]] = {
    RequestStatus.RECEIVED: {RequestStatus.FAMILY_ASKED, RequestStatus.FULFILLED, RequestStatus.DECLINED},
    # A family that never answers: the request can be declined without waiting for ever.
    RequestStatus.FAMILY_ASKED: {
        RequestStatus.PERMISSION_GIVEN,
        RequestStatus.PERMISSION_REFUSED,
        RequestStatus.DECLINED,
    },
    RequestStatus.PERMISSION_GIVEN: {RequestStatus.FULFILLED, RequestStatus.DECLINED},
    RequestStatus.PERMISSION_REFUSED: {RequestStatus.DECLINED},
    RequestStatus.FULFILLED: set(),
    RequestStatus.DECLINED: set(),
}

LETTER_FOR_PURPOSE = {
    Purpose.INFORMATION_EXCHANGE: LetterKind.INFORMATION_EXCHANGE_FORM,
    Purpose.AGENCY_REQUEST: LetterKind.AGENCY_PERMISSION,
    Purpose.PHOTOGRAPHS: LetterKind.PHOTO_CONSENT_FORM,
}

SCAN_SIGNATURES = {
    "application/pdf": (b"%PDF-",),
    "image/jpeg": (b"\xff\xd8\xff",),
    "image/png": (b"\x89PNG\r\n\x1a\n",),
}
SCAN_EXTENSIONS = {"application/pdf": "pdf", "image/jpeg": "jpg", "image/png": "png"}

# Public functions that write nothing (checks and look-ups the pages and services share).
WRITES_NOTHING = ("current_wording", "scan_check", "consent_in_force", "support_agreed_recipients")


def _require_consent_handler(actor: User, family: Family) -> None:
    if not can_handle_consents(actor, family):
        raise ActionNotAllowed("Only a coordinator of this scheme can do that.")


def _clean_categories(categories: Iterable[str]) -> list[str]:
    chosen = list(dict.fromkeys(categories))
    unknown = [value for value in chosen if value not in Category.values]
    if unknown:
        raise ActionNotAllowed("Private notes and other information outside the listed categories are never shared.")
    if not chosen:
        raise ActionNotAllowed("Choose at least one category of information.")
    return chosen


def _professional_in_scheme(professional: Professional, scheme_id: int) -> None:
    """In the scheme's directory and not retired (nor their agency): the rule for anyone named on a new record."""
    family_services.check_professional_choosable(professional, scheme_id=scheme_id)


# Wordings -------------------------------------------------------------------------------------------------------


@audit.service
def wording_publish(*, scheme: Scheme, purpose: str, title: str, body: str, actor: User) -> ConsentWording:
    """Publish a new version of a consent wording (administrators only). Earlier versions, and what was signed
    under them, never change."""
    if not can_publish_wordings(actor, scheme.pk):
        raise ActionNotAllowed("Only an administrator of this scheme can publish wordings.")
    Scheme.objects.select_for_update().filter(pk=scheme.pk).first()
    latest = ConsentWording.objects.filter(scheme=scheme, purpose=purpose).order_by("-version").first()
    wording = save_or_refuse(
        ConsentWording(
            scheme=scheme,
            purpose=purpose,
            version=(latest.version + 1) if latest else 1,
            title=title.strip(),
            body=body.strip(),
            published_by=actor,
        )
    )
    audit.record_change(wording, event=ConsentAuditEvent.WORDING_PUBLISHED, created=True, actor=actor)
    return wording


def current_wording(scheme: Scheme, purpose: str) -> ConsentWording:
    wording = ConsentWording.objects.filter(scheme=scheme, purpose=purpose).order_by("-version").first()
    if wording is None:
        raise ActionNotAllowed(
            "There is no wording for this kind of consent yet. Ask your administrator to publish one."
        )
    return wording


# Letters --------------------------------------------------------------------------------------------------------


def _letter_document(
    *,
    kind: str,
    family: Family,
    consent: Consent | None,
    recipient: Professional | None,
    signed_by: User,
    printed_on: datetime.date | None = None,
    documents: Sequence[Any] = (),
    context: dict[str, Any] | None = None,
) -> bytes:
    """The PDF of a letter: what a first print and a copy of a letter already sent both render. ``documents`` are
    the versions of the scheme's documents it names (P13), with the address of the scheme's public page.

    A consent form is one page, signature box included. Should naming every document in force push it onto a
    second page, the sentence is shortened (``_SHORTER_DOCUMENT_WORDINGS``): the list without the coordinator's
    name, else only the address of the page that lists them. A form that is longer than a page anyway names them
    all. Whatever the letter says, its record keeps every version it was printed under (``Letter.documents``).
    """
    values = {
        "scheme": family.scheme,
        "family": family,
        "consent": consent,
        "wording": consent.wording if consent is not None else None,
        "recipient": recipient,
        "printed_by": signed_by,
        "printed_on": printed_on or timezone.localdate(),
        "documents": list(documents),
        "documents_url": document_selectors.public_page_address(family.scheme) if documents else "",
        **(context or {}),
    }
    document = pdf.render_letter(kind, {**values, "documents_wording": "full"})
    if not documents or kind == LetterKind.SUPPORT_AGREED or document_pdf.page_count(document) == 1:
        return document
    shortest = pdf.render_letter(kind, {**values, "documents_wording": _SHORTER_DOCUMENT_WORDINGS[-1]})
    if document_pdf.page_count(shortest) > 1:
        return document
    for wording in _SHORTER_DOCUMENT_WORDINGS[:-1]:
        shorter = pdf.render_letter(kind, {**values, "documents_wording": wording})
        if document_pdf.page_count(shorter) == 1:
            return shorter
    return shortest


# How a consent form names the documents in force when the full sentence does not fit its one page, longest first
# (templates/letters/_consent_form.html).
_SHORTER_DOCUMENT_WORDINGS = ("short", "address")


def _print(
    *,
    kind: str,
    family: Family,
    actor: User,
    consent: Consent | None = None,
    recipient: Professional | None = None,
    context: dict[str, Any] | None = None,
    with_documents: bool = False,
) -> tuple[Letter, bytes]:
    """Print a letter and record it. It names the scheme's documents in force now, and its record keeps which
    versions those were; ``with_documents`` puts their PDFs after the letter, in the one file to print."""
    wording = consent.wording if consent is not None else None
    named = document_selectors.in_force(family.scheme_id)
    document = _letter_document(
        kind=kind,
        family=family,
        consent=consent,
        recipient=recipient,
        signed_by=actor,
        documents=named,
        context=context,
    )
    letter = save_or_refuse(
        Letter(
            family=family,
            kind=kind,
            consent=consent,
            recipient=recipient,
            wording=wording,
            sha256=hashlib.sha256(document).hexdigest(),
            printed_by=actor,
        )
    )
    # The letter's own entry is the print on record: who printed it, and the SHA-256 of the exact PDF (the letter's
    # own pages: documents printed after it are named by version, and are kept as they were published).
    extra: dict[str, Any] = {"sha256": letter.sha256}
    if with_documents and named:
        extra["documents_printed_with_it"] = [version.pk for version in named]
    audit.record_change(letter, event=ConsentAuditEvent.LETTER_PRINTED, created=True, actor=actor, extra=extra)
    audit.set_m2m(letter, "documents", named, event=ConsentAuditEvent.LETTER_PRINTED, actor=actor)
    if consent is not None and kind != LetterKind.SUPPORT_AGREED:
        printed = save_or_refuse(
            ConsentEvent(
                consent=consent, kind=ConsentEventKind.PRINTED, occurred_on=timezone.localdate(), recorded_by=actor
            )
        )
        audit.record_change(printed, event=ConsentAuditEvent.CONSENT_FORM_PRINTED, created=True, actor=actor)
    if with_documents and named:
        document = document_pdf.letter_with_documents(document, named)
    return letter, document


@audit.service
def consent_letter_reprint(*, consent: Consent, actor: User, with_documents: bool = False) -> tuple[Letter, bytes]:
    """Print a consent's letter (again), on the wording version fixed when it was asked for; every print is recorded.
    With ``with_documents``, the scheme's documents in force (those the letter names) follow it in the same PDF."""
    _require_consent_handler(actor, consent.family)
    if consent.status != ConsentStatus.AWAITING_SIGNATURE:
        raise ActionNotAllowed("Only a consent still waiting for a signature can be printed again.")
    return _print(
        kind=LETTER_FOR_PURPOSE[consent.purpose],
        family=consent.family,
        consent=consent,
        actor=actor,
        with_documents=with_documents,
    )


# Consents -------------------------------------------------------------------------------------------------------


class PhotoConsentAlreadyAsked(ActionNotAllowed):
    """A photo consent form is printed once: not while one covers the photo, nor while one waits for a signature."""

    def __init__(self, family: Family) -> None:
        super().__init__(f"The {family.family_name} family has already been asked about this photograph")


@audit.service
def consent_request(
    *,
    family: Family,
    purpose: str,
    signer: HouseholdMember,
    recipients: Sequence[Professional] = (),
    categories: Sequence[str] = (),
    review_on: datetime.date,
    agency_request: AgencyRequest | None = None,
    photos: Sequence[Photo] = (),
    print_letter: bool = True,
    actor: User,
) -> tuple[Consent, Letter | None, bytes | None]:
    """Ask a family for consent: fix its scope on the current wording and (unless told not to) print the letter.

    A page that offers its own "Print the letter" button passes ``print_letter=False``, so that only letters
    really printed are on record (P5). A family is asked about a photograph once (``PhotoConsentAlreadyAsked``):
    again only once its answer was a refusal, or its consent was withdrawn or is past its review date (P11).
    """
    _require_consent_handler(actor, family)
    if signer.family_id != family.pk or signer.kind != MemberKind.ADULT:
        raise ActionNotAllowed("Choose an adult in this family to sign.")
    if review_on <= timezone.localdate():
        raise ActionNotAllowed("The review date must be in the future.")
    if purpose == Purpose.PHOTOGRAPHS:
        categories = categories or []
        if not photos:
            raise ActionNotAllowed("Choose the photographs the family is asked about.")
        if any(
            photo.scheme_id != family.scheme_id or not photo.families.filter(pk=family.pk).exists() for photo in photos
        ):
            raise ActionNotAllowed("Choose photographs this family is in.")
        # Locked, so that two coordinators printing at once cannot both ask the family about the same photograph.
        today = timezone.localdate()
        for photo in Photo.objects.select_for_update().filter(pk__in=[chosen.pk for chosen in photos]).order_by("pk"):
            if not selectors.photo_consent_row(photo, family, today).can_print:
                raise PhotoConsentAlreadyAsked(family)
    else:
        categories = _clean_categories(categories)
        if not recipients:
            raise ActionNotAllowed("Choose who the information may be shared with.")
        for recipient in recipients:
            _professional_in_scheme(recipient, family.scheme_id)
    if purpose == Purpose.AGENCY_REQUEST:
        if agency_request is None or agency_request.family_id != family.pk:
            raise ActionNotAllowed("A permission letter belongs to an agency's request about this family.")
    elif agency_request is not None:
        raise ActionNotAllowed("Only a permission letter belongs to an agency's request.")
    consent = save_or_refuse(
        Consent(
            family=family,
            purpose=purpose,
            wording=current_wording(family.scheme, purpose),
            signer=signer,
            categories=list(categories),
            agency_request=agency_request,
            review_on=review_on,
            created_by=actor,
        )
    )
    audit.record_change(consent, event=ConsentAuditEvent.CONSENT_REQUESTED, created=True, actor=actor)
    audit.set_m2m(consent, "recipients", recipients, event=ConsentAuditEvent.CONSENT_REQUESTED, actor=actor)
    audit.set_m2m(consent, "photos", photos, event=ConsentAuditEvent.CONSENT_REQUESTED, actor=actor)
    if not print_letter:
        return consent, None, None
    letter, document = _print(kind=LETTER_FOR_PURPOSE[purpose], family=family, consent=consent, actor=actor)
    return consent, letter, document


def _move_consent(consent: Consent, to: str, *, event: str, actor: User | None) -> None:
    if to not in CONSENT_TRANSITIONS[consent.status]:
        raise ActionNotAllowed(
            f"A consent that is “{consent.get_status_display().lower()}” cannot become “{ConsentStatus(to).label.lower()}”."
        )
    before = audit.snapshot(consent)
    consent.status = to
    consent.save(update_fields=["status"])
    audit.record_change(consent, event=event, before=before, actor=actor)


def _lock_consent(consent: Consent) -> Consent:
    return Consent.objects.select_for_update(of=("self",)).select_related("family").get(pk=consent.pk)


def scan_check(upload: Any) -> str:
    """The scan's type, judged by its content (not its name): PDF, JPEG or PNG, at most 10 MB."""
    if upload.size > settings.SIGNED_SCAN_MAX_BYTES:
        raise ActionNotAllowed("The file is larger than 10 MB. Scan it at a lower resolution, or photograph it.")
    upload.seek(0)
    head = upload.read(16)
    upload.seek(0)
    for content_type, signatures in SCAN_SIGNATURES.items():
        if any(head.startswith(signature) for signature in signatures):
            if content_type != "application/pdf":
                _check_image(upload)
            return content_type
    raise ActionNotAllowed("The file must be a PDF, JPEG or PNG scan or photo of the signed letter.")


def _check_image(upload: Any) -> None:
    from PIL import Image

    try:
        with Image.open(upload) as image:
            image.verify()
    except Exception:  # noqa: BLE001 - any decoding failure means "not a usable image"
        raise ActionNotAllowed("The image could not be read. Take the photo again.") from None
    finally:
        upload.seek(0)


@audit.service
def consent_record_signed(
    *, consent: Consent, scan: Any, signed_on: datetime.date, method: str, received_by: User, actor: User
) -> Consent:
    """Record the family's signature: the uploaded scan or photo of the signed letter is kept as evidence (P5)."""
    consent = _lock_consent(consent)
    _require_consent_handler(actor, consent.family)
    if method not in (ConsentMethod.SCANNED_LETTER, ConsentMethod.PHOTOGRAPHED_LETTER):
        raise ActionNotAllowed("Choose whether the signed letter was scanned or photographed.")
    if signed_on > timezone.localdate() or signed_on < consent.created_at.date():
        raise ActionNotAllowed("The date signed must be between the day the letter was printed and today.")
    if received_by.scheme_id != consent.family.scheme_id:
        raise ActionNotAllowed("Choose who received the signed letter.")
    content_type = scan_check(scan)
    data = scan.read()
    stored = SignedScan(
        content_type=content_type, size=len(data), sha256=hashlib.sha256(data).hexdigest(), uploaded_by=actor
    )
    stored.file.save(private_name(SCAN_EXTENSIONS[content_type]), ContentFile(data), save=False)
    save_or_refuse(stored)
    # The scan finds its family through the event that files it, not yet written: named here.
    audit.record_change(
        stored, event=ConsentAuditEvent.CONSENT_SIGNED, created=True, actor=actor, family_pk=consent.family_id
    )
    _move_consent(consent, ConsentStatus.SIGNED, event=ConsentAuditEvent.CONSENT_SIGNED, actor=actor)
    signed = save_or_refuse(
        ConsentEvent(
            consent=consent,
            kind=ConsentEventKind.SIGNED,
            occurred_on=signed_on,
            method=method,
            received_by=received_by,
            scan=stored,
            recorded_by=actor,
        )
    )
    audit.record_change(signed, event=ConsentAuditEvent.CONSENT_SIGNED, created=True, actor=actor)
    if consent.agency_request_id:
        _move_request(
            AgencyRequest.objects.select_for_update().get(pk=consent.agency_request_id),
            RequestStatus.PERMISSION_GIVEN,
            event=ConsentAuditEvent.REQUEST_PERMISSION_GIVEN,
            actor=actor,
        )
    return consent


@audit.service
def consent_record_refused(
    *, consent: Consent, refused_on: datetime.date, method: str, note: str = "", actor: User
) -> Consent:
    """Record that the family said no. Nothing covered by this consent may be shared."""
    consent = _lock_consent(consent)
    _require_consent_handler(actor, consent.family)
    if refused_on > timezone.localdate():
        raise ActionNotAllowed("The date cannot be in the future.")
    _move_consent(consent, ConsentStatus.REFUSED, event=ConsentAuditEvent.CONSENT_REFUSED, actor=actor)
    refused = save_or_refuse(
        ConsentEvent(
            consent=consent,
            kind=ConsentEventKind.REFUSED,
            occurred_on=refused_on,
            method=method,
            note=note.strip(),
            recorded_by=actor,
        )
    )
    audit.record_change(refused, event=ConsentAuditEvent.CONSENT_REFUSED, created=True, actor=actor)
    if consent.agency_request_id:
        _move_request(
            AgencyRequest.objects.select_for_update().get(pk=consent.agency_request_id),
            RequestStatus.PERMISSION_REFUSED,
            event=ConsentAuditEvent.REQUEST_PERMISSION_REFUSED,
            actor=actor,
        )
    return consent


@audit.service
def consent_withdraw(
    *, consent: Consent, withdrawn_on: datetime.date, method: str, note: str = "", actor: User
) -> Consent:
    """Record a withdrawal: from this moment nothing more is shared under this consent (photos stop being usable)."""
    consent = _lock_consent(consent)
    _require_consent_handler(actor, consent.family)
    if withdrawn_on > timezone.localdate():
        raise ActionNotAllowed("The date cannot be in the future.")
    if method not in ConsentMethod.values or method == ConsentMethod.REVIEW_DATE_PASSED:
        raise ActionNotAllowed("Choose how the family withdrew their consent.")
    _move_consent(consent, ConsentStatus.WITHDRAWN, event=ConsentAuditEvent.CONSENT_WITHDRAWN, actor=actor)
    withdrawn = save_or_refuse(
        ConsentEvent(
            consent=consent,
            kind=ConsentEventKind.WITHDRAWN,
            occurred_on=withdrawn_on,
            method=method,
            note=note.strip(),
            recorded_by=actor,
        )
    )
    audit.record_change(withdrawn, event=ConsentAuditEvent.CONSENT_WITHDRAWN, created=True, actor=actor)
    return consent


@audit.service
def consents_expire(*, today: datetime.date | None = None) -> int:
    """Mark signed consents past their review date as expired (run daily). Returns how many expired.

    The system does it, so its entries name no one (each consent and its new event has one)."""
    today = today or timezone.localdate()
    expired = 0
    for consent in Consent.objects.select_for_update().filter(status=ConsentStatus.SIGNED, review_on__lt=today):
        _move_consent(consent, ConsentStatus.EXPIRED, event=ConsentAuditEvent.CONSENT_EXPIRED, actor=None)
        lapsed = save_or_refuse(
            ConsentEvent(
                consent=consent,
                kind=ConsentEventKind.EXPIRED,
                occurred_on=today,
                method=ConsentMethod.REVIEW_DATE_PASSED,
                recorded_by=None,
            )
        )
        audit.record_change(lapsed, event=ConsentAuditEvent.CONSENT_EXPIRED, created=True, actor=None)
        expired += 1
    return expired


def consent_in_force(consent: Consent, on: datetime.date) -> bool:
    """Signed, not withdrawn or expired, and not past its review date on the given day."""
    return consent.status == ConsentStatus.SIGNED and consent.review_on >= on


@audit.service
def scan_download_record(*, scan: SignedScan, consent: Consent, actor: User) -> AuditEntry:
    """Put a download of the scan of a consent's signed letter in the audit log: every one is (SECURITY 16, 17)."""
    _require_consent_handler(actor, consent.family)
    return audit.record_event(
        event=ConsentAuditEvent.SCAN_DOWNLOADED,
        instance=scan,
        actor=actor,
        extra={"consent": consent.pk, "family": consent.family_id},
        family_pk=consent.family_id,
    )


# Disclosures ----------------------------------------------------------------------------------------------------


def _consent_refusal(
    consent: Consent, *, family: Family, recipient: Professional, categories: list[str], on: datetime.date
) -> str | None:
    if consent.family_id != family.pk:
        return "That consent belongs to another family."
    if consent.purpose == Purpose.PHOTOGRAPHS:
        return "A photo consent covers publicity photographs, not sharing information."
    if consent.status == ConsentStatus.WITHDRAWN:
        return "The family has withdrawn this consent."
    if consent.status == ConsentStatus.REFUSED:
        return "The family refused this consent."
    if consent.status == ConsentStatus.AWAITING_SIGNATURE:
        return "This consent has not been signed yet: record the signed letter first."
    if consent.status == ConsentStatus.EXPIRED or consent.review_on < on:
        return f"This consent expired on {consent.review_on:%-d %B %Y}: ask the family to renew it."
    if not consent.recipients.filter(pk=recipient.pk).exists():
        return f"The consent does not cover sharing with {recipient.name}."
    missing = [Category(value).label for value in categories if value not in consent.categories]
    if missing:
        return "The consent does not cover: " + "; ".join(missing) + "."
    return None


def _consent_basis_check(proposal: bases.Proposal) -> str | None:
    """The family's signed consent, in force, naming the recipient and every category (P3, P5)."""
    if proposal.evidence is None:
        return "Choose the signed consent this is shared under."
    consent = Consent.objects.select_for_update().get(pk=proposal.evidence.pk)  # a racing withdrawal waits, or wins
    return _consent_refusal(
        consent, family=proposal.family, recipient=proposal.recipient, categories=proposal.categories, on=proposal.on
    )


def _request_basis_check(proposal: bases.Proposal) -> str | None:
    """An agency's request about this family, answered within what it asked, with the family's written permission
    in force (P6)."""
    if proposal.evidence is None:
        return "Choose the agency's request this answers."
    request = AgencyRequest.objects.select_for_update().get(pk=proposal.evidence.pk)
    family, recipient, categories = proposal.family, proposal.recipient, proposal.categories
    if request.family_id != family.pk or not request.identifying:
        return "That request is not about this family."
    if recipient.agency_id != request.requester.agency_id:
        return f"The request came from {request.requester.agency.name}, not {recipient.agency.name}."
    missing = [Category(value).label for value in categories if value not in request.categories]
    if missing:
        return "The request did not ask for: " + "; ".join(missing) + "."
    permission = (
        Consent.objects.select_for_update()
        .filter(agency_request=request, family=family, purpose=Purpose.AGENCY_REQUEST)
        .order_by("-created_at")
        .first()
    )
    if permission is None:
        return "The family has not been asked: print the permission letter first."
    return _consent_refusal(permission, family=family, recipient=recipient, categories=categories, on=proposal.on)


CONSENT_BASIS = bases.Basis(
    name=DisclosureBasis.CONSENT,
    label=DisclosureBasis.CONSENT.label,
    check=_consent_basis_check,
    visible_to=lambda user: Q(),
    describe=lambda disclosure: bases.BasisLink(
        "Signed consent", reverse_keys("consents:consent_detail", disclosure.consent_id)
    ),
)
AGENCY_REQUEST_BASIS = bases.Basis(
    name=DisclosureBasis.AGENCY_REQUEST,
    label=DisclosureBasis.AGENCY_REQUEST.label,
    check=_request_basis_check,
    visible_to=lambda user: Q(),
    describe=lambda disclosure: bases.BasisLink("Agency's request, with written permission"),
)


class DisclosureRefused(ActionNotAllowed):
    """No lawful basis for this disclosure; the message names what is missing."""


@audit.service
def disclosure_record(
    *,
    family: Family,
    recipient: Professional,
    categories: Sequence[str],
    summary: str,
    method: str,
    disclosed_on: datetime.date,
    basis: str,
    consent: Consent | None = None,
    agency_request: AgencyRequest | None = None,
    evidence: Any = None,
    reference_number: str = "",
    actor: User,
) -> Disclosure:
    """Record information shared about a family, after checking its lawful basis under a row lock (P1, P3, P4, P6).

    The basis is looked up in ``consents.bases``; one nobody registered is refused. ``consent`` and
    ``agency_request`` are the evidence for this app's own bases, ``evidence`` for a basis registered by an app
    above (safeguarding passes the concern, and its basis repeats the workflow's order check, so that no caller
    can record a referral early).
    """
    if not can_record_disclosure(actor, family):
        raise ActionNotAllowed("Only a coordinator of this scheme can record a disclosure.")
    _professional_in_scheme(recipient, family.scheme_id)
    categories = _clean_categories(categories)
    if not summary.strip():
        raise ActionNotAllowed("Say in a sentence what was shared.")
    if disclosed_on > timezone.localdate():
        raise ActionNotAllowed("The date cannot be in the future.")
    spec = bases.get(basis)
    if spec is None:
        raise DisclosureRefused("Nothing about a family leaves the scheme without a lawful basis: choose one.")
    consent = consent if basis == DisclosureBasis.CONSENT else None
    agency_request = agency_request if basis == DisclosureBasis.AGENCY_REQUEST else None
    proposal = bases.Proposal(
        family=family,
        recipient=recipient,
        categories=categories,
        on=disclosed_on,
        actor=actor,
        evidence=consent or agency_request or evidence,
    )
    refusal = spec.check(proposal)
    if refusal:
        raise DisclosureRefused(refusal)
    disclosure = save_or_refuse(
        Disclosure(
            family=family,
            recipient=recipient,
            categories=categories,
            summary=summary.strip(),
            method=method,
            disclosed_on=disclosed_on,
            basis=basis,
            consent=consent,
            agency_request=agency_request,
            reference_number=reference_number.strip(),
            recorded_by=actor,
        )
    )
    # The register's line and its entry: what was shared is masked, the basis and the categories are not.
    audit.record_change(disclosure, event=ConsentAuditEvent.DISCLOSURE_RECORDED, created=True, actor=actor)
    if spec.link is not None:
        spec.link(disclosure, proposal)
    return disclosure


@audit.service
def disclosure_decline(
    *,
    family: Family,
    recipient: Professional,
    categories: Sequence[str],
    reason: str,
    decided_on: datetime.date,
    actor: User,
) -> Disclosure:
    """Record a decision not to share, with its reason (information-sharing golden rule 7)."""
    if not can_record_disclosure(actor, family):
        raise ActionNotAllowed("Only a coordinator of this scheme can record a decision about sharing.")
    _professional_in_scheme(recipient, family.scheme_id)
    if not reason.strip():
        raise ActionNotAllowed("Enter the reason for not sharing.")
    if decided_on > timezone.localdate():
        raise ActionNotAllowed("The date cannot be in the future.")
    decision = save_or_refuse(
        Disclosure(
            family=family,
            recipient=recipient,
            shared=False,
            categories=_clean_categories(categories),
            reason=reason.strip(),
            disclosed_on=decided_on,
            recorded_by=actor,
        )
    )
    audit.record_change(decision, event=ConsentAuditEvent.DISCLOSURE_RECORDED, created=True, actor=actor)
    return decision


def support_agreed_recipients(family: Family, referral: Any) -> list[Professional]:
    """Who is told that support was agreed: the latest referral's referrer and the health visitor, once each,
    leaving out anyone retired from the directory (they have left; notices go to the people there now)."""
    named = [p for p in (referral.referrer if referral else None, family.health_visitor) if p is not None]
    return [p for p in {p.pk: p for p in named}.values() if can_be_chosen(p)]


@audit.service
def support_agreed_notices_send(*, family: Family, method: str, actor: User) -> list[tuple[Letter, bytes, Disclosure]]:
    """Tell the referrer and the health visitor that support was agreed (P2), under the signed consent (P3)."""
    # Locked first, and its health visitor read after the lock: joined to the locked row, a health visitor changed
    # while this waited would be rechecked against the professional read before, and lost
    # (tests/consents/test_races.py).
    Family.objects.select_for_update().filter(pk=family.pk).first()
    family = Family.objects.select_related("health_visitor__agency", "scheme").get(pk=family.pk)
    if not can_record_disclosure(actor, family):
        raise ActionNotAllowed("Only a coordinator of this scheme can send the support-agreed notices.")
    if family.status != FamilyStatus.SUPPORTED:
        raise ActionNotAllowed("Support-agreed notices are sent once a volunteer is supporting the family.")
    consent = (
        Consent.objects.filter(family=family, purpose=Purpose.INFORMATION_EXCHANGE, status=ConsentStatus.SIGNED)
        .order_by("-created_at")
        .first()
    )
    if consent is None:
        raise DisclosureRefused("The family has not signed an information-exchange consent yet: print the form first.")
    referral = family.referrals.select_related("referrer__agency").order_by("-date_received").first()
    recipients = support_agreed_recipients(family, referral)
    if not recipients:
        raise ActionNotAllowed(
            "The family has no referrer or health visitor to tell: none is recorded, or those recorded are retired "
            "from the directory."
        )
    sent = []
    for recipient in recipients:
        disclosure = disclosure_record(
            family=family,
            recipient=recipient,
            categories=[Category.SUPPORT_STATUS],
            summary=f"Home-Start support was agreed and started on {family.support_started_on:%-d %B %Y}.",
            method=method,
            disclosed_on=timezone.localdate(),
            basis=DisclosureBasis.CONSENT,
            consent=consent,
            actor=actor,
        )
        letter, document = _print(
            kind=LetterKind.SUPPORT_AGREED, family=family, recipient=recipient, consent=consent, actor=actor
        )
        sent.append((letter, document, disclosure))
    return sent


@audit.service
def support_agreed_letter_reprint(*, letter: Letter, actor: User) -> bytes:
    """Print a support-agreed notice again, at any time, as it was sent: to the same person, with its date and its
    signatory. The print is recorded (``LETTER_PRINTED`` on that letter, with the copy's SHA-256); nothing new is
    shared, so the disclosure register gets no second entry."""
    related = ("family__scheme", "recipient__agency", "consent__wording", "printed_by")
    letter = Letter.objects.select_related(*related).get(pk=letter.pk)
    if not can_handle_consents(actor, letter.family):
        raise ActionNotAllowed("Only a coordinator of this scheme can print the family's letters.")
    if letter.kind != LetterKind.SUPPORT_AGREED:
        raise ActionNotAllowed("Only a support-agreed notice can be printed again here.")
    printed_on = timezone.localdate(letter.printed_at)
    # The support the notice told of: the period under way when it was printed (a family that came back has had
    # several), never a later period's start.
    period = letter.family.support_periods.filter(started_on__lte=printed_on).order_by("-started_on", "-pk").first()
    document = _letter_document(
        kind=letter.kind,
        family=letter.family,
        consent=letter.consent,
        recipient=letter.recipient,
        signed_by=letter.printed_by,
        printed_on=printed_on,
        # The versions the notice named when it was sent, not those in force now.
        documents=document_selectors.ordered(list(letter.documents.select_related("document"))),
        context={"support_started_on": period.started_on} if period else None,
    )
    sha256 = hashlib.sha256(document).hexdigest()
    # The copy is byte for byte the letter sent unless something it shows has changed since (the letterhead, say).
    audit.record_event(
        event=ConsentAuditEvent.LETTER_PRINTED,
        instance=letter,
        actor=actor,
        extra={"sha256": sha256, "reprint": True, "same_as_sent": sha256 == letter.sha256},
    )
    return document


@audit.service
def register_export_record(
    *, family: Family | None, scheme: Scheme, row_count: int, filters: Mapping[str, str], actor: User
) -> AuditEntry:
    """Put an export of the disclosure register (the scheme's, or one family's) in the audit log, with how many rows
    it held and the filters as typed (SECURITY 10, 17)."""
    if not is_scheme_coordinator(actor, scheme.pk) or (family is not None and family.scheme_id != scheme.pk):
        raise ActionNotAllowed("Only a coordinator of this scheme can export its disclosure register.")
    return audit.record_event(
        event=ConsentAuditEvent.REGISTER_EXPORTED,
        instance=family or scheme,
        actor=actor,
        # Filters as typed, made safe to store (no NUL characters, which PostgreSQL's JSON cannot hold; short).
        extra={
            "rows": row_count,
            "filters": {
                key.replace("\x00", "")[:40]: value.replace("\x00", "")[:100] for key, value in filters.items()
            },
        },
    )


# Agency requests ------------------------------------------------------------------------------------------------


def _check_request_move(request: AgencyRequest, to: str) -> None:
    if to not in REQUEST_TRANSITIONS[request.status]:
        raise ActionNotAllowed(
            f"A request that is “{request.get_status_display().lower()}” cannot become “{RequestStatus(to).label.lower()}”."
        )


def _move_request(request: AgencyRequest, to: str, *, event: str, actor: User) -> None:
    _check_request_move(request, to)
    before = audit.snapshot(request)
    request.status = to
    request.save(update_fields=["status"])
    audit.record_change(request, event=event, before=before, actor=actor)


@audit.service
def agency_request_receive(
    *,
    requester: Professional,
    received_on: datetime.date,
    purpose: str,
    categories: Sequence[str],
    identifying: bool,
    family: Family | None,
    due_on: datetime.date,
    actor: User,
) -> AgencyRequest:
    """Log an agency's request. Identifying requests name one family and need its written permission (P6)."""
    if not can_coordinate(actor):
        raise ActionNotAllowed("Only a coordinator can record an agency's request.")
    _professional_in_scheme(requester, actor.scheme_id)
    if identifying and (family is None or family.scheme_id != actor.scheme_id):
        raise ActionNotAllowed("Choose the family the request is about.")
    if not identifying and family is not None:
        raise ActionNotAllowed("A statistical request is not about one family.")
    if received_on > timezone.localdate():
        raise ActionNotAllowed("The date received cannot be in the future.")
    if due_on < received_on:
        raise ActionNotAllowed("The due date cannot be before the request was received.")
    request = save_or_refuse(
        AgencyRequest(
            scheme_id=actor.scheme_id,
            requester=requester,
            received_on=received_on,
            purpose=purpose.strip(),
            categories=_clean_categories(categories),
            identifying=identifying,
            family=family if identifying else None,
            due_on=due_on,
            recorded_by=actor,
        )
    )
    audit.record_change(request, event=ConsentAuditEvent.REQUEST_RECEIVED, created=True, actor=actor)
    return request


@audit.service
def agency_request_ask_family(
    *, request: AgencyRequest, signer: HouseholdMember, review_on: datetime.date, actor: User
) -> tuple[Consent, Letter, bytes]:
    """Print the permission letter for an identifying request; nothing is released until it comes back signed."""
    request = (
        AgencyRequest.objects.select_for_update(of=("self",)).select_related("family", "requester").get(pk=request.pk)
    )
    if not request.identifying:
        raise ActionNotAllowed("Statistical requests are answered with anonymised figures, without asking families.")
    _move_request(request, RequestStatus.FAMILY_ASKED, event=ConsentAuditEvent.REQUEST_FAMILY_ASKED, actor=actor)
    return consent_request(
        family=request.family,
        purpose=Purpose.AGENCY_REQUEST,
        signer=signer,
        recipients=[request.requester],
        categories=request.categories,
        review_on=review_on,
        agency_request=request,
        actor=actor,
    )


@audit.service
def agency_request_close(*, request: AgencyRequest, fulfilled: bool, note: str, actor: User) -> AgencyRequest:
    """Close a request as answered or declined, saying how; who closed it, and when, is kept on the request."""
    request = AgencyRequest.objects.select_for_update().get(pk=request.pk)
    if not is_scheme_coordinator(actor, request.scheme_id):
        raise ActionNotAllowed("Only a coordinator of this scheme can close a request.")
    if not note.strip():
        raise ActionNotAllowed("Say how the request was answered, or why it was declined.")
    if fulfilled and request.identifying and not request.disclosures.filter(shared=True).exists():
        raise ActionNotAllowed("Record what was shared in the disclosure register before marking the request answered.")
    to = RequestStatus.FULFILLED if fulfilled else RequestStatus.DECLINED
    _check_request_move(request, to)
    before = audit.snapshot(request)
    request.status = to
    request.outcome_note = note.strip()
    request.closed_by = actor
    request.closed_at = timezone.now()
    request.save(update_fields=["status", "outcome_note", "closed_by", "closed_at"])
    event = ConsentAuditEvent.REQUEST_ANSWERED if fulfilled else ConsentAuditEvent.REQUEST_DECLINED
    audit.record_change(request, event=event, before=before, actor=actor)
    return request


# Photographs ----------------------------------------------------------------------------------------------------


@audit.service
def photo_record(
    *,
    scheme: Scheme,
    event: str,
    taken_on: datetime.date,
    description: str,
    families: Sequence[Family],
    image: Any = None,
    actor: User,
) -> Photo:
    """Record a photograph from an event and the families in it (not yet usable: each family must consent, P11)."""
    if not is_scheme_coordinator(actor, scheme.pk):
        raise ActionNotAllowed("Only a coordinator of this scheme can record photographs.")
    if not families or any(family.scheme_id != scheme.pk for family in families):
        raise ActionNotAllowed("Choose the families in the photograph.")
    if taken_on > timezone.localdate():
        raise ActionNotAllowed("The date cannot be in the future.")
    photo = Photo(
        scheme=scheme, event=event.strip(), taken_on=taken_on, description=description.strip(), recorded_by=actor
    )
    if image is not None:
        content_type = scan_check(image)
        if content_type == "application/pdf":
            raise ActionNotAllowed("Upload the photograph as a JPEG or PNG.")
        photo.image.save(private_name(SCAN_EXTENSIONS[content_type]), ContentFile(image.read()), save=False)
    save_or_refuse(photo)
    audit.record_change(photo, event=ConsentAuditEvent.PHOTO_RECORDED, created=True, actor=actor)
    # The families in it by id only: the entry is about the photograph, which belongs to no one family.
    audit.set_m2m(photo, "families", families, event=ConsentAuditEvent.PHOTO_RECORDED, actor=actor)
    return photo


# --- Retention (consents.retention): what this app keeps about a family goes with the family's ------------------


@audit.service
def consent_anonymise(*, consent: Consent, today: datetime.date, actor: User | None = None) -> bool:
    """Anonymise a consent of a family past retention: each event's note becomes "[anonymised]" and the scan of the
    signed letter is deleted from storage, its row kept as "removed under retention". Who signed, which wording,
    the scope and the dates stay. Answers False, changing nothing, when the family is no longer past retention."""
    if not family_retention.lock_if_past_retention(consent.family_id, today):
        return False
    family_pk = consent.family_id
    events = ConsentEvent.objects.select_for_update(of=("self",)).filter(consent=consent).select_related("scan")
    for event in events.order_by("pk"):
        record_anonymise(
            record=event, values={"note": core_retention.anonymised_text(event.note)}, actor=actor, family_pk=family_pk
        )
        if event.scan is not None:
            record_file_remove(record=event.scan, field="file", actor=actor, family_pk=family_pk)
    return True


@audit.service
def disclosure_anonymise(*, disclosure: Disclosure, today: datetime.date, actor: User | None = None) -> bool:
    """Anonymise a line of the disclosure register about a family past retention: what was shared in a sentence,
    the reason for not sharing and the agency's reference. Who, when, how, on what basis and which categories stay:
    the register still shows that something was shared and why it could be."""
    if not family_retention.lock_if_past_retention(disclosure.family_id, today):
        return False
    disclosure = Disclosure.objects.select_for_update().get(pk=disclosure.pk)
    text = core_retention.anonymised_text
    record_anonymise(
        record=disclosure,
        values={
            "summary": text(disclosure.summary),
            "reason": text(disclosure.reason),
            "reference_number": text(disclosure.reference_number),
        },
        actor=actor,
        family_pk=disclosure.family_id,
    )
    return True


@audit.service
def agency_request_anonymise(*, request: AgencyRequest, today: datetime.date, actor: User | None = None) -> bool:
    """Anonymise an agency's request about a family past retention: what the agency said it needed and the outcome
    note. The agency, the dates, the categories and the status stay for the scheme's figures."""
    if request.family_id is None or not family_retention.lock_if_past_retention(request.family_id, today):
        return False
    request = AgencyRequest.objects.select_for_update().get(pk=request.pk)
    record_anonymise(
        record=request,
        values={
            "purpose": core_retention.ANONYMISED,
            "outcome_note": core_retention.anonymised_text(request.outcome_note),
        },
        actor=actor,
        family_pk=request.family_id,
    )
    return True


@audit.service
def photo_anonymise(*, photo: Photo, today: datetime.date, actor: User | None = None) -> bool:
    """Delete a photograph's image and anonymise what it was of (the event and the caption can name the families)
    once a family in it is past retention and none is held (a picture cannot leave one family out). The row
    stays, with its date and families, for the figures."""
    # Every family in it locked, as a hold on any of them locks its row: a hold placed meanwhile wins.
    list(Family.objects.select_for_update(of=("self",)).filter(photos=photo).order_by("pk").values_list("pk"))
    if not retention.photos_due(today).filter(pk=photo.pk).exists():
        return False
    photo = Photo.objects.select_for_update().get(pk=photo.pk)
    record_anonymise(
        record=photo, values={"event": core_retention.ANONYMISED, "description": core_retention.ANONYMISED}, actor=actor
    )
    record_file_remove(record=photo, field="image", actor=actor)
    return True
