"""Reads about consents and disclosures that depend on who is asking. Volunteers never reach any of it (P7)."""

import datetime
from typing import Any

from django.db.models import Max, Prefetch, Q, QuerySet
from django.http import Http404
from django.utils import timezone

from consents import bases
from consents.models import (
    AgencyRequest,
    Consent,
    ConsentEvent,
    ConsentEventKind,
    ConsentStatus,
    Disclosure,
    Letter,
    LetterKind,
    Photo,
    Purpose,
    RequestStatus,
)
from families.models import Agency, Family
from homestart.decorators import loads
from homestart.permissions import can_coordinate


def _scheme_or_none(user: Any) -> int | None:
    return user.scheme_id if can_coordinate(user) else None


def consents_for_family(user: Any, family: Family) -> QuerySet[Consent]:
    if _scheme_or_none(user) != family.scheme_id:
        return Consent.objects.none()
    return (
        Consent.objects.filter(family=family)
        .select_related("wording", "signer", "agency_request")
        .prefetch_related("recipients__agency", "events__received_by", "events__recorded_by", "events__scan")
    )


def consent_histories_for_family(user: Any, family: Family) -> QuerySet[Consent]:
    """The family's consents with their events (who received and recorded each) in two queries, for the family page."""
    if _scheme_or_none(user) != family.scheme_id:
        return Consent.objects.none()
    events = ConsentEvent.objects.select_related("received_by", "recorded_by")
    return (
        Consent.objects.filter(family=family)
        .select_related("signer")
        .prefetch_related(Prefetch("events", queryset=events))
    )


def get_consent_for_user_or_404(user: Any, pk: Any) -> Consent:
    try:
        return Consent.objects.select_related("family", "wording", "signer").get(
            pk=pk, family__scheme_id=_scheme_or_none(user)
        )
    except (Consent.DoesNotExist, ValueError, TypeError):
        raise Http404("No such consent") from None


def disclosures(user: Any) -> QuerySet[Disclosure]:
    """The scheme's disclosure register, for its coordinators only.

    Each basis narrows what is listed through its own filter (``consents.bases``): a safeguarding referral, for
    example, is listed only for those who may read its concern; for anyone else it must not be seen to exist (P12).
    """
    rows = (
        Disclosure.objects.filter(family__scheme_id=_scheme_or_none(user))
        .filter(bases.visible_filter(user))
        .select_related("family", "recipient__agency", "consent", "agency_request", "recorded_by")
        .order_by("-disclosed_on", "-pk")
    )
    return bases.annotate(rows)


def agency_requests(user: Any) -> QuerySet[AgencyRequest]:
    return AgencyRequest.objects.filter(scheme_id=_scheme_or_none(user)).select_related("requester__agency", "family")


def get_agency_request_for_user_or_404(user: Any, pk: Any) -> AgencyRequest:
    try:
        return agency_requests(user).get(pk=pk)
    except (AgencyRequest.DoesNotExist, ValueError, TypeError):
        raise Http404("No such request") from None


def photos(user: Any) -> QuerySet[Photo]:
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


def get_photo_for_user_or_404(user: Any, pk: Any) -> Photo:
    try:
        return photos(user).get(pk=pk)
    except (Photo.DoesNotExist, ValueError, TypeError):
        raise Http404("No such photograph") from None


def photo_usable(photo: Photo, on: datetime.date | None = None) -> bool:
    """Usable for publicity only while every family in it has a signed photo consent covering it, in force (P11)."""
    families = list(photo.families.all())
    return bool(families) and not photo_families_waiting(photo, on)


def consents_awaiting_signature(user: Any) -> QuerySet[Consent]:
    return Consent.objects.filter(
        family__scheme_id=_scheme_or_none(user), status=ConsentStatus.AWAITING_SIGNATURE
    ).select_related("family")


def consents_expiring(user: Any, within_days: int = 30) -> QuerySet[Consent]:
    today = timezone.localdate()
    return Consent.objects.filter(
        family__scheme_id=_scheme_or_none(user),
        status=ConsentStatus.SIGNED,
        review_on__gte=today,
        review_on__lte=today + datetime.timedelta(days=within_days),
    ).select_related("family")


def requests_waiting_on_families(user: Any) -> QuerySet[AgencyRequest]:
    return agency_requests(user).filter(status=RequestStatus.FAMILY_ASKED)


def requests_overdue(user: Any) -> QuerySet[AgencyRequest]:
    open_statuses = [RequestStatus.RECEIVED, RequestStatus.FAMILY_ASKED, RequestStatus.PERMISSION_GIVEN]
    return agency_requests(user).filter(status__in=open_statuses, due_on__lt=timezone.localdate())


def consents_recently_signed(user: Any, within_days: int = 30) -> QuerySet[Consent]:
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


def support_agreed_letters(user: Any, family: Family) -> QuerySet[Letter]:
    """The support-agreed notices printed for the family (P2), for its scheme's coordinators only."""
    if _scheme_or_none(user) != family.scheme_id:
        return Letter.objects.none()
    return Letter.objects.filter(family=family, kind=LetterKind.SUPPORT_AGREED).select_related(
        "recipient", "printed_by"
    )


def agencies_in_scheme(user: Any) -> QuerySet[Agency]:
    """The scheme's agency directory, to filter the disclosure register by."""
    return Agency.objects.filter(scheme_id=_scheme_or_none(user)).order_by("name")


# View decorators that load an object through its selector (404 for what the user may not open).
load_consent = loads(get_consent_for_user_or_404)

load_request = loads(get_agency_request_for_user_or_404)
load_photo = loads(get_photo_for_user_or_404)
