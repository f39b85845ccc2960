"""SECURITY 2 and 19: a private note's text reaches only its author and the family's coordinator.

A sentinel sentence is written in a note; every page of the project is then fetched as every role, and the
sentence must appear only in the author's and the coordinator's responses, and in no field of the audit log.
"""

from typing import Any

import pytest
from django.urls import reverse

from families import services
from homestart.models import AuditEntry
from tests.conftest import log_visit
from tests.homestart.test_authorization import POLICY, ROLES, route_url

SENTINEL = "Sentinel-7Q4 Grace said something private about her sister"
CHILD_SENTINEL = "Zebedee"
# A correction to that note, and a note without a visit: private in exactly the same way.
CORRECTION_SENTINEL = "Correction-3K8 she meant her cousin, not her sister"
PHONE_SENTINEL = "Phone-5M2 Grace rang about the housing letter"
SENTINELS = [SENTINEL, CORRECTION_SENTINEL, PHONE_SENTINEL]


def _all_get_responses(client: Any, world: Any, user: Any) -> str:
    client.logout()
    if user is not None:
        client.force_login(user)
    seen = []
    for route, (methods, _allowed, _anonymous) in POLICY.items():
        if "get" not in methods:
            continue
        url = route_url(world, route)
        response = client.get(url, follow=True)
        # Files (scans, photographs) stream, and are bytes that need not be text: searched all the same.
        body = b"".join(response.streaming_content) if response.streaming else response.content
        seen.append(body.decode(errors="replace"))
    # Search results (posted, so the words stay out of URLs) and filtered lists too.
    for query in ("Okafor", "PO2"):
        seen.append(client.post(reverse("families:list"), {"q": query}, follow=True).content.decode())
    seen.append(client.get(reverse("families:list") + "?status=supported").content.decode())
    return "\n".join(seen)


@pytest.fixture
def note_world(world: Any) -> Any:
    note = log_visit(world.family, world.volunteer, note=SENTINEL).note
    services.case_note_correct(note=note, text=CORRECTION_SENTINEL, actor=world.volunteer)
    services.case_note_write(family=world.family, text=PHONE_SENTINEL, actor=world.volunteer)
    return world


@pytest.mark.parametrize("role", ROLES)
def test_note_text_reaches_only_author_and_family_coordinator(client: Any, note_world: Any, role: str) -> None:
    html = _all_get_responses(client, note_world, note_world.role(role))
    for sentinel in SENTINELS:
        if role in ("volunteer", "coordinator"):
            assert sentinel in html, f"{role} should be able to read the note {sentinel[:14]}"
        else:
            assert sentinel not in html, f"{role} saw a private note {sentinel[:14]}"


def test_other_schemes_family_never_listed(client: Any, world: Any) -> None:
    """SECURITY 2: a family of another scheme never appears in any list or search of this scheme."""
    html = _all_get_responses(client, world, world.coordinator)
    assert "Evans" not in html
    assert world.other_family.reference not in html
    for query in ("Evans", "SO23", world.other_family.reference):
        searched = client.post(reverse("families:list"), {"q": query}, follow=True).content.decode()
        assert "No families in your scheme match" in searched
        assert reverse("families:detail", args=[world.other_family.pk]) not in searched


def test_note_text_never_in_the_audit_log(client: Any, note_world: Any) -> None:
    """SECURITY 19: the note body is masked in change entries, and reads log only the note's number."""
    client.force_login(note_world.coordinator)
    client.get(reverse("families:detail", args=[note_world.family.pk]))
    client.force_login(note_world.volunteer)  # the author reads all three, on the family page and the correction page
    client.get(reverse("families:detail", args=[note_world.family.pk]))
    note = note_world.family.case_notes.get(text=SENTINEL)
    client.get(reverse("families:note_correct", args=[note_world.family.pk, note.pk]))
    assert AuditEntry.objects.filter(event="note_read").count() >= 6
    services.family_change_coordinator(
        family=note_world.family, coordinator=note_world.dsl, actor=note_world.coordinator
    )
    for entry in AuditEntry.objects.all():
        blob = " ".join(
            str(value)
            for value in (
                entry.object_repr,
                entry.changes,
                entry.changes_text,
                entry.additional_data,
                entry.serialized_data,
            )
        )
        assert "Sentinel-7Q4" not in blob
        assert "Correction-3K8" not in blob and "cousin" not in blob
        assert "Phone-5M2" not in blob and "housing letter" not in blob
        assert "Grace" not in blob  # the mother's first name is masked too


def test_childrens_names_never_in_the_audit_log(world: Any) -> None:
    from tests.conftest import make_family

    make_family(world.coordinator, "Smith", child_first_name=CHILD_SENTINEL)
    for entry in AuditEntry.objects.all():
        blob = " ".join(str(v) for v in (entry.object_repr, entry.changes, entry.changes_text, entry.additional_data))
        assert CHILD_SENTINEL not in blob


def test_assignment_endings_volunteer_records_directory_contacts_and_venues_never_in_the_audit_log(
    world: Any,
) -> None:
    """Free text and personal details beyond notes are masked too: why an assignment ended, a volunteer's DBS
    certificate number and the times they are free, an agency's contact details, and where a family group met."""
    import datetime

    from django.utils import timezone

    from volunteers import services as volunteer_services

    today = timezone.localdate()
    sentinels = {
        "end reason": "Ended-6T1 because of the volunteer's divorce",
        "DBS number": "DBS998877QZ",
        "free times": "Times-2W9 after the school run at Kingfisher Close",
        "agency email": "jo.sentinel-4R7@example.invalid",
        "agency phone": "07700 900 417",
        "agency address": "Address-8P3 Flat 2, Heron Court",
        "venue": "Venue-1V5 at Grace's house on Mill Lane",
    }
    services.assignment_end(
        assignment=world.family.assignments.get(ended_on__isnull=True),
        ended_on=today,
        reason=sentinels["end reason"],
        actor=world.coordinator,
    )
    profile = world.other_volunteer.volunteer_profile
    volunteer_services.volunteer_profile_update(
        profile=profile,
        dbs_certificate_number=sentinels["DBS number"],
        dbs_issued_on=today - datetime.timedelta(days=10),
        dbs_renewal_due=today + datetime.timedelta(days=1000),
        preparation_course_completed_on=today - datetime.timedelta(days=5),
        actor=world.coordinator,
    )
    volunteer_services.volunteer_availability_update(
        profile=profile,
        available_for_new_family=True,
        available_times=sentinels["free times"],
        max_families=2,
        actor=world.coordinator,
    )
    agency = services.professional_add(
        scheme=world.scheme,
        agency_name="Sentinel Children's Centre",
        agency_kind="other",
        name="Outreach worker",
        role="outreach worker",
        actor=world.coordinator,
    ).agency
    services.agency_update(
        agency=agency,
        name=agency.name,
        kind=agency.kind,
        email=sentinels["agency email"],
        phone=sentinels["agency phone"],
        address=sentinels["agency address"],
        actor=world.coordinator,
    )
    services.family_group_record(
        held_on=today,
        venue=sentinels["venue"],
        helpers=[world.coordinator],
        families=[world.family],
        actor=world.coordinator,
    )
    entries = list(AuditEntry.objects.all())
    for what in ("assignment", "volunteerprofile", "agency", "familygroupsession"):
        assert any(entry.content_type.model == what for entry in entries), f"no entry about the {what}"
    for entry in entries:
        blob = " ".join(str(v) for v in (entry.object_repr, entry.changes, entry.changes_text, entry.additional_data))
        for what, sentinel in sentinels.items():
            assert sentinel not in blob, f"the {what} is in audit entry {entry.pk}"


def test_consent_notes_agency_requests_photos_and_concern_dates_never_in_the_audit_log(client: Any, world: Any) -> None:
    """What a family said when withdrawing or refusing consent, what an agency asked for and how it was answered,
    what a photograph shows and where, the kind of harm a concern fears, and how long a concern is held (the
    youngest child's date of birth plus 25 years) are masked, through the pages and the services that write them."""
    import datetime

    from django.utils import timezone

    from consents import services as consent_services
    from consents.models import Category, ConsentStatus, Purpose
    from families.models import Professional
    from safeguarding import services as safeguarding_services
    from safeguarding.models import ConcernCategory
    from tests.consents.conftest import pdf_upload, publish_wordings

    today = timezone.localdate()
    sentinels = {
        "withdrawal note": "Withdrawn-5J2 her ex-partner works at the surgery",
        "refusal note": "Refused-9D4 dad does not trust social services",
        "request purpose": "Purpose-3H6 checking whether Grace is fit to parent",
        "request outcome": "Outcome-7N1 told the GP Grace had moved to Leeds",
        "photo event": "Event-4C8 the Okafor christening in St Mary's hall",
        "photo description": "Description-2B5 Grace holding Tobi by the font",
    }
    publish_wordings(world.scheme, world.administrator)
    health_visitor = Professional.objects.get(name="Helen Price")
    adult = world.family.members.get(kind="adult")
    review_on = today + datetime.timedelta(days=365)

    def ask() -> Any:
        consent, _letter, _pdf = consent_services.consent_request(
            family=world.family,
            purpose=Purpose.INFORMATION_EXCHANGE,
            signer=adult,
            recipients=[health_visitor],
            categories=[Category.SUPPORT_STATUS],
            review_on=review_on,
            actor=world.coordinator,
        )
        return consent

    signed = consent_services.consent_record_signed(
        consent=ask(), scan=pdf_upload(), signed_on=today, method="scanned_letter",
        received_by=world.coordinator, actor=world.coordinator,
    )  # fmt: skip
    client.force_login(world.coordinator)
    response = client.post(
        reverse("consents:consent_withdraw", args=[signed.pk]),
        {"withdrawn_on": today.isoformat(), "method": "by_phone", "note": sentinels["withdrawal note"]},
    )
    assert response.status_code == 302
    signed.refresh_from_db()
    assert signed.status == ConsentStatus.WITHDRAWN
    consent_services.consent_record_refused(
        consent=ask(), refused_on=today, method="by_phone", note=sentinels["refusal note"], actor=world.coordinator
    )
    request = consent_services.agency_request_receive(
        requester=health_visitor,
        received_on=today,
        purpose=sentinels["request purpose"],
        categories=[Category.SUPPORT_STATUS],
        identifying=True,
        family=world.family,
        due_on=today + datetime.timedelta(days=14),
        actor=world.coordinator,
    )
    consent_services.agency_request_close(
        request=request, fulfilled=False, note=sentinels["request outcome"], actor=world.coordinator
    )
    consent_services.photo_record(
        scheme=world.scheme,
        event=sentinels["photo event"],
        taken_on=today,
        description=sentinels["photo description"],
        families=[world.family],
        actor=world.coordinator,
    )
    child = world.family.members.get(kind="child")
    # About no child in particular: held until the family's youngest child is 25, so a new baby holds it longer.
    concern = safeguarding_services.concern_raise(
        family=world.family,
        children=[],
        category=ConcernCategory.SEXUAL,
        account="The account is masked as before.",
        observed_on=today,
        observed_time=None,
        immediate_danger=False,
        actor=world.volunteer,
        site_root="https://homestart.example/",
    )
    concern.refresh_from_db()
    held_until = concern.retain_until
    # A new baby holds the concern longer (families tells safeguarding): the new date's entry must not give it away.
    due = today + datetime.timedelta(days=120)
    services.household_member_add(
        family=world.family, kind="child", first_name="Baby", expected_due_date=due, actor=world.coordinator
    )
    concern.refresh_from_db()
    dates = {
        "retention date": held_until,
        "child's date of birth": child.date_of_birth,
        "due date": due,
        "later retention date": concern.retain_until,
    }
    assert concern.retain_until > held_until
    entries = list(AuditEntry.objects.all())
    for what in ("consentevent", "agencyrequest", "photo", "concern"):
        assert any(entry.content_type.model == what for entry in entries), f"no entry about the {what}"
    for entry in entries:
        blob = " ".join(
            str(value)
            for value in (
                entry.object_repr,
                entry.changes,
                entry.changes_text,
                entry.additional_data,
                entry.serialized_data,
            )
        )
        for what, sentinel in sentinels.items():
            assert sentinel not in blob, f"the {what} is in audit entry {entry.pk}"
        for what, day in dates.items():
            for written in (day.isoformat(), f"{day:%-d %B %Y}", f"{day:%d/%m/%Y}"):
                assert written not in blob, f"the {what} is in audit entry {entry.pk} ({entry.event})"
        assert ConcernCategory.SEXUAL.value not in blob, f"the kind of harm is in audit entry {entry.pk}"
