"""Subject access (SECURITY 24): one command or button gives everything held about a family, as a ZIP of a PDF, the
same records as JSON and the signed scans, to the family's coordinator or a safeguarding lead only, and audited."""

import datetime
import hashlib
import io
import json
import os
import re
import subprocess
import zipfile
from pathlib import Path
from typing import Any

import pytest
import time_machine
from django.core.management import CommandError, call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from consents import services as consent_services
from consents.models import Category, ConsentEvent, Disclosure, Purpose
from families import services as family_services
from families.models import AgencyKind, CaseNote, MemberKind
from homestart import pdf
from homestart.models import AuditEntry, Role
from office import subject_access
from office.audit import OfficeAuditEvent
from tests.conftest import PASSWORD, VerifiedClient, log_visit, make_family, make_user
from tests.consents.conftest import pdf_upload, publish_wordings
from tests.safeguarding.policy import concern_in_review
from volunteers import services as volunteer_services
from volunteers.services import AgreedAction, DiscussedFamily

OWN_NOTE = "Grace said the damp in the back bedroom is worse"
OWN_CORRECTION = "It was the front bedroom, not the back"
OWN_LOOSE_NOTE = "Grace rang to move Thursday's visit"
OWN_PART = "Tobi is crawling now and Grace is more confident"
OWN_ACTION = "Find a stay-and-play near Fratton"
OTHER_NOTE = "Quentin has a zebra-striped umbrella"
OTHER_PART = "The Quimby twins started nursery"
OTHER_ACTION = "Ask about the Quimby housing letter"
GENERAL_SUPERVISION = "Volunteer feels tired after her own house move"
PHOTO_DESCRIPTION = "Okafor and Quimby children at the picnic"
CONCERN_ACCOUNT = "The baby was left alone in the flat for an hour."
SAFEGUARDING_MARK = "Safeguarding: review before release"


def _pdf_text(document: bytes, *, raw: bool = False) -> str:
    """The PDF's text as pdftotext (poppler-utils) reads it back, pages split by form feeds, spaces normalised; with
    ``raw``, in the order it was drawn (a table cell's lines together, never interleaved with the next cell's)."""
    result = subprocess.run(  # noqa: S603 - a fixed program on bytes we made
        ["/usr/bin/pdftotext", "-enc", "UTF-8", *(["-raw"] if raw else []), "-", "-"],
        input=document,
        capture_output=True,
        check=True,
    )
    return "\f".join(" ".join(page.split()) for page in result.stdout.decode("utf-8").split("\f"))


def _open(content: bytes) -> tuple[zipfile.ZipFile, str, dict[str, Any]]:
    archive = zipfile.ZipFile(io.BytesIO(content))
    pdf_name = next(name for name in archive.namelist() if name.endswith("-subject-access.pdf"))
    document = archive.read(pdf_name)
    if os.environ.get("SAR_KEEP_PDF"):  # to look at it: SAR_KEEP_PDF=/tmp/sar.pdf
        Path(os.environ["SAR_KEEP_PDF"]).write_bytes(document)
    return archive, _pdf_text(document), json.loads(archive.read("family.json"))


@pytest.fixture
def sar_world(world: Any) -> Any:
    """The world's family with something in every kind of record, and another family of the same scheme, with the
    same volunteer, at the same family group and in the same photograph and supervision session."""
    w = world
    today = timezone.localdate()
    publish_wordings(w.scheme, w.administrator)
    from families.models import Professional

    w.health_visitor = Professional.objects.get(name="Helen Price")
    w.family = family_services.family_change_health_visitor(
        family=w.family, health_visitor=w.health_visitor, actor=w.coordinator
    )
    w.other = make_family(
        w.coordinator, "Quimby", volunteer=w.volunteer, child_first_name="Ottoline", postcode="PO9 9ZZ"
    )
    log_visit(w.other, w.volunteer, note=OTHER_NOTE, days_ago=3)

    visit = log_visit(w.family, w.volunteer, note=OWN_NOTE, days_ago=5)
    log_visit(w.family, w.volunteer, note="", days_ago=4)
    family_services.case_note_correct(note=visit.note, text=OWN_CORRECTION, actor=w.volunteer)
    family_services.case_note_write(family=w.family, text=OWN_LOOSE_NOTE, actor=w.volunteer)
    father = family_services.household_member_add(
        family=w.family, kind=MemberKind.ADULT, first_name="Marcus", last_name="Okafor", relationship="father",
        actor=w.coordinator,
    )  # fmt: skip
    family_services.household_member_leave(
        member=father, left_on=today - datetime.timedelta(days=2), actor=w.coordinator
    )

    consent, _letter, _pdf = consent_services.consent_request(
        family=w.family,
        purpose=Purpose.INFORMATION_EXCHANGE,
        signer=w.family.members.get(first_name="Grace"),
        recipients=[w.health_visitor],
        categories=[Category.SUPPORT_STATUS, Category.VISIT_SUMMARY],
        review_on=today + datetime.timedelta(days=365),
        actor=w.coordinator,
    )
    w.scan_bytes = pdf_upload().read()
    consent_services.consent_record_signed(
        consent=consent, scan=pdf_upload(), signed_on=today, method="scanned_letter", received_by=w.coordinator,
        actor=w.coordinator,
    )  # fmt: skip
    w.consent = consent
    sent = consent_services.support_agreed_notices_send(family=w.family, method="letter", actor=w.coordinator)
    consent_services.support_agreed_letter_reprint(letter=sent[0][0], actor=w.coordinator)
    consent_services.disclosure_record(
        family=w.family, recipient=w.health_visitor, categories=[Category.VISIT_SUMMARY],
        summary="Told the health visitor Grace has had six visits", method="phone",
        disclosed_on=today, basis="consent", consent=consent, actor=w.coordinator,
    )  # fmt: skip
    gp = family_services.professional_add(
        scheme=w.scheme, agency_name="Fratton GP Practice", agency_kind=AgencyKind.GP, name="Dr Ayo Bello",
        role="GP", actor=w.coordinator,
    )  # fmt: skip
    consent_services.disclosure_decline(
        family=w.family, recipient=gp, categories=[Category.HOUSEHOLD],
        reason="The GP asked about the father; the family has not agreed", decided_on=today, actor=w.coordinator,
    )  # fmt: skip
    consent_services.agency_request_receive(
        requester=gp, received_on=today, purpose="Checking who lives at the address for the surgery's register",
        categories=[Category.HOUSEHOLD], identifying=True, family=w.family, due_on=today + datetime.timedelta(days=14),
        actor=w.coordinator,
    )  # fmt: skip
    volunteer_services.supervision_record(
        volunteer=w.volunteer,
        held_on=today,
        notes=GENERAL_SUPERVISION,
        discussed=[DiscussedFamily(w.family, OWN_PART), DiscussedFamily(w.other, OTHER_PART)],
        actions=[
            AgreedAction(OWN_ACTION, today + datetime.timedelta(days=7), w.family),
            AgreedAction(OTHER_ACTION, today + datetime.timedelta(days=7), w.other),
        ],
        actor=w.coordinator,
    )
    family_services.family_group_record(
        held_on=today - datetime.timedelta(days=1), venue="St Mary's Church Hall, Fratton", helpers=[w.coordinator],
        families=[w.family, w.other], actor=w.coordinator,
    )  # fmt: skip
    consent_services.photo_record(
        scheme=w.scheme, event="Summer picnic", taken_on=today, description=PHOTO_DESCRIPTION,
        families=[w.family, w.other], actor=w.coordinator,
    )  # fmt: skip
    w.concern = concern_in_review(w)
    return w


# --- What is in it ------------------------------------------------------------------------------------------------


def test_the_family_coordinators_export_holds_the_familys_records_and_nothing_about_anyone_else(sar_world: Any) -> None:
    w = sar_world
    export = subject_access.subject_access_export(family=w.family, actor=w.coordinator)
    archive, text, held = _open(export.content)

    for expected in [
        w.family.reference, w.scheme.name, "Coordinator Tester",  # headed: scheme, reference, who produced it
        OWN_NOTE, OWN_CORRECTION, OWN_LOOSE_NOTE, "Marcus Okafor", "No longer in the household",
        "Isolated after moving to the area.", "Volunteer Tester", "Helen Price", "North Health Visiting Team",
        "Told the health visitor Grace has had six visits", "The GP asked about the father",
        "Checking who lives at the address", "Dr Ayo Bello", "Fratton GP Practice", OWN_PART, OWN_ACTION,
        "St Mary's Church Hall, Fratton", "Summer picnic", "Support-agreed notice", "Printed again",
        "Sharing information with your health visitor",  # the wording the family was shown, title and text
        "We will never pass on what you tell your volunteer in private.",
        "This export does not include safeguarding records",
    ]:  # fmt: skip
        assert expected in text, expected
    for absent in [
        "Quimby", "Ottoline", OTHER_NOTE, OTHER_PART, OTHER_ACTION, GENERAL_SUPERVISION, PHOTO_DESCRIPTION,
        CONCERN_ACCOUNT, SAFEGUARDING_MARK, "@example.invalid",
    ]:  # fmt: skip
        assert absent not in text, absent
        assert absent not in json.dumps(held), absent
    assert held["export"]["includes_safeguarding"] is False
    assert subject_access.SAFEGUARDING_KEY not in held
    assert not export.includes_safeguarding


@pytest.mark.parametrize("role", ["coordinator", "dsl"])
def test_a_long_record_laid_out_in_two_parts_reads_as_one_numbered_document(
    sar_world: Any, monkeypatch: Any, role: str
) -> None:
    """A family with many visits has its PDF laid out in two parts at once (here from two visits on): the second
    part goes on from the visits, the opening is printed once, and the pages are numbered across both."""
    w = sar_world
    actor = w.coordinator if role == "coordinator" else w.dsl
    whole_text = _open(subject_access.subject_access_export(family=w.family, actor=actor).content)[1]
    monkeypatch.setattr(subject_access, "VISITS_FOR_TWO_PARTS", 2)
    monkeypatch.setattr(pdf, "parts_available", lambda: 2)
    export = subject_access.subject_access_export(family=w.family, actor=actor)
    archive = zipfile.ZipFile(io.BytesIO(export.content))
    document = archive.read(f"{w.family.reference}-subject-access.pdf")
    text = _open(export.content)[1]

    pages = text.split("\f")
    pages = pages[:-1] if not pages[-1].strip() else pages
    for number, page in enumerate(pages, start=1):
        assert page.count(f"Page {number} of {len(pages)}") == 1, page[-120:]
        assert f"Ref {w.family.reference}" in page  # the running footer on every page of both parts
    assert text.count("Everything held about the Okafor family") == 1  # the opening, once
    assert text.count("Visits and private notes (continued)") == 1
    # Everything the whole document says, in the same order, and nothing more but the continued heading.
    footer = pages[0][pages[0].index(f"Ref {w.family.reference}") :].split(" Page ")[0]
    assert _body(text, footer).replace("Visits and private notes (continued)", "").split() == (
        _body(whole_text, footer).split()
    )
    assert OTHER_NOTE not in text and "Quimby" not in text
    assert (SAFEGUARDING_MARK in text) is (role == "dsl")
    assert b"/Title" in document  # the first part's metadata kept
    assert export.sha256 == hashlib.sha256(export.content).hexdigest()


def _body(text: str, footer: str) -> str:
    """The text without what is printed on every page (footer, page number, safeguarding mark) or page breaks."""
    for repeated in [footer, SAFEGUARDING_MARK, "\f"]:
        text = text.replace(repeated, " ")
    return re.sub(r"Page \d+ of \d+", " ", text)


def test_the_json_holds_the_same_records_as_the_pdf(sar_world: Any) -> None:
    w = sar_world
    _archive, text, held = _open(subject_access.subject_access_export(family=w.family, actor=w.coordinator).content)
    notes = [visit["private_note"] for visit in held["visits"] if visit["private_note"]]
    assert [note["text"] for note in notes] == [OWN_NOTE]
    assert notes[0]["corrections"][0]["text"] == OWN_CORRECTION
    assert [note["text"] for note in held["notes_without_a_visit"]] == [OWN_LOOSE_NOTE]
    assert len(held["visits"]) == 2 == held["export"]["counts"]["visits"]
    assert [p["name"] for p in held["household_left"]] == ["Marcus Okafor"]
    assert {p["name"] for p in held["household"]} == {"Grace Okafor", "Tobi Okafor"}
    assert held["referrals"][0]["reasons"] == "Isolated after moving to the area."
    assert held["assignments"][0]["volunteer"] == "Volunteer Tester"
    assert held["consents"][0]["recipients"] == [
        {"name": "Helen Price", "role": "Health visitor", "agency": "North Health Visiting Team"}
    ]
    wording = held["consent_wordings"][0]
    assert wording["title"] in text and wording["body"].split("\n\n")[-1] in text
    assert held["consents"][0]["wording"] == wording["label"]
    assert [d["what"] for d in held["disclosures"]].count("Decision not to share") == 1
    assert held["agency_requests"][0]["requester"]["name"] == "Dr Ayo Bello"
    assert held["supervision"] == [
        {
            "held_on": timezone.localdate().isoformat(),
            "volunteer": "Volunteer Tester",
            "coordinator": "Coordinator Tester",
            "notes_about_the_family": [OWN_PART],
            "actions_agreed": [
                {
                    "action": OWN_ACTION,
                    "due_on": (timezone.localdate() + datetime.timedelta(days=7)).isoformat(),
                    "done_on": None,
                }
            ],  # fmt: skip
        }
    ]
    assert held["family_groups"] == [
        {"held_on": (timezone.localdate() - datetime.timedelta(days=1)).isoformat(),
         "venue": "St Mary's Church Hall, Fratton"}
    ]  # fmt: skip
    assert held["photographs"] == [{"event": "Summer picnic", "taken_on": timezone.localdate().isoformat()}]
    assert len(held["letters"]) >= 2 and any(letter["printed_again"] for letter in held["letters"])


def test_the_signed_scans_are_in_the_zip_as_uploaded(sar_world: Any) -> None:
    w = sar_world
    archive, text, held = _open(subject_access.subject_access_export(family=w.family, actor=w.coordinator).content)
    scans = [name for name in archive.namelist() if name.startswith("signed-consents/")]
    assert len(scans) == 1 and scans[0].endswith(".pdf")
    stored = ConsentEvent.objects.get(consent=w.consent, scan__isnull=False).scan
    assert hashlib.sha256(archive.read(scans[0])).hexdigest() == stored.sha256
    assert held["signed_scans"][0]["file"] == scans[0] and held["signed_scans"][0]["matches_upload"] is True
    pdf = archive.read(next(name for name in archive.namelist() if name.endswith("-subject-access.pdf")))
    assert scans[0] in "".join(_pdf_text(pdf, raw=True).split())  # named in the PDF (a long name wraps in its cell)


def test_a_scan_missing_from_the_store_is_said_to_be_missing(sar_world: Any) -> None:
    w = sar_world
    stored = ConsentEvent.objects.get(consent=w.consent, scan__isnull=False).scan
    stored.file.storage.delete(stored.file.name)  # the store's own API: a folder or a bucket alike
    archive, text, held = _open(subject_access.subject_access_export(family=w.family, actor=w.coordinator).content)
    assert not [name for name in archive.namelist() if name.startswith("signed-consents/")]
    assert held["signed_scans"][0]["missing"] is True
    assert "its file is missing from the scheme's store" in text


def test_a_safeguarding_leads_export_has_the_safeguarding_records_on_marked_pages_of_their_own(sar_world: Any) -> None:
    w = sar_world
    export = subject_access.subject_access_export(family=w.family, actor=w.dsl)
    _archive, text, held = _open(export.content)
    assert export.includes_safeguarding
    pages = text.split("\f")
    marked = [number for number, page in enumerate(pages) if SAFEGUARDING_MARK in page]
    with_concern = [number for number, page in enumerate(pages) if CONCERN_ACCOUNT in page]
    assert with_concern and set(with_concern) <= set(marked)
    first = pages[marked[0]]
    # A page of its own: nothing of the family's other records shares it.
    assert "Summer picnic" not in first and "St Mary's Church Hall" not in first
    assert "Ring the health visitor." in text  # the follow-up
    assert "Chronology" in text
    sg = held[subject_access.SAFEGUARDING_KEY]
    assert sg["notice"].startswith(SAFEGUARDING_MARK)  # the JSON says it too, not only its key
    assert sg["concerns"][0]["what_was_seen_or_heard"] == CONCERN_ACCOUNT
    assert sg["concerns"][0]["children"] == ["Tobi Okafor"]
    assert sg["concerns"][0]["follow_ups"][0]["action"] == "Ring the health visitor."
    assert any(entry["what"].startswith(f"Concern #{w.concern.pk}") for entry in sg["chronology"])
    # Still nothing about the other family.
    assert "Quimby" not in text and OTHER_NOTE not in text


def test_a_safeguarding_referral_is_only_in_the_safeguarding_part(sar_world: Any) -> None:
    from safeguarding import services as safeguarding_services
    from safeguarding.models import Decision

    w = sar_world
    today = timezone.localdate()
    social_care = family_services.professional_add(
        scheme=w.scheme, agency_name="Portsmouth MASH", agency_kind=AgencyKind.CHILDRENS_SOCIAL_CARE,
        name="Duty social worker", role="Social worker", actor=w.dsl,
    )  # fmt: skip
    safeguarding_services.concern_record_no_discussion(
        concern=w.concern, occurred_on=today, reason="Telling the family first could put the baby at risk.",
        actor=w.dsl,
    )  # fmt: skip
    safeguarding_services.concern_decide(
        concern=w.concern, decision=Decision.SOCIAL_CARE, reason="A baby left alone is a referral.",
        occurred_on=today, actor=w.dsl,
    )  # fmt: skip
    safeguarding_services.concern_refer(
        concern=w.concern, recipient=social_care, reference_number="MASH-REF-77",
        what_was_shared="Referred the baby left alone.", categories=[Category.CONCERN], method="phone",
        referred_on=today, actor=w.dsl,
    )  # fmt: skip
    assert Disclosure.objects.filter(family=w.family, basis="safeguarding").exists()

    _a, coordinator_text, coordinator_held = _open(
        subject_access.subject_access_export(family=w.family, actor=w.coordinator).content
    )
    assert "Portsmouth MASH" not in coordinator_text and "MASH-REF-77" not in coordinator_text
    assert all(d["recipient"]["agency"] != "Portsmouth MASH" for d in coordinator_held["disclosures"])
    _a, dsl_text, dsl_held = _open(subject_access.subject_access_export(family=w.family, actor=w.dsl).content)
    assert "MASH-REF-77" in dsl_text
    assert dsl_text.index("MASH-REF-77") > dsl_text.index(SAFEGUARDING_MARK)
    assert all(d["recipient"]["agency"] != "Portsmouth MASH" for d in dsl_held["disclosures"])
    steps = dsl_held[subject_access.SAFEGUARDING_KEY]["concerns"][0]["steps"]
    assert [step["referral"]["their_reference"] for step in steps if step["referral"]] == ["MASH-REF-77"]


# --- Audited ------------------------------------------------------------------------------------------------------


def test_the_export_is_one_audit_entry_with_the_zips_sha256_and_each_private_record_read(sar_world: Any) -> None:
    w = sar_world
    export = subject_access.subject_access_export(family=w.family, actor=w.dsl)
    entry = AuditEntry.objects.get(event=OfficeAuditEvent.SUBJECT_ACCESS_EXPORTED)
    assert entry == export.entry
    assert entry.family_pk == w.family.pk and entry.object_id == w.family.pk and entry.actor_id == w.dsl.pk
    assert entry.additional_data["sha256"] == hashlib.sha256(export.content).hexdigest() == export.sha256
    assert entry.additional_data["size"] == len(export.content)
    assert entry.additional_data["includes_safeguarding"] is True
    notes = set(CaseNote.objects.filter(family=w.family).values_list("pk", flat=True))
    read = set(AuditEntry.objects.filter(event="note_read", actor=w.dsl).values_list("object_id", flat=True))
    assert read == notes  # every note of the family, and no other family's
    assert AuditEntry.objects.filter(event="concern_read", actor=w.dsl, object_id=w.concern.pk).exists()
    assert AuditEntry.objects.filter(event="scan_downloaded", actor=w.dsl).count() == 1
    # The log holds no text of the records (SECURITY 19).
    for entry in AuditEntry.objects.filter(actor=w.dsl):
        assert OWN_NOTE not in f"{entry.object_repr} {entry.changes} {entry.additional_data}"


def test_nobody_else_can_export_and_a_refusal_records_nothing(sar_world: Any) -> None:
    from homestart.exceptions import ActionNotAllowed

    w = sar_world
    second = make_user(w.scheme, "secondcoordinator", Role.COORDINATOR)
    for person in [w.volunteer, w.administrator, w.other_coordinator, second]:
        with pytest.raises(ActionNotAllowed):
            subject_access.subject_access_export(family=w.family, actor=person)
    assert not AuditEntry.objects.filter(event=OfficeAuditEvent.SUBJECT_ACCESS_EXPORTED).exists()


# --- The page and the download --------------------------------------------------------------------------------------


def _url(w: Any) -> str:
    return reverse("families:subject_access", args=[w.family.pk])


def test_the_family_coordinator_downloads_the_zip_and_its_audit_entry_matches_the_file(
    client: Any, sar_world: Any
) -> None:
    w = sar_world
    client.force_login(w.coordinator)
    page = client.get(_url(w))
    assert page.status_code == 200
    body = page.content.decode()
    assert "Download everything held about this family (subject access)" in body
    assert "not include safeguarding records" in body
    response = client.post(_url(w))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/zip"
    assert f"{w.family.reference}-subject-access-" in response["Content-Disposition"]
    assert "no-store" in response["Cache-Control"]
    entry = AuditEntry.objects.get(event=OfficeAuditEvent.SUBJECT_ACCESS_EXPORTED)
    assert entry.additional_data["sha256"] == hashlib.sha256(response.content).hexdigest()
    assert entry.actor_id == w.coordinator.pk and entry.additional_data["includes_safeguarding"] is False
    _archive, text, _held = _open(response.content)
    assert OWN_NOTE in text and OTHER_NOTE not in text


def test_a_safeguarding_lead_downloads_it_with_the_safeguarding_records(client: Any, sar_world: Any) -> None:
    w = sar_world
    client.force_login(w.dsl)
    assert "includes the safeguarding records" in client.get(_url(w)).content.decode()
    response = client.post(_url(w))
    _archive, text, held = _open(response.content)
    assert CONCERN_ACCOUNT in text and subject_access.SAFEGUARDING_KEY in held
    assert AuditEntry.objects.get(event=OfficeAuditEvent.SUBJECT_ACCESS_EXPORTED).additional_data[
        "includes_safeguarding"
    ]


@pytest.mark.parametrize("role", ["volunteer", "other_volunteer", "other_coordinator", "administrator", "second"])
def test_anyone_else_gets_404_and_nothing_is_recorded(client: Any, sar_world: Any, role: str) -> None:
    w = sar_world
    user = make_user(w.scheme, "secondcoordinator", Role.COORDINATOR) if role == "second" else w.role(role)
    client.force_login(user)
    assert client.get(_url(w)).status_code == 404
    assert client.post(_url(w)).status_code == 404
    assert not AuditEntry.objects.filter(event=OfficeAuditEvent.SUBJECT_ACCESS_EXPORTED).exists()


def test_anonymous_visitors_are_sent_to_sign_in(client: Any, sar_world: Any) -> None:
    response = client.post(_url(sar_world))
    assert response.status_code == 302 and response["Location"].startswith(reverse("login"))


def test_a_download_asks_for_the_password_again_after_ten_minutes(sar_world: Any) -> None:
    w = sar_world
    with time_machine.travel(timezone.now(), tick=False) as clock:
        client = VerifiedClient()
        client.force_login(w.coordinator)
        clock.shift(datetime.timedelta(minutes=11))
        stale_page = client.get(_url(w))
        assert stale_page.status_code == 302
        assert stale_page["Location"].startswith(reverse("two_factor:reauthenticate"))
        stale_post = client.post(_url(w), HTTP_REFERER=f"http://testserver{_url(w)}")
        assert stale_post.status_code == 302
        assert stale_post["Location"].startswith(reverse("two_factor:reauthenticate"))
        assert not AuditEntry.objects.filter(event=OfficeAuditEvent.SUBJECT_ACCESS_EXPORTED).exists()
        proved = client.post(reverse("two_factor:reauthenticate"), {"password": PASSWORD, "next": _url(w)})
        assert proved["Location"] == _url(w)
        assert client.post(_url(w))["Content-Type"] == "application/zip"


def test_the_family_page_offers_the_export_to_the_family_coordinator_only(client: Any, sar_world: Any) -> None:
    w = sar_world
    detail = reverse("families:detail", args=[w.family.pk])
    client.force_login(w.coordinator)
    body = client.get(detail).content.decode()
    assert "Download everything held about this family (subject access)" in body and _url(w) in body
    client.force_login(make_user(w.scheme, "secondcoordinator", Role.COORDINATOR))
    assert _url(w) not in client.get(detail).content.decode()
    client.force_login(w.volunteer)
    assert _url(w) not in client.get(detail).content.decode()


# --- The command --------------------------------------------------------------------------------------------------


def test_the_command_writes_the_zip_and_the_same_audit_entry(sar_world: Any, tmp_path: Path) -> None:
    w = sar_world
    out = tmp_path / "export.zip"
    stdout = io.StringIO()
    call_command("subject_access_export", family=w.family.reference, out=str(out), as_user="dsl", stdout=stdout)
    content = out.read_bytes()
    entry = AuditEntry.objects.get(event=OfficeAuditEvent.SUBJECT_ACCESS_EXPORTED)
    assert entry.actor_id == w.dsl.pk and entry.family_pk == w.family.pk
    assert entry.additional_data["sha256"] == hashlib.sha256(content).hexdigest()
    assert entry.additional_data["includes_safeguarding"] is True
    assert entry.additional_data["sha256"] in stdout.getvalue()
    _archive, text, _held = _open(content)
    assert CONCERN_ACCOUNT in text


def test_the_command_refuses_an_unknown_reference(sar_world: Any, tmp_path: Path) -> None:
    out = tmp_path / "export.zip"
    with pytest.raises(CommandError, match="No family with the reference 'PMH-1999-0001'"):
        call_command("subject_access_export", family="PMH-1999-0001", out=str(out), as_user="coordinator")
    assert not out.exists()
    # Another scheme's family is unknown to this scheme's coordinator.
    with pytest.raises(CommandError, match="No family with the reference"):
        call_command(
            "subject_access_export", family=sar_world.other_family.reference, out=str(out), as_user="coordinator"
        )
    # And this scheme's family to another scheme's coordinator.
    with pytest.raises(CommandError, match="No family with the reference"):
        call_command(
            "subject_access_export", family=sar_world.family.reference, out=str(out), as_user="othercoordinator"
        )
    assert not out.exists()


@pytest.mark.parametrize("username", ["volunteer", "othervolunteer", "admin", "secondcoordinator"])
def test_the_command_refuses_someone_not_allowed(sar_world: Any, tmp_path: Path, username: str) -> None:
    if username == "secondcoordinator":
        make_user(sar_world.scheme, username, Role.COORDINATOR)
    out = tmp_path / "export.zip"
    with pytest.raises(CommandError, match="family's coordinator or a designated safeguarding lead"):
        call_command("subject_access_export", family=sar_world.family.reference, out=str(out), as_user=username)
    assert not out.exists()
    assert not AuditEntry.objects.filter(event=OfficeAuditEvent.SUBJECT_ACCESS_EXPORTED).exists()


def test_the_command_needs_to_know_who_is_exporting_and_never_overwrites(sar_world: Any, tmp_path: Path) -> None:
    out = tmp_path / "export.zip"
    with pytest.raises(CommandError, match="--as"):
        call_command("subject_access_export", family=sar_world.family.reference, out=str(out))
    with pytest.raises(CommandError, match="No person with the username 'nobody'"):
        call_command("subject_access_export", family=sar_world.family.reference, out=str(out), as_user="nobody")
    out.write_bytes(b"something else")
    with pytest.raises(CommandError, match="already exists"):
        call_command("subject_access_export", family=sar_world.family.reference, out=str(out), as_user="coordinator")
    assert out.read_bytes() == b"something else"
    assert not AuditEntry.objects.filter(event=OfficeAuditEvent.SUBJECT_ACCESS_EXPORTED).exists()


# --- Queries ------------------------------------------------------------------------------------------------------


def _export_queries(w: Any, actor: Any) -> int:
    with CaptureQueriesContext(connection) as queries:
        subject_access.subject_access_export(family=w.family, actor=actor)
    return len(queries)


def test_the_export_costs_the_same_queries_with_5_notes_as_with_50(sar_world: Any) -> None:
    w = sar_world
    for number in range(3):
        log_visit(w.family, w.volunteer, note=f"Visit note {number}", days_ago=2)
    _export_queries(w, w.dsl)  # warm process-wide caches (content types)
    small = {actor.username: _export_queries(w, actor) for actor in (w.coordinator, w.dsl)}
    for number in range(45):
        visit = log_visit(w.family, w.volunteer, note=f"Visit note {number}", days_ago=2)
        if number % 5 == 0:
            family_services.case_note_correct(note=visit.note, text=f"Correction {number}", actor=w.volunteer)
    assert CaseNote.objects.filter(family=w.family).count() >= 50
    large = {actor.username: _export_queries(w, actor) for actor in (w.coordinator, w.dsl)}
    assert large == small
