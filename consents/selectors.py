"""Reads about consents and disclosures that depend on who is asking. Volunteers never reach any of it (P7)."""

import datetime
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from django.db.models import Count, Max, Prefetch, Q, QuerySet
from django.http import Http404
from django.utils import timezone

from consents import bases
from consents.models import (
    AgencyRequest,
    Consent,
    ConsentEvent,
    ConsentEventKind,
    ConsentStatus,
    ConsentWording,
    Disclosure,
    Letter,
    LetterKind,
    Photo,
    Purpose,
    RequestStatus,
    SignedScan,
)
from consents.permissions import can_read_wordings
from families.models import Agency, Family, HouseholdMember, MemberKind
from homestart.decorators import loads
from homestart.models import User
from homestart.permissions import can_coordinate


def _scheme_or_none(user: User) -> int | None:
    return user.scheme_id if can_coordinate(user) else None


def consents_for_family(user: User, family: Family) -> QuerySet[Consent]:
    if _scheme_or_none(user) != family.scheme_id:
        return Consent.objects.none()
    return (
        Consent.objects.filter(family=family)
        .select_related("wording", "signer", "agency_request")
        .prefetch_related("recipients__agency", "events__received_by", "events__recorded_by", "events__scan")
    )


def consent_histories_for_family(user: User, family: Family) -> QuerySet[Consent]:
    """The family's consents with their events (who received and recorded each) in two queries, for the family page."""
    if _scheme_or_none(user) != family.scheme_id:
        return Consent.objects.none()
    events = ConsentEvent.objects.select_related("received_by", "recorded_by")
    return (
        Consent.objects.filter(family=family)
        .select_related("signer")
        .prefetch_related(Prefetch("events", queryset=events))
    )


def get_consent_for_user_or_404(user: User, pk: Any) -> Consent:
    try:
        return Consent.objects.select_related("family", "wording", "signer").get(
            pk=pk, family__scheme_id=_scheme_or_none(user)
        )
    except (Consent.DoesNotExist, ValueError, TypeError):
        raise Http404("No such consent") from None


def latest_scan(consent: Consent) -> SignedScan | None:
    """The scan or photo of the consent's signed letter recorded last, if there is one."""
    event = (
        ConsentEvent.objects.filter(consent=consent, scan__isnull=False)
        .select_related("scan")
        .order_by("-recorded_at", "-pk")
        .first()
    )
    return event.scan if event is not None else None


def disclosures(user: User) -> QuerySet[Disclosure]:
    """The scheme's disclosure register, for its coordinators only.

    Each basis narrows what is listed through its own filter (``consents.bases``): a safeguarding referral, for
    example, is listed only for those who may read its concern; for anyone else it must not be seen to exist (P12).
    """
    rows = (
        Disclosure.objects.filter(family__scheme_id=_scheme_or_none(user))
        .filter(bases.visible_filter(user))
        # What a row shows: the consent or agency request behind it is linked by its id alone (``bases``), so
        # neither is joined (two joins more made PostgreSQL take more than twice as long to plan the page's query).
        .select_related("family", "recipient__agency", "recorded_by")
        .order_by("-disclosed_on", "-pk")
    )
    return bases.annotate(rows)


def register_rows(user: User, *, family: Family | None = None, filters: Mapping[str, Any]) -> QuerySet[Disclosure]:
    """The disclosure register the user may read (the scheme's, or one family's), narrowed by the register's
    filters as the filter form cleans them: from and to dates, the organisation, the basis, shared or not."""
    rows = disclosures(user)
    if family is not None:
        rows = rows.filter(family=family)
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


def agency_requests(user: User) -> QuerySet[AgencyRequest]:
    return AgencyRequest.objects.filter(scheme_id=_scheme_or_none(user)).select_related("requester__agency", "family")


def get_agency_request_for_user_or_404(user: User, pk: Any) -> AgencyRequest:
    try:
        return agency_requests(user).get(pk=pk)
    except (AgencyRequest.DoesNotExist, ValueError, TypeError):
        raise Http404("No such request") from None


def photos(user: User) -> QuerySet[Photo]:
    return Photo.objects.filter(scheme_id=_scheme_or_none(user)).prefetch_related("families", "consents")


def photo_families_waiting(photo: Photo, on: datetime.date | None = None) -> list[Family]:
    """The families in the photo without a signed photo consent covering it, in force on the day (P11).

    Reads ``photo.families`` and ``photo.consents``, so a list of photos from ``photos()`` (which prefetches both)
    costs no query per photo; a photo loaded on its own costs two.
    """
    on = on or timezone.localdate()
    covered = {
        consent.family_id
        for consent in photo.consents.all()
        if consent.purpose == Purpose.PHOTOGRAPHS and consent.status == ConsentStatus.SIGNED and consent.review_on >= on
    }
    return [family for family in photo.families.all() if family.pk not in covered]


def get_photo_for_user_or_404(user: User, pk: Any) -> Photo:
    try:
        return photos(user).get(pk=pk)
    except (Photo.DoesNotExist, ValueError, TypeError):
        raise Http404("No such photograph") from None


def photo_usable(photo: Photo, on: datetime.date | None = None) -> bool:
    """Usable for publicity only while every family in it has a signed photo consent covering it, in force (P11)."""
    families = list(photo.families.all())
    return bool(families) and not photo_families_waiting(photo, on)


@dataclass(frozen=True)
class PhotoFamilyRow:
    """One family in a photograph: the photo consent to show for it, and whether it may be asked (again)."""

    family: Family
    # The consent that covers the photo now if there is one, else the latest the family was asked for, if any.
    consent: Consent | None
    covered: bool
    # A form is printed only for a family not covered and not already holding one that waits for a signature.
    can_print: bool


def _photo_consents_newest_first(photo: Photo) -> list[Consent]:
    return sorted(
        (consent for consent in photo.consents.all() if consent.purpose == Purpose.PHOTOGRAPHS),
        key=lambda consent: (consent.created_at, consent.pk),
        reverse=True,
    )


def _photo_family_row(family: Family, photo_consents: list[Consent], waiting: set[int]) -> PhotoFamilyRow:
    own = [consent for consent in photo_consents if consent.family_id == family.pk]
    covered = family.pk not in waiting
    shown = next((consent for consent in own if consent.status == ConsentStatus.SIGNED), None) if covered else None
    latest = shown or (own[0] if own else None)
    can_print = not covered and not (latest and latest.status == ConsentStatus.AWAITING_SIGNATURE)
    return PhotoFamilyRow(family=family, consent=latest, covered=covered, can_print=can_print)


def photo_consent_rows(photo: Photo, on: datetime.date | None = None) -> list[PhotoFamilyRow]:
    """Every family in the photo, by name, with its adults (``family.adults``, who may sign a form), whether a
    signed photo consent covers the photo on the day (P11), and whether a form may be printed for it.

    Reads ``photo.consents`` and ``photo.families`` as ``photo_families_waiting`` does, plus one query for the
    families with their adults.
    """
    on = on or timezone.localdate()
    adults = Prefetch("members", queryset=HouseholdMember.objects.filter(kind=MemberKind.ADULT), to_attr="adults")
    families = list(photo.families.prefetch_related(adults).order_by("family_name", "reference"))
    photo_consents = _photo_consents_newest_first(photo)
    waiting = {family.pk for family in photo_families_waiting(photo, on)}
    return [_photo_family_row(family, photo_consents, waiting) for family in families]


def photo_consent_row(photo: Photo, family: Family, on: datetime.date | None = None) -> PhotoFamilyRow:
    """The same for one family in the photo (its adults not loaded), for the service that prints the form."""
    on = on or timezone.localdate()
    waiting = {waiting_family.pk for waiting_family in photo_families_waiting(photo, on)}
    return _photo_family_row(family, _photo_consents_newest_first(photo), waiting)


def consents_awaiting_signature(user: User) -> QuerySet[Consent]:
    return Consent.objects.filter(
        family__scheme_id=_scheme_or_none(user), status=ConsentStatus.AWAITING_SIGNATURE
    ).select_related("family")


def consents_expiring(user: User, within_days: int = 30) -> QuerySet[Consent]:
    today = timezone.localdate()
    return Consent.objects.filter(
        family__scheme_id=_scheme_or_none(user),
        status=ConsentStatus.SIGNED,
        review_on__gte=today,
        review_on__lte=today + datetime.timedelta(days=within_days),
    ).select_related("family")


def requests_waiting_on_families(user: User) -> QuerySet[AgencyRequest]:
    return agency_requests(user).filter(status=RequestStatus.FAMILY_ASKED)


# An agency request still to be answered or declined: past its due date, it is overdue (the dashboard, the reminder).
OPEN_REQUEST_STATUSES = (RequestStatus.RECEIVED, RequestStatus.FAMILY_ASKED, RequestStatus.PERMISSION_GIVEN)


def requests_overdue(user: User) -> QuerySet[AgencyRequest]:
    return agency_requests(user).filter(status__in=OPEN_REQUEST_STATUSES, due_on__lt=timezone.localdate())


def consents_recently_signed(user: User, within_days: int = 30) -> QuerySet[Consent]:
    """Consents in force whose signature was recorded in the last ``within_days`` days, with the date signed."""
    since = timezone.localdate() - datetime.timedelta(days=within_days)
    return (
        Consent.objects.filter(
            family__scheme_id=_scheme_or_none(user),
            status=ConsentStatus.SIGNED,
            events__kind=ConsentEventKind.SIGNED,
            events__occurred_on__gte=since,
        )
        .annotate(signed_on=Max("events__occurred_on", filter=Q(events__kind=ConsentEventKind.SIGNED)))
        .select_related("family")
        .order_by("-signed_on", "-pk")
    )


def support_agreed_letters(user: User, family: Family) -> QuerySet[Letter]:
    """The support-agreed notices printed for the family (P2), for its scheme's coordinators only."""
    if _scheme_or_none(user) != family.scheme_id:
        return Letter.objects.none()
    return Letter.objects.filter(family=family, kind=LetterKind.SUPPORT_AGREED).select_related(
        "recipient", "printed_by"
    )


def get_support_agreed_letter_or_404(user: User, family: Family, pk: Any) -> Letter:
    """One of the family's own support-agreed notices, for its scheme's coordinators; 404 for any other letter."""
    try:
        return support_agreed_letters(user, family).get(pk=pk)
    except (Letter.DoesNotExist, ValueError, TypeError):
        raise Http404("No such letter") from None


def agencies_in_scheme(user: User) -> QuerySet[Agency]:
    """The scheme's agency directory, to filter the disclosure register by."""
    return Agency.objects.filter(scheme_id=_scheme_or_none(user)).order_by("name")


def wording_versions(user: User) -> QuerySet[ConsentWording]:
    """Every version of the scheme's consent wordings, with how many consents used each, for those who may read
    them (administrators and coordinators)."""
    if not can_read_wordings(user):
        return ConsentWording.objects.none()
    return (
        ConsentWording.objects.filter(scheme_id=user.scheme_id)
        .select_related("published_by")
        .annotate(consent_count=Count("consents"))
        .order_by("purpose", "-version")
    )


def latest_wording(scheme_id: int, purpose: str) -> ConsentWording | None:
    """The newest version of the scheme's wording for that purpose, or None before the first is published."""
    return ConsentWording.objects.filter(scheme_id=scheme_id, purpose=purpose).order_by("-version").first()


# View decorators that load an object through its selector (404 for what the user may not open).
load_request = loads(get_agency_request_for_user_or_404)
load_photo = loads(get_photo_for_user_or_404)
load_consent = loads(get_consent_for_user_or_404)
