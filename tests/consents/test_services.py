"""The confidentiality policy's sharing rules, one test (or more) per rule, named after it (DESIGN.md P1-P7, P11)."""

import datetime
import threading
from typing import Any

import pytest
from django.db import connection
from django.utils import timezone

from consents import selectors, services
from consents.audit import ConsentAuditEvent
from consents.models import (
    AgencyRequest,
    Category,
    Consent,
    ConsentEvent,
    ConsentStatus,
    ConsentWording,
    Disclosure,
    DisclosureBasis,
    Letter,
    Purpose,
    RequestStatus,
    SignedScan,
)
from consents.services import DisclosureRefused
from homestart.exceptions import ActionNotAllowed
from homestart.models import AuditEntry
from tests.consents.conftest import add_gp, pdf_upload, png_upload, signed_information_consent

TODAY = timezone.localdate


def _share(
    world: Any, *, consent: Any = None, categories: list[str] | None = None, recipient: Any = None, **extra: Any
) -> Disclosure:
    return services.disclosure_record(
        family=world.family,
        recipient=recipient or world.health_visitor,
        categories=categories if categories is not None else [Category.SUPPORT_STATUS],
        summary="Support started in March.",
        method="letter",
        disclosed_on=TODAY(),
        basis=extra.pop("basis", DisclosureBasis.CONSENT),
        consent=consent,
        actor=extra.pop("actor", world.coordinator),
        **extra,
    )


# P1 ------------------------------------------------------------------------------------------------------------


def test_P1_nothing_leaves_without_a_lawful_basis(consent_world: Any) -> None:
    with pytest.raises(DisclosureRefused, match="lawful basis"):
        _share(consent_world, basis="")
    with pytest.raises(DisclosureRefused, match="Choose the signed consent"):
        _share(consent_world, consent=None)
    assert not Disclosure.objects.exists()


def test_P1_disclosure_is_audited_with_actor(consent_world: Any) -> None:
    disclosure = _share(consent_world, consent=signed_information_consent(consent_world))
    entry = AuditEntry.objects.get(
        content_type__model="disclosure", object_pk=str(disclosure.pk), action=AuditEntry.Action.CREATE
    )
    assert entry.changes["basis"][1] == "consent"
    assert (entry.event, entry.actor, entry.family_pk) == (
        ConsentAuditEvent.DISCLOSURE_RECORDED,
        consent_world.coordinator,
        consent_world.family.pk,
    )


# P2 ------------------------------------------------------------------------------------------------------------


def test_P2_support_agreed_notices_go_to_referrer_and_health_visitor_as_disclosures(consent_world: Any) -> None:
    gp = add_gp(consent_world)
    world = consent_world
    from tests.conftest import make_family

    world.family = make_family(
        world.coordinator, "Bello", volunteer=world.other_volunteer, referrer=gp, health_visitor=world.health_visitor
    )
    with pytest.raises(DisclosureRefused, match="information-exchange consent"):
        services.support_agreed_notices_send(family=world.family, method="letter", actor=world.coordinator)
    signed_information_consent(world, recipients=[gp, world.health_visitor])
    sent = services.support_agreed_notices_send(family=world.family, method="letter", actor=world.coordinator)
    assert {disclosure.recipient for _letter, _pdf, disclosure in sent} == {gp, world.health_visitor}
    assert all(pdf.startswith(b"%PDF") for _letter, pdf, _d in sent)
    assert Letter.objects.filter(family=world.family, kind="support_agreed").count() == 2
    assert all(d.categories == [Category.SUPPORT_STATUS] and d.basis == DisclosureBasis.CONSENT for _l, _p, d in sent)


def test_P2_support_agreed_needs_support_to_have_started(consent_world: Any) -> None:
    from tests.conftest import make_family

    waiting = make_family(consent_world.coordinator, "Ncube", health_visitor=consent_world.health_visitor)
    with pytest.raises(ActionNotAllowed, match="once a volunteer is supporting"):
        services.support_agreed_notices_send(family=waiting, method="letter", actor=consent_world.coordinator)


# P3 ------------------------------------------------------------------------------------------------------------


def test_P3_only_the_categories_the_consent_names(consent_world: Any) -> None:
    consent = signed_information_consent(consent_world, categories=[Category.SUPPORT_STATUS])
    _share(consent_world, consent=consent, categories=[Category.SUPPORT_STATUS])
    with pytest.raises(DisclosureRefused, match="does not cover: Contact details"):
        _share(consent_world, consent=consent, categories=[Category.SUPPORT_STATUS, Category.CONTACT_DETAILS])
    assert Disclosure.objects.count() == 1


def test_P3_only_the_recipients_the_consent_names(consent_world: Any) -> None:
    consent = signed_information_consent(consent_world)
    gp = add_gp(consent_world)
    with pytest.raises(DisclosureRefused, match="does not cover sharing with Dr Amir Khan"):
        _share(consent_world, consent=consent, recipient=gp)


def test_P3_an_unsigned_refused_or_expired_consent_is_no_basis(consent_world: Any) -> None:
    world = consent_world
    unsigned, _letter, _pdf = services.consent_request(
        family=world.family,
        purpose=Purpose.INFORMATION_EXCHANGE,
        signer=world.family.members.get(kind="adult"),
        recipients=[world.health_visitor],
        categories=[Category.SUPPORT_STATUS],
        review_on=TODAY() + datetime.timedelta(days=30),
        actor=world.coordinator,
    )
    with pytest.raises(DisclosureRefused, match="not been signed"):
        _share(world, consent=unsigned)
    services.consent_record_refused(consent=unsigned, refused_on=TODAY(), method="in_person", actor=world.coordinator)
    with pytest.raises(DisclosureRefused, match="refused"):
        _share(world, consent=unsigned)

    signed = signed_information_consent(world)
    later = TODAY() + datetime.timedelta(days=400)
    assert services.consents_expire(today=later) == 1
    signed.refresh_from_db()
    assert signed.status == ConsentStatus.EXPIRED
    with pytest.raises(DisclosureRefused, match="expired"):
        _share(world, consent=signed)


# P4 ------------------------------------------------------------------------------------------------------------


def test_P4_private_notes_are_never_a_shareable_category(consent_world: Any) -> None:
    consent = signed_information_consent(consent_world)
    for forbidden in (["private_notes"], ["case_notes"], ["notes"], []):
        with pytest.raises(ActionNotAllowed):
            _share(consent_world, consent=consent, categories=forbidden)
    with pytest.raises(ActionNotAllowed, match="Private notes"):
        services.consent_request(
            family=consent_world.family,
            purpose=Purpose.INFORMATION_EXCHANGE,
            signer=consent_world.family.members.get(kind="adult"),
            recipients=[consent_world.health_visitor],
            categories=["private_notes"],
            review_on=TODAY() + datetime.timedelta(days=30),
            actor=consent_world.coordinator,
        )
    assert "private" not in " ".join(Category.values)


# P5 ------------------------------------------------------------------------------------------------------------


def test_P5_consent_keeps_the_wording_version_it_was_signed_under(consent_world: Any) -> None:
    consent = signed_information_consent(consent_world)
    first = consent.wording
    services.wording_publish(
        scheme=consent_world.scheme,
        purpose=Purpose.INFORMATION_EXCHANGE,
        title="New title",
        body="New words.",
        actor=consent_world.administrator,
    )
    consent.refresh_from_db()
    assert consent.wording == first and first.version == 1
    assert ConsentWording.objects.get(pk=first.pk).body == first.body
    assert services.current_wording(consent_world.scheme, Purpose.INFORMATION_EXCHANGE).version == 2


def test_P5_signature_recorded_with_scan_date_method_and_receiver_as_events(consent_world: Any) -> None:
    consent = signed_information_consent(consent_world)
    kinds = list(consent.events.values_list("kind", flat=True))
    assert kinds == ["printed", "signed"]
    signed = consent.events.get(kind="signed")
    assert signed.scan.content_type == "application/pdf" and len(signed.scan.sha256) == 64
    assert signed.received_by == consent_world.coordinator and signed.method == "scanned_letter"
    assert Letter.objects.filter(consent=consent, kind="information_exchange_form").count() == 1


def test_P5_signed_consent_is_never_edited_only_new_events(consent_world: Any) -> None:
    consent = signed_information_consent(consent_world)
    with pytest.raises(ActionNotAllowed):
        services.consent_record_signed(
            consent=consent,
            scan=pdf_upload(),
            signed_on=TODAY(),
            method="scanned_letter",
            received_by=consent_world.coordinator,
            actor=consent_world.coordinator,
        )
    services.consent_withdraw(
        consent=consent,
        withdrawn_on=TODAY(),
        method="by_phone",
        note="Called the office",
        actor=consent_world.coordinator,
    )
    consent.refresh_from_db()
    assert consent.status == ConsentStatus.WITHDRAWN
    assert list(consent.events.values_list("kind", flat=True)) == ["printed", "signed", "withdrawn"]
    assert consent.categories == [Category.SUPPORT_STATUS, Category.VISIT_SUMMARY]  # scope unchanged


@pytest.mark.parametrize(
    "upload, message",
    [
        (
            lambda: __import__("django.core.files.uploadedfile", fromlist=["x"]).SimpleUploadedFile(
                "x.pdf", b"just text", "application/pdf"
            ),
            "must be a PDF, JPEG or PNG",
        ),
        (
            lambda: __import__("django.core.files.uploadedfile", fromlist=["x"]).SimpleUploadedFile(
                "x.png", b"\x89PNG\r\n\x1a\nbroken", "image/png"
            ),
            "could not be read",
        ),
        (
            lambda: __import__("django.core.files.uploadedfile", fromlist=["x"]).SimpleUploadedFile(
                "x.pdf", b"%PDF-" + b"0" * (10 * 1024 * 1024), "application/pdf"
            ),
            "larger than 10 MB",
        ),
    ],
)
def test_P5_scans_are_checked_by_content_and_size(consent_world: Any, upload: Any, message: str) -> None:
    consent, _letter, _pdf = services.consent_request(
        family=consent_world.family,
        purpose=Purpose.INFORMATION_EXCHANGE,
        signer=consent_world.family.members.get(kind="adult"),
        recipients=[consent_world.health_visitor],
        categories=[Category.SUPPORT_STATUS],
        review_on=TODAY() + datetime.timedelta(days=30),
        actor=consent_world.coordinator,
    )
    with pytest.raises(ActionNotAllowed, match=message):
        services.consent_record_signed(
            consent=consent,
            scan=upload(),
            signed_on=TODAY(),
            method="scanned_letter",
            received_by=consent_world.coordinator,
            actor=consent_world.coordinator,
        )
    consent.refresh_from_db()
    assert consent.status == ConsentStatus.AWAITING_SIGNATURE
    assert not ConsentEvent.objects.filter(consent=consent, kind="signed").exists()


def test_P5_png_photo_of_the_letter_is_accepted(consent_world: Any) -> None:
    consent, _letter, _pdf = services.consent_request(
        family=consent_world.family,
        purpose=Purpose.INFORMATION_EXCHANGE,
        signer=consent_world.family.members.get(kind="adult"),
        recipients=[consent_world.health_visitor],
        categories=[Category.SUPPORT_STATUS],
        review_on=TODAY() + datetime.timedelta(days=30),
        actor=consent_world.coordinator,
    )
    services.consent_record_signed(
        consent=consent,
        scan=png_upload(),
        signed_on=TODAY(),
        method="photographed_letter",
        received_by=consent_world.coordinator,
        actor=consent_world.coordinator,
    )
    assert consent.events.get(kind="signed").scan.content_type == "image/png"


# P6 ------------------------------------------------------------------------------------------------------------


def _identifying_request(world: Any, requester: Any) -> Any:
    return services.agency_request_receive(
        requester=requester,
        received_on=TODAY(),
        purpose="Planning a parenting course in the area",
        categories=[Category.CONTACT_DETAILS],
        identifying=True,
        family=world.family,
        due_on=TODAY() + datetime.timedelta(days=14),
        actor=world.coordinator,
    )


def test_P6_identifying_information_only_after_written_permission(consent_world: Any) -> None:
    gp = add_gp(consent_world)
    request = _identifying_request(consent_world, gp)

    def release() -> Disclosure:
        return services.disclosure_record(
            family=consent_world.family,
            recipient=gp,
            categories=[Category.CONTACT_DETAILS],
            summary="Names and postcode for the course invitation.",
            method="secure_email",
            disclosed_on=TODAY(),
            basis=DisclosureBasis.AGENCY_REQUEST,
            agency_request=request,
            actor=consent_world.coordinator,
        )

    with pytest.raises(DisclosureRefused, match="has not been asked"):
        release()
    permission, _letter, _pdf = services.agency_request_ask_family(
        request=request,
        signer=consent_world.family.members.get(kind="adult"),
        review_on=TODAY() + datetime.timedelta(days=60),
        actor=consent_world.coordinator,
    )
    with pytest.raises(DisclosureRefused, match="not been signed"):
        release()
    services.consent_record_signed(
        consent=permission,
        scan=pdf_upload(),
        signed_on=TODAY(),
        method="scanned_letter",
        received_by=consent_world.coordinator,
        actor=consent_world.coordinator,
    )
    request.refresh_from_db()
    assert request.status == RequestStatus.PERMISSION_GIVEN
    assert release().basis == DisclosureBasis.AGENCY_REQUEST
    services.agency_request_close(
        request=request, fulfilled=True, note="Sent by secure email.", actor=consent_world.coordinator
    )


def test_P6_refused_permission_blocks_release(consent_world: Any) -> None:
    gp = add_gp(consent_world)
    request = _identifying_request(consent_world, gp)
    permission, _letter, _pdf = services.agency_request_ask_family(
        request=request,
        signer=consent_world.family.members.get(kind="adult"),
        review_on=TODAY() + datetime.timedelta(days=60),
        actor=consent_world.coordinator,
    )
    services.consent_record_refused(
        consent=permission, refused_on=TODAY(), method="by_phone", actor=consent_world.coordinator
    )
    request.refresh_from_db()
    assert request.status == RequestStatus.PERMISSION_REFUSED
    with pytest.raises(DisclosureRefused, match="refused"):
        services.disclosure_record(
            family=consent_world.family,
            recipient=gp,
            categories=[Category.CONTACT_DETAILS],
            summary="x",
            method="letter",
            disclosed_on=TODAY(),
            basis=DisclosureBasis.AGENCY_REQUEST,
            agency_request=request,
            actor=consent_world.coordinator,
        )
    with pytest.raises(ActionNotAllowed, match="Record what was shared"):
        services.agency_request_close(request=request, fulfilled=True, note="x", actor=consent_world.coordinator)
    services.agency_request_close(
        request=request, fulfilled=False, note="The family said no.", actor=consent_world.coordinator
    )


def test_P6_statistical_requests_never_ask_families(consent_world: Any) -> None:
    gp = add_gp(consent_world)
    request = services.agency_request_receive(
        requester=gp,
        received_on=TODAY(),
        purpose="Annual figures",
        categories=[Category.SUPPORT_STATUS],
        identifying=False,
        family=None,
        due_on=TODAY(),
        actor=consent_world.coordinator,
    )
    with pytest.raises(ActionNotAllowed, match="anonymised figures"):
        services.agency_request_ask_family(
            request=request,
            signer=consent_world.family.members.get(kind="adult"),
            review_on=TODAY(),
            actor=consent_world.coordinator,
        )


# P7 ------------------------------------------------------------------------------------------------------------


def test_P7_volunteers_and_administrators_cannot_record_or_see_disclosures(consent_world: Any) -> None:
    consent = signed_information_consent(consent_world)
    _share(consent_world, consent=consent)
    for actor in (consent_world.volunteer, consent_world.administrator, consent_world.other_coordinator):
        with pytest.raises(ActionNotAllowed):
            _share(consent_world, consent=consent, actor=actor)
        assert not selectors.disclosures(actor).exists()
        with pytest.raises(ActionNotAllowed):
            services.disclosure_decline(
                family=consent_world.family,
                recipient=consent_world.health_visitor,
                categories=[Category.SUPPORT_STATUS],
                reason="x",
                decided_on=TODAY(),
                actor=actor,
            )
    assert selectors.disclosures(consent_world.coordinator).count() == 1


def test_decision_not_to_share_is_recorded_with_its_reason(consent_world: Any) -> None:
    with pytest.raises(ActionNotAllowed, match="reason"):
        services.disclosure_decline(
            family=consent_world.family,
            recipient=consent_world.health_visitor,
            categories=[Category.HOUSEHOLD],
            reason=" ",
            decided_on=TODAY(),
            actor=consent_world.coordinator,
        )
    decision = services.disclosure_decline(
        family=consent_world.family,
        recipient=consent_world.health_visitor,
        categories=[Category.HOUSEHOLD],
        reason="Not relevant to the health visitor's request.",
        decided_on=TODAY(),
        actor=consent_world.coordinator,
    )
    assert not decision.shared and decision.basis == ""


# P11 -----------------------------------------------------------------------------------------------------------


def test_P11_photo_usable_only_with_every_familys_signed_photo_consent(consent_world: Any) -> None:
    from tests.conftest import make_family

    other = make_family(consent_world.coordinator, "Evans-Price")
    photo = services.photo_record(
        scheme=consent_world.scheme,
        event="Summer picnic",
        taken_on=TODAY(),
        description="Families at the park",
        families=[consent_world.family, other],
        actor=consent_world.coordinator,
    )
    assert not selectors.photo_usable(photo)
    consents = []
    for family in (consent_world.family, other):
        consent, _letter, _pdf = services.consent_request(
            family=family,
            purpose=Purpose.PHOTOGRAPHS,
            signer=family.members.get(kind="adult"),
            photos=[photo],
            review_on=TODAY() + datetime.timedelta(days=365),
            actor=consent_world.coordinator,
        )
        consents.append(consent)
        services.consent_record_signed(
            consent=consent,
            scan=pdf_upload(),
            signed_on=TODAY(),
            method="scanned_letter",
            received_by=consent_world.coordinator,
            actor=consent_world.coordinator,
        )
        assert selectors.photo_usable(photo) == (family == other)
    services.consent_withdraw(
        consent=consents[1], withdrawn_on=TODAY(), method="in_writing", actor=consent_world.coordinator
    )
    assert not selectors.photo_usable(photo)


def test_P11_photo_consent_is_not_a_basis_for_sharing_information(consent_world: Any) -> None:
    photo = services.photo_record(
        scheme=consent_world.scheme,
        event="Picnic",
        taken_on=TODAY(),
        description="x",
        families=[consent_world.family],
        actor=consent_world.coordinator,
    )
    consent, _l, _p = services.consent_request(
        family=consent_world.family,
        purpose=Purpose.PHOTOGRAPHS,
        signer=consent_world.family.members.get(kind="adult"),
        photos=[photo],
        review_on=TODAY() + datetime.timedelta(days=365),
        actor=consent_world.coordinator,
    )
    services.consent_record_signed(
        consent=consent,
        scan=pdf_upload(),
        signed_on=TODAY(),
        method="scanned_letter",
        received_by=consent_world.coordinator,
        actor=consent_world.coordinator,
    )
    with pytest.raises(DisclosureRefused, match="publicity photographs"):
        _share(consent_world, consent=consent)


# Races (SECURITY 26) -------------------------------------------------------------------------------------------


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_withdrawal_racing_disclosure_never_lets_one_through_after_withdrawal() -> None:
    """Two threads, many rounds: either the disclosure comes first, or it is refused. Never one after a withdrawal."""
    from families.models import Professional
    from tests.conftest import build_world
    from tests.consents.conftest import publish_wordings

    world = build_world()
    publish_wordings(world.scheme, world.administrator)
    world.health_visitor = Professional.objects.get(name="Helen Price")
    for round_ in range(12):
        consent = signed_information_consent(world)
        barrier = threading.Barrier(2)
        outcome: dict[str, Any] = {}

        def withdraw(consent: Consent = consent, barrier: threading.Barrier = barrier, outcome: dict = outcome) -> None:
            barrier.wait()
            try:
                services.consent_withdraw(
                    consent=consent, withdrawn_on=TODAY(), method="by_phone", actor=world.coordinator
                )
                outcome["withdrawn"] = True
            finally:
                connection.close()

        def disclose(consent: Consent = consent, barrier: threading.Barrier = barrier, outcome: dict = outcome) -> None:
            barrier.wait()
            try:
                outcome["disclosure"] = _share(world, consent=consent).pk
            except DisclosureRefused:
                outcome["disclosure"] = None
            finally:
                connection.close()

        threads = [threading.Thread(target=withdraw), threading.Thread(target=disclose)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        assert outcome.get("withdrawn"), f"round {round_}: the withdrawal failed"
        withdrawn_event = ConsentEvent.objects.get(consent=consent, kind="withdrawn")
        if outcome["disclosure"] is not None:
            disclosure = Disclosure.objects.get(pk=outcome["disclosure"])
            assert disclosure.recorded_at < withdrawn_event.recorded_at, f"round {round_}: disclosure after withdrawal"
    # No disclosure row anywhere points at a consent that was withdrawn before it was recorded.
    for disclosure in Disclosure.objects.select_related("consent"):
        withdrawal = disclosure.consent.events.filter(kind="withdrawn").first()
        assert withdrawal is None or disclosure.recorded_at < withdrawal.recorded_at


def test_expire_command_records_an_event_once(consent_world: Any) -> None:
    from io import StringIO

    import time_machine
    from django.core.management import call_command

    consent = signed_information_consent(consent_world)
    out = StringIO()
    with time_machine.travel(timezone.now() + datetime.timedelta(days=400)):
        call_command("expire_consents", stdout=out)
        call_command("expire_consents", stdout=out)
    assert out.getvalue().splitlines() == ["1 consent expired.", "0 consents expired."]
    event = consent.events.get(kind="expired")
    assert event.recorded_by is None and event.method == "review_date_passed"


# Audit entries written by services -----------------------------------------------------------------------------


def test_scan_download_record_writes_its_audit_entry(consent_world: Any) -> None:
    consent = signed_information_consent(consent_world)
    scan = selectors.latest_scan(consent)
    assert scan == SignedScan.objects.get()
    services.scan_download_record(scan=scan, consent=consent, actor=consent_world.coordinator)
    entry = AuditEntry.objects.get(event=ConsentAuditEvent.SCAN_DOWNLOADED)
    assert entry.action == AuditEntry.Action.ACCESS and entry.actor == consent_world.coordinator
    assert entry.content_type.model == "signedscan" and entry.object_id == scan.pk
    assert entry.additional_data == {"consent": consent.pk, "family": consent_world.family.pk}


def test_scan_download_record_refuses_anyone_but_the_familys_coordinators(consent_world: Any) -> None:
    consent = signed_information_consent(consent_world)
    scan = selectors.latest_scan(consent)
    for actor in (consent_world.other_coordinator, consent_world.volunteer, consent_world.administrator):
        with pytest.raises(ActionNotAllowed):
            services.scan_download_record(scan=scan, consent=consent, actor=actor)
    assert not AuditEntry.objects.filter(event=ConsentAuditEvent.SCAN_DOWNLOADED).exists()


def test_register_export_record_writes_the_row_count_and_the_filters_made_safe(consent_world: Any) -> None:
    world = consent_world
    services.register_export_record(
        family=None,
        scheme=world.scheme,
        row_count=3,
        filters={"shared": "yes", "date\x00_from": "2024-\x0001-01", "k" * 50: "v" * 150},
        actor=world.coordinator,
    )
    services.register_export_record(
        family=world.family, scheme=world.scheme, row_count=0, filters={}, actor=world.coordinator
    )
    scheme_wide, family_only = AuditEntry.objects.filter(event=ConsentAuditEvent.REGISTER_EXPORTED).order_by("pk")
    assert scheme_wide.actor == world.coordinator and scheme_wide.action == AuditEntry.Action.ACCESS
    assert (scheme_wide.content_type.model, scheme_wide.object_id) == ("scheme", world.scheme.pk)
    assert scheme_wide.additional_data == {
        "rows": 3,
        "filters": {"shared": "yes", "date_from": "2024-01-01", "k" * 40: "v" * 100},
    }
    assert (family_only.content_type.model, family_only.object_id) == ("family", world.family.pk)
    assert family_only.additional_data == {"rows": 0, "filters": {}}


def test_register_export_record_refuses_anyone_but_the_schemes_coordinators(consent_world: Any) -> None:
    world = consent_world
    for actor, family in (
        (world.other_coordinator, None),
        (world.volunteer, None),
        (world.administrator, None),
        (world.coordinator, world.other_family),  # another scheme's family in this scheme's register
    ):
        with pytest.raises(ActionNotAllowed, match="export its disclosure register"):
            services.register_export_record(family=family, scheme=world.scheme, row_count=0, filters={}, actor=actor)
    assert not AuditEntry.objects.filter(event=ConsentAuditEvent.REGISTER_EXPORTED).exists()


# Closing an agency request -------------------------------------------------------------------------------------


def _statistical_request(world: Any) -> AgencyRequest:
    return services.agency_request_receive(
        requester=world.health_visitor,
        received_on=TODAY(),
        purpose="Numbers for the annual report",
        categories=[Category.SUPPORT_STATUS],
        identifying=False,
        family=None,
        due_on=TODAY() + datetime.timedelta(days=14),
        actor=world.coordinator,
    )


def test_closing_a_request_keeps_who_closed_it_and_when(consent_world: Any) -> None:
    request = _statistical_request(consent_world)
    assert request.closed_by is None and request.closed_at is None  # open: nobody has closed it
    before = timezone.now()
    services.agency_request_close(
        request=request, fulfilled=True, note="Figures sent by email.", actor=consent_world.dsl
    )
    request.refresh_from_db()
    assert request.status == RequestStatus.FULFILLED
    assert request.closed_by == consent_world.dsl
    assert before <= request.closed_at <= timezone.now()


def test_a_refused_close_leaves_the_request_open_and_nobody_recorded(consent_world: Any) -> None:
    request = _statistical_request(consent_world)
    with pytest.raises(ActionNotAllowed, match="Only a coordinator of this scheme"):
        services.agency_request_close(
            request=request, fulfilled=False, note="Not ours.", actor=consent_world.other_coordinator
        )
    with pytest.raises(ActionNotAllowed, match="Say how"):
        services.agency_request_close(request=request, fulfilled=False, note=" ", actor=consent_world.coordinator)
    request.refresh_from_db()
    assert request.status == RequestStatus.RECEIVED
    assert request.closed_by is None and request.closed_at is None


# P11: a family is asked about a photograph once ----------------------------------------------------------------


def _ask_about(world: Any, photos: list[Any], **extra: Any) -> Consent:
    consent, _letter, _pdf = services.consent_request(
        family=world.family,
        purpose=Purpose.PHOTOGRAPHS,
        signer=world.family.members.get(kind="adult"),
        photos=photos,
        review_on=TODAY() + datetime.timedelta(days=365),
        actor=world.coordinator,
        **extra,
    )
    return consent


def _picture(world: Any, event: str = "Summer picnic") -> Any:
    return services.photo_record(
        scheme=world.scheme,
        event=event,
        taken_on=TODAY(),
        description="Families at the park",
        families=[world.family],
        actor=world.coordinator,
    )


def test_P11_a_family_already_asked_about_a_photo_is_refused_a_second_form(consent_world: Any) -> None:
    world = consent_world
    picnic, party = _picture(world), _picture(world, "Christmas party")
    first = _ask_about(world, [picnic])
    message = "The Adeyemi family has already been asked about this photograph"
    for photos, print_letter in (([picnic], True), ([picnic], False), ([party, picnic], True)):
        with pytest.raises(services.PhotoConsentAlreadyAsked) as refused:
            _ask_about(world, photos, print_letter=print_letter)
        assert refused.value.message == message
    assert list(Consent.objects.all()) == [first]
    assert Letter.objects.count() == 1  # nothing more printed

    services.consent_record_signed(
        consent=first,
        scan=pdf_upload(),
        signed_on=TODAY(),
        method="scanned_letter",
        received_by=world.coordinator,
        actor=world.coordinator,
    )
    with pytest.raises(services.PhotoConsentAlreadyAsked, match=message):  # covered: nothing to ask
        _ask_about(world, [picnic])
    assert _ask_about(world, [party]).photos.get() == party  # another photograph is another question

    services.consent_withdraw(consent=first, withdrawn_on=TODAY(), method="in_writing", actor=world.coordinator)
    again = _ask_about(world, [picnic])  # after a withdrawal the family may be asked again
    assert again.status == ConsentStatus.AWAITING_SIGNATURE
