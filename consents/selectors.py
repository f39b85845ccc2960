"""Reads about consents and disclosures that depend on who is asking. Volunteers never reach any of it (P7)."""

import datetime
from typing import Any

from django.db.models import QuerySet
from django.http import Http404
from django.utils import timezone

from consents.models import AgencyRequest, Consent, ConsentStatus, Disclosure, Photo, Purpose, RequestStatus
from families.models import Family
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


def get_consent_for_user_or_404(user: Any, pk: Any) -> Consent:
    try:
        return Consent.objects.select_related("family", "wording", "signer").get(
            pk=pk, family__scheme_id=_scheme_or_none(user)
        )
    except (Consent.DoesNotExist, ValueError, TypeError):
        raise Http404("No such consent") from None


def disclosures(user: Any) -> QuerySet[Disclosure]:
    """The scheme's disclosure register, for its coordinators only."""
    return (
        Disclosure.objects.filter(family__scheme_id=_scheme_or_none(user))
        .select_related("family", "recipient__agency", "consent", "agency_request", "recorded_by")
        .order_by("-disclosed_on", "-pk")
    )


def agency_requests(user: Any) -> QuerySet[AgencyRequest]:
    return AgencyRequest.objects.filter(scheme_id=_scheme_or_none(user)).select_related("requester__agency", "family")


def get_agency_request_for_user_or_404(user: Any, pk: Any) -> AgencyRequest:
    try:
        return agency_requests(user).get(pk=pk)
    except (AgencyRequest.DoesNotExist, ValueError, TypeError):
        raise Http404("No such request") from None


def photos(user: Any) -> QuerySet[Photo]:
    return Photo.objects.filter(scheme_id=_scheme_or_none(user)).prefetch_related("families", "consents")


def photo_usable(photo: Photo, on: datetime.date | None = None) -> bool:
    """Usable for publicity only while every family in it has a signed photo consent covering it, in force (P11)."""
    on = on or timezone.localdate()
    families = list(photo.families.all())
    if not families:
        return False
    covered = set(
        Consent.objects.filter(
            photos=photo, purpose=Purpose.PHOTOGRAPHS, status=ConsentStatus.SIGNED, review_on__gte=on
        ).values_list("family_id", flat=True)
    )
    return all(family.pk in covered for family in families)


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
