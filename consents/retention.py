"""Consents' part of retention (homestart.retention): what this app keeps about a family follows the family's
retention (``families.retention.families_past_retention``), so it is anonymised when the family is.

- Consents: what the family said (each event's note) becomes "[anonymised]" and the scan of the signed letter is
  deleted from storage, its row kept as "removed under retention". Who signed, the wording version, the scope and
  the dates stay: the evidence that consent was given is the record, not the image.
- Disclosures: the summary of what was shared, the reason for not sharing and the agency's reference.
- Agency requests about one family: what the agency said it needed and the outcome note.
- Photographs: the image file, the event and the caption, once any family in it is past retention and none is
  held.
"""

import datetime
from types import ModuleType

from django.db.models import Exists, OuterRef, Q, QuerySet

from consents.models import AgencyRequest, Consent, ConsentEvent, Disclosure, Photo
from families import retention as family_retention
from homestart import retention
from homestart.models import User

MARKER = retention.ANONYMISED


def _text_left(field: str) -> Q:
    """Free text not anonymised yet: neither empty nor the marker."""
    return ~Q(**{f"{field}__in": ["", MARKER]})


def _past(today: datetime.date) -> QuerySet:
    return family_retention.families_past_retention(today).values("pk")


def consents_due(today: datetime.date) -> QuerySet[Consent]:
    """Consents of families past retention with a note or a scan still there."""
    events = ConsentEvent.objects.filter(consent=OuterRef("pk")).filter(
        _text_left("note") | (Q(scan__isnull=False) & ~Q(scan__file=""))
    )
    return (
        Consent.objects.filter(family_id__in=_past(today))
        .filter(Exists(events))
        .select_related("family")
        .order_by("pk")
    )


def disclosures_due(today: datetime.date) -> QuerySet[Disclosure]:
    return (
        Disclosure.objects.filter(family_id__in=_past(today))
        .filter(_text_left("summary") | _text_left("reason") | _text_left("reference_number"))
        .select_related("family")
        .order_by("pk")
    )


def agency_requests_due(today: datetime.date) -> QuerySet[AgencyRequest]:
    return (
        AgencyRequest.objects.filter(family_id__in=_past(today))
        .filter(_text_left("purpose") | _text_left("outcome_note"))
        .select_related("family")
        .order_by("pk")
    )


def photos_due(today: datetime.date) -> QuerySet[Photo]:
    """Photographs with a family past retention and no family under a hold, whose image or caption is still there."""
    return (
        Photo.objects.filter(families__in=_past(today))
        .exclude(families__in=family_retention.families_held(today))
        .filter(~Q(image="") | _text_left("event") | _text_left("description"))
        .distinct()
        .order_by("pk")
    )


def _services() -> ModuleType:
    from consents import services  # services use this module's queries: imported when the run needs them

    return services


def _anonymise_consent(consent: Consent, *, today: datetime.date, actor: User | None) -> bool:
    return _services().consent_anonymise(consent=consent, today=today, actor=actor)


def _anonymise_disclosure(disclosure: Disclosure, *, today: datetime.date, actor: User | None) -> bool:
    return _services().disclosure_anonymise(disclosure=disclosure, today=today, actor=actor)


def _anonymise_request(request: AgencyRequest, *, today: datetime.date, actor: User | None) -> bool:
    return _services().agency_request_anonymise(request=request, today=today, actor=actor)


def _anonymise_photo(photo: Photo, *, today: datetime.date, actor: User | None) -> bool:
    return _services().photo_anonymise(photo=photo, today=today, actor=actor)


RULES = (
    retention.Rule(
        name="consents",
        label="Consents: what the family said, and the scans of signed letters",
        due=consents_due,
        reference=lambda consent: f"Consent #{consent.pk} of {consent.family.reference}",
        anonymise=_anonymise_consent,
    ),
    retention.Rule(
        name="disclosures",
        label="Disclosure register: what was shared or why not, the agency's reference",
        due=disclosures_due,
        reference=lambda disclosure: f"Disclosure #{disclosure.pk} about {disclosure.family.reference}",
        anonymise=_anonymise_disclosure,
    ),
    retention.Rule(
        name="agency_requests",
        label="Agency requests about a family: the purpose and the outcome note",
        due=agency_requests_due,
        reference=lambda request: f"Agency request #{request.pk} about {request.family.reference}",
        anonymise=_anonymise_request,
    ),
    retention.Rule(
        name="photos",
        label="Photographs: the image, the event and the caption",
        due=photos_due,
        reference=lambda photo: f"Photo #{photo.pk}",
        anonymise=_anonymise_photo,
    ),
)


def register() -> None:
    for rule in RULES:
        retention.register(rule)
