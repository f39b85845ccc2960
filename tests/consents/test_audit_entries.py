"""Every consents service writes its own audit entries (ADR 0011): one per record it creates or changes, with the
app's event type, the actor and the family; a many-to-many change by ids only; personal text masked.

The tests run with the strict check on (``strict``), so a record changed without its entry fails the service too.
"""

import datetime
from typing import Any

import pytest
from django.contrib.contenttypes.models import ContentType
from django.utils import timezone

from consents import services
from consents.audit import ConsentAuditEvent
from consents.models import (
    AgencyRequest,
    Category,
    Consent,
    ConsentEventKind,
    ConsentWording,
    Disclosure,
    DisclosureBasis,
    Letter,
    Photo,
    Purpose,
    SignedScan,
)
from homestart import audit
from homestart.audit import MASK
from homestart.models import AuditEntry
from tests.conftest import make_family
from tests.consents.conftest import add_gp, pdf_upload, signed_information_consent
from tests.homestart.test_audit_conventions import strict  # noqa: F401 - the fixture, used by every test here

pytestmark = pytest.mark.usefixtures("strict")

TODAY = timezone.localdate
MASKED = [MASK, MASK]


def entries_about(record: Any) -> list[AuditEntry]:
    """The entries about one record, oldest first."""
    return list(
        AuditEntry.objects.filter(
            content_type=ContentType.objects.get_for_model(type(record)), object_pk=str(record.pk)
        ).order_by("pk")
    )


def _ask(world: Any, **extra: Any) -> tuple[Consent, Letter]:
    consent, letter, _pdf = services.consent_request(
        family=world.family,
        purpose=extra.pop("purpose", Purpose.INFORMATION_EXCHANGE),
        signer=world.family.members.get(kind="adult"),
        review_on=TODAY() + datetime.timedelta(days=365),
        actor=world.coordinator,
        **extra,
    )
    return consent, letter


def _sign(world: Any, consent: Consent) -> Consent:
    return services.consent_record_signed(
        consent=consent,
        scan=pdf_upload(),
        signed_on=TODAY(),
        method="scanned_letter",
        received_by=world.coordinator,
        actor=world.coordinator,
    )


def _picture(world: Any, families: list[Any], event: str = "Summer picnic at Victoria Park") -> Photo:
    return services.photo_record(
        scheme=world.scheme,
        event=event,
        taken_on=TODAY(),
        description="The Adeyemi twins on the slide",
        families=families,
        actor=world.coordinator,
    )


@audit.service
def _relink(record: Any, field: str, targets: list[Any], *, event: str, actor: Any) -> None:
    """A later change of a relation, made as every service makes one (``audit.set_m2m``)."""
    audit.set_m2m(record, field, targets, event=event, actor=actor)


def _text_of(entry: AuditEntry) -> str:
    return " ".join(str(value) for value in (entry.object_repr, entry.changes, entry.additional_data))


def test_publishing_a_wording_is_on_record_as_its_creation_by_the_administrator(consent_world: Any) -> None:
    wordings = ConsentWording.objects.filter(scheme=consent_world.scheme)
    assert wordings.count() == 3
    for wording in wordings:
        [published] = entries_about(wording)
        assert (published.event, published.action, published.actor) == (
            ConsentAuditEvent.WORDING_PUBLISHED,
            AuditEntry.Action.CREATE,
            consent_world.administrator,
        )
        assert published.changes["version"] == ["None", "1"]
        assert published.family_pk is None  # a wording belongs to the scheme, not to a family


def test_asking_signing_and_withdrawing_a_consent_leave_an_entry_for_every_record(consent_world: Any) -> None:
    world = consent_world
    family_pk = world.family.pk
    consent, letter = _ask(world, recipients=[world.health_visitor], categories=[Category.SUPPORT_STATUS])

    asked, linked = entries_about(consent)
    assert (asked.event, asked.action, asked.actor, asked.family_pk) == (
        ConsentAuditEvent.CONSENT_REQUESTED,
        AuditEntry.Action.CREATE,
        world.coordinator,
        family_pk,
    )
    assert asked.changes["purpose"] == ["None", Purpose.INFORMATION_EXCHANGE]
    assert linked.changes == {"recipients": {"type": "m2m", "added": [world.health_visitor.pk]}}
    [printed] = entries_about(letter)
    assert (printed.event, printed.action, printed.family_pk) == (
        ConsentAuditEvent.LETTER_PRINTED,
        AuditEntry.Action.CREATE,
        family_pk,
    )
    assert printed.additional_data == {"sha256": letter.sha256}
    [form_printed] = entries_about(consent.events.get(kind=ConsentEventKind.PRINTED))
    assert (form_printed.event, form_printed.family_pk) == (ConsentAuditEvent.CONSENT_FORM_PRINTED, family_pk)

    _sign(world, consent)
    [filed] = entries_about(SignedScan.objects.get())
    assert (filed.event, filed.action, filed.family_pk) == (
        ConsentAuditEvent.CONSENT_SIGNED,
        AuditEntry.Action.CREATE,
        family_pk,
    )
    signed = entries_about(consent)[-1]
    assert (signed.event, signed.action, signed.actor) == (
        ConsentAuditEvent.CONSENT_SIGNED,
        AuditEntry.Action.UPDATE,
        world.coordinator,
    )
    assert signed.changes == {"status": ["awaiting_signature", "signed"]}
    [signature] = entries_about(consent.events.get(kind=ConsentEventKind.SIGNED))
    assert (signature.event, signature.changes["method"]) == (
        ConsentAuditEvent.CONSENT_SIGNED,
        ["None", "scanned_letter"],
    )

    services.consent_withdraw(
        consent=consent,
        withdrawn_on=TODAY(),
        method="by_phone",
        note="Mum rang: her ex-partner must not learn where they live",
        actor=world.dsl,
    )
    withdrawn = entries_about(consent)[-1]
    assert (withdrawn.event, withdrawn.actor, withdrawn.changes) == (
        ConsentAuditEvent.CONSENT_WITHDRAWN,
        world.dsl,
        {"status": ["signed", "withdrawn"]},
    )
    [withdrawal] = entries_about(consent.events.get(kind=ConsentEventKind.WITHDRAWN))
    assert withdrawal.event == ConsentAuditEvent.CONSENT_WITHDRAWN
    assert withdrawal.changes["note"] == MASKED
    assert "ex-partner" not in " ".join(_text_of(entry) for entry in AuditEntry.objects.all())


def test_an_expired_consent_is_on_record_as_done_by_no_one(consent_world: Any) -> None:
    consent = signed_information_consent(consent_world)
    assert services.consents_expire(today=consent.review_on + datetime.timedelta(days=1)) == 1
    lapsed = entries_about(consent)[-1]
    assert (lapsed.event, lapsed.actor, lapsed.changes) == (
        ConsentAuditEvent.CONSENT_EXPIRED,
        None,
        {"status": ["signed", "expired"]},
    )
    [event_entry] = entries_about(consent.events.get(kind=ConsentEventKind.EXPIRED))
    assert (event_entry.event, event_entry.actor, event_entry.family_pk) == (
        ConsentAuditEvent.CONSENT_EXPIRED,
        None,
        consent_world.family.pk,
    )


def test_an_agency_request_has_an_entry_for_each_step_with_its_purpose_and_outcome_masked(consent_world: Any) -> None:
    world = consent_world
    request = services.agency_request_receive(
        requester=add_gp(world),
        received_on=TODAY(),
        purpose="Checking whether the Adeyemi children are known to the scheme",
        categories=[Category.SUPPORT_STATUS],
        identifying=True,
        family=world.family,
        due_on=TODAY() + datetime.timedelta(days=14),
        actor=world.coordinator,
    )
    [received] = entries_about(request)
    assert (received.event, received.action, received.family_pk) == (
        ConsentAuditEvent.REQUEST_RECEIVED,
        AuditEntry.Action.CREATE,
        world.family.pk,
    )
    assert received.changes["purpose"] == MASKED
    consent, _letter, _pdf = services.agency_request_ask_family(
        request=request,
        signer=world.family.members.get(kind="adult"),
        review_on=TODAY() + datetime.timedelta(days=60),
        actor=world.coordinator,
    )
    asked = entries_about(request)[-1]
    assert (asked.event, asked.changes) == (
        ConsentAuditEvent.REQUEST_FAMILY_ASKED,
        {"status": ["received", "family_asked"]},
    )
    services.consent_record_refused(
        consent=consent, refused_on=TODAY(), method="by_phone", note="Dad said no", actor=world.coordinator
    )
    refused = entries_about(request)[-1]
    assert (refused.event, refused.changes) == (
        ConsentAuditEvent.REQUEST_PERMISSION_REFUSED,
        {"status": ["family_asked", "permission_refused"]},
    )
    assert entries_about(consent)[-1].event == ConsentAuditEvent.CONSENT_REFUSED
    [refusal] = entries_about(consent.events.get(kind=ConsentEventKind.REFUSED))
    assert (refusal.event, refusal.changes["note"]) == (ConsentAuditEvent.CONSENT_REFUSED, MASKED)

    services.agency_request_close(
        request=request, fulfilled=False, note="The family refused: told the GP.", actor=world.coordinator
    )
    request.refresh_from_db()
    declined = entries_about(request)[-1]
    assert (declined.event, declined.actor) == (ConsentAuditEvent.REQUEST_DECLINED, world.coordinator)
    assert declined.changes["status"] == ["permission_refused", "declined"]
    assert declined.changes["outcome_note"] == MASKED
    assert declined.changes["closed_by"] == ["None", str(world.coordinator.pk)]
    assert len(entries_about(request)) == 4  # one entry per change: the close is one change, not two


def test_permission_given_and_the_request_answered_are_on_record(consent_world: Any) -> None:
    world = consent_world
    gp = add_gp(world)
    request = services.agency_request_receive(
        requester=gp,
        received_on=TODAY(),
        purpose="Support status for a case review",
        categories=[Category.SUPPORT_STATUS],
        identifying=True,
        family=world.family,
        due_on=TODAY() + datetime.timedelta(days=14),
        actor=world.coordinator,
    )
    consent, _letter, _pdf = services.agency_request_ask_family(
        request=request,
        signer=world.family.members.get(kind="adult"),
        review_on=TODAY() + datetime.timedelta(days=60),
        actor=world.coordinator,
    )
    _sign(world, consent)
    assert entries_about(request)[-1].event == ConsentAuditEvent.REQUEST_PERMISSION_GIVEN
    services.disclosure_record(
        family=world.family,
        recipient=gp,
        categories=[Category.SUPPORT_STATUS],
        summary="Supported since March.",
        method="letter",
        disclosed_on=TODAY(),
        basis=DisclosureBasis.AGENCY_REQUEST,
        agency_request=request,
        actor=world.coordinator,
    )
    services.agency_request_close(request=request, fulfilled=True, note="Sent by letter.", actor=world.coordinator)
    answered = entries_about(request)[-1]
    assert (answered.event, answered.changes["status"]) == (
        ConsentAuditEvent.REQUEST_ANSWERED,
        ["permission_given", "fulfilled"],
    )


def test_a_disclosure_is_one_entry_its_creation_with_what_was_shared_masked(consent_world: Any) -> None:
    world = consent_world
    consent = signed_information_consent(world)
    disclosure = services.disclosure_record(
        family=world.family,
        recipient=world.health_visitor,
        categories=[Category.SUPPORT_STATUS],
        summary="Support started in March; mum is struggling with her mood.",
        method="letter",
        disclosed_on=TODAY(),
        basis=DisclosureBasis.CONSENT,
        consent=consent,
        actor=world.coordinator,
    )
    [shared] = entries_about(disclosure)
    assert (shared.event, shared.action, shared.actor, shared.family_pk) == (
        ConsentAuditEvent.DISCLOSURE_RECORDED,
        AuditEntry.Action.CREATE,
        world.coordinator,
        world.family.pk,
    )
    assert shared.changes["basis"] == ["None", "consent"]
    assert shared.changes["summary"] == MASKED

    decision = services.disclosure_decline(
        family=world.family,
        recipient=world.health_visitor,
        categories=[Category.HOUSEHOLD],
        reason="Her new partner's details are not ours to share.",
        decided_on=TODAY(),
        actor=world.coordinator,
    )
    [declined] = entries_about(decision)
    assert (declined.event, declined.changes["shared"], declined.changes["reason"]) == (
        ConsentAuditEvent.DISCLOSURE_RECORDED,
        ["None", "False"],
        MASKED,
    )
    assert Disclosure.objects.count() == 2


def test_a_photograph_is_on_record_with_its_event_and_description_masked(consent_world: Any) -> None:
    photo = _picture(consent_world, [consent_world.family])
    recorded, linked = entries_about(photo)
    assert (recorded.event, recorded.action, recorded.actor) == (
        ConsentAuditEvent.PHOTO_RECORDED,
        AuditEntry.Action.CREATE,
        consent_world.coordinator,
    )
    assert recorded.changes["event"] == MASKED and recorded.changes["description"] == MASKED
    assert linked.event == ConsentAuditEvent.PHOTO_RECORDED
    assert "Victoria Park" not in _text_of(recorded) and "twins" not in _text_of(recorded)


# Many-to-many relations: every change is on record, by id, never by name --------------------------------------


def test_every_change_of_a_consents_recipients_is_logged_by_id(consent_world: Any) -> None:
    world = consent_world
    gp = add_gp(world, name="Dr Zebulon Quartermaine")
    consent, _letter = _ask(world, recipients=[world.health_visitor, gp], categories=[Category.SUPPORT_STATUS])
    added = AuditEntry.objects.get(
        content_type__model="consent", object_pk=str(consent.pk), changes__has_key="recipients"
    )
    assert added.changes["recipients"] == {"type": "m2m", "added": sorted([world.health_visitor.pk, gp.pk])}

    _relink(consent, "recipients", [world.health_visitor], event=ConsentAuditEvent.CONSENT_REQUESTED, actor=world.dsl)
    assert list(consent.recipients.all()) == [world.health_visitor]
    removed = entries_about(consent)[-1]
    assert (removed.actor, removed.family_pk) == (world.dsl, world.family.pk)
    assert removed.changes == {"recipients": {"type": "m2m", "removed": [gp.pk]}}
    for entry in (added, removed):
        assert "Quartermaine" not in _text_of(entry) and "Helen Price" not in _text_of(entry)


def test_every_change_of_a_consents_photos_is_logged_by_id(consent_world: Any) -> None:
    world = consent_world
    picnic = _picture(world, [world.family])
    party = _picture(world, [world.family], event="Christmas party")
    consent, _letter = _ask(world, purpose=Purpose.PHOTOGRAPHS, photos=[picnic, party])
    added = AuditEntry.objects.get(content_type__model="consent", object_pk=str(consent.pk), changes__has_key="photos")
    assert added.changes["photos"] == {"type": "m2m", "added": sorted([picnic.pk, party.pk])}
    assert added.event == ConsentAuditEvent.CONSENT_REQUESTED

    _relink(consent, "photos", [picnic], event=ConsentAuditEvent.CONSENT_REQUESTED, actor=world.coordinator)
    assert list(consent.photos.all()) == [picnic]
    removed = entries_about(consent)[-1]
    assert removed.changes == {"photos": {"type": "m2m", "removed": [party.pk]}}
    for entry in (added, removed):
        assert "Christmas" not in _text_of(entry) and "picnic" not in _text_of(entry)


def test_every_change_of_the_families_in_a_photo_is_logged_by_id(consent_world: Any) -> None:
    world = consent_world
    other = make_family(world.coordinator, "Quillfeather")
    photo = _picture(world, [world.family, other])
    added = entries_about(photo)[-1]
    assert added.changes == {"families": {"type": "m2m", "added": sorted([world.family.pk, other.pk])}}

    _relink(photo, "families", [world.family], event=ConsentAuditEvent.PHOTO_RECORDED, actor=world.coordinator)
    assert list(photo.families.all()) == [world.family]
    removed = entries_about(photo)[-1]
    assert removed.changes == {"families": {"type": "m2m", "removed": [other.pk]}}
    for entry in (added, removed):
        assert "Quillfeather" not in _text_of(entry) and "Adeyemi" not in _text_of(entry)


def test_a_relation_changed_without_its_entry_fails_and_changes_nothing(consent_world: Any) -> None:
    """The strict check these tests run under does catch a removal that writes no entry."""
    world = consent_world
    gp = add_gp(world)
    consent, _letter = _ask(world, recipients=[world.health_visitor, gp], categories=[Category.SUPPORT_STATUS])

    @audit.service
    def drop_quietly() -> None:
        consent.recipients.remove(gp)

    with pytest.raises(audit.AuditGap, match=f"changed the links of consents.Consent #{consent.pk}"):
        drop_quietly()
    assert set(consent.recipients.all()) == {world.health_visitor, gp}


def test_no_agency_request_entry_names_a_family_it_is_not_about(consent_world: Any) -> None:
    """A statistical request is about no family: its entries carry none."""
    request = services.agency_request_receive(
        requester=consent_world.health_visitor,
        received_on=TODAY(),
        purpose="Numbers for the annual report",
        categories=[Category.SUPPORT_STATUS],
        identifying=False,
        family=None,
        due_on=TODAY() + datetime.timedelta(days=14),
        actor=consent_world.coordinator,
    )
    services.agency_request_close(
        request=request, fulfilled=True, note="Figures sent.", actor=consent_world.coordinator
    )
    assert [entry.family_pk for entry in entries_about(request)] == [None, None]
    assert AgencyRequest.objects.get().status == "fulfilled"
