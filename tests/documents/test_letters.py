"""Letters name the scheme's documents in force when they are printed, and keep which versions those were (P13); a
coordinator can print the documents after a consent letter, in one PDF. Read back with pdftotext."""

from typing import Any

import pytest
from django.urls import reverse
from django.utils import timezone

from consents import services as consent_services
from consents.audit import ConsentAuditEvent
from consents.models import Letter, LetterKind
from documents.models import DocumentKind
from homestart.models import AuditEntry
from tests.consents import test_pdf
from tests.consents.test_letters_layout import needs_pdfinfo, page_count, set_letterhead
from tests.consents.test_pdf import CONSENT_FORMS, PRINTERS, contains, keep_preview, needs_pdftotext, pages, pdf_text
from tests.documents.conftest import publish, republish

letter_world = test_pdf.letter_world  # a scheme (HBS) with a full letterhead, its wordings, a supported family


def _day(version: Any) -> str:
    return f"{timezone.localtime(version.published_at):%-d %B %Y}"


PUBLIC = "testserver/schemes/hbs/documents/"  # printed without https://


def _policies(world: Any) -> tuple[Any, Any]:
    """The confidentiality policy at version 2 (version 1 superseded) and the safeguarding policy at version 1."""
    confidentiality = republish(world, publish(world, DocumentKind.CONFIDENTIALITY), "Confidentiality, version two")
    safeguarding = publish(world, DocumentKind.SAFEGUARDING, body="Keeping children safe.")
    return confidentiality, safeguarding


@needs_pdftotext
@pytest.mark.parametrize("kind", list(PRINTERS))
def test_every_letter_names_the_documents_in_force_and_keeps_the_versions(letter_world: Any, kind: str) -> None:
    confidentiality, safeguarding = _policies(letter_world)
    letter, document = PRINTERS[kind](letter_world)
    keep_preview(f"documents_named_{kind}", document)
    text = pdf_text(document)

    if kind == LetterKind.SUPPORT_AGREED:  # a letter to a professional, with room for the dates
        assert contains(text, f"confidentiality policy (version 2, from {_day(confidentiality)}) and")
        assert contains(text, f"safeguarding policy (version 1, from {_day(safeguarding)}) are at {PUBLIC}")
    else:  # a one-page form, whose own date says when these were in force
        assert contains(text, "Our confidentiality policy (version 2) and safeguarding policy (version 1) explain")
        assert contains(text, f"Read them at {PUBLIC}")
    assert not contains(text, "confidentiality policy (version 1")  # superseded
    assert set(letter.documents.all()) == {confidentiality, safeguarding}
    named = AuditEntry.objects.filter(
        event=ConsentAuditEvent.LETTER_PRINTED, object_pk=str(letter.pk), changes__documents__type="m2m"
    ).get()
    assert named.changes["documents"]["added"] == sorted([confidentiality.pk, safeguarding.pk])  # ids, never text


@needs_pdftotext
def test_a_letter_keeps_the_versions_it_named_after_a_new_version_is_published(letter_world: Any) -> None:
    confidentiality, safeguarding = _policies(letter_world)
    earlier, _document = test_pdf.print_information_exchange(letter_world)
    newer = republish(letter_world, confidentiality, "Confidentiality, version three")

    later, document = test_pdf.print_information_exchange(letter_world)

    assert set(Letter.objects.get(pk=earlier.pk).documents.all()) == {confidentiality, safeguarding}
    assert set(later.documents.all()) == {newer, safeguarding}
    assert contains(pdf_text(document), "confidentiality policy (version 3)")


@needs_pdftotext
def test_a_copy_of_a_support_agreed_notice_names_what_the_notice_named_when_it_was_sent(letter_world: Any) -> None:
    confidentiality, _safeguarding = _policies(letter_world)
    letter, sent = test_pdf.print_support_agreed(letter_world)
    republish(letter_world, confidentiality, "Confidentiality, version three")

    copy = consent_services.support_agreed_letter_reprint(letter=letter, actor=letter_world.coordinator)

    text = pdf_text(copy)
    assert contains(text, "confidentiality policy (version 2,") and not contains(text, "version 3")
    assert contains(text, f"from {_day(confidentiality)}")
    assert copy == sent  # byte for byte the notice that was sent
    entry = (
        AuditEntry.objects.filter(event=ConsentAuditEvent.LETTER_PRINTED, object_pk=str(letter.pk))
        .order_by("pk")
        .last()
    )
    assert entry.additional_data["same_as_sent"] is True


@needs_pdftotext
def test_one_document_in_force_is_named_in_the_singular(letter_world: Any) -> None:
    publish(letter_world, DocumentKind.CONFIDENTIALITY)
    _letter, document = test_pdf.print_information_exchange(letter_world)
    text = pdf_text(document)
    assert contains(text, "Our confidentiality policy (version 1) explains how we look after")
    assert contains(text, f"Read it at {PUBLIC}")


@needs_pdftotext
def test_with_nothing_published_the_letter_sends_families_to_their_coordinator(letter_world: Any) -> None:
    letter, document = test_pdf.print_information_exchange(letter_world)
    text = pdf_text(document)
    assert contains(text, "Our confidentiality policy and our safeguarding policy explain")
    assert contains(text, "for a free copy") and "/schemes/" not in text
    assert not letter.documents.exists()


def _five_documents(world: Any) -> list[Any]:
    kinds = (DocumentKind.CONFIDENTIALITY, DocumentKind.SAFEGUARDING, DocumentKind.PRIVACY, DocumentKind.COMPLAINTS)
    return [
        *(publish(world, kind) for kind in kinds),
        publish(world, DocumentKind.OTHER, title="Volunteer expenses policy"),
    ]


@needs_pdftotext
def test_without_a_public_address_the_letter_names_the_versions_and_sends_families_to_their_coordinator(
    letter_world: Any, settings: Any
) -> None:
    settings.PUBLIC_URL = ""
    _policies(letter_world)
    _letter, document = test_pdf.print_information_exchange(letter_world)
    text = pdf_text(document)
    assert contains(text, "Our confidentiality policy (version 2) and safeguarding policy (version 1) explain")
    assert contains(text, "Ask your coordinator, Lettercoordinator Tester, for a free copy") and "/schemes/" not in text


@needs_pdfinfo
@needs_pdftotext
@pytest.mark.parametrize("kind", CONSENT_FORMS)
def test_a_consent_form_still_fits_one_page_however_many_documents_are_in_force(letter_world: Any, kind: str) -> None:
    """The fullest letterhead and two people to tell: naming five documents would push the signature box onto a
    second page, so the form names as much as fits, and its record keeps every version."""
    set_letterhead(letter_world, charity_number="1012345")
    versions = _five_documents(letter_world)
    if kind == LetterKind.INFORMATION_EXCHANGE_FORM:
        recipients = [letter_world.health_visitor, test_pdf.add_professional(letter_world, "Dr Samuel Okoro")]
        letter, document = test_pdf.print_information_exchange(letter_world, recipients=recipients)
    else:
        letter, document = PRINTERS[kind](letter_world)
    keep_preview(f"five_documents_{kind}", document)

    assert page_count(document) == 1
    page = pages(pdf_text(document))[0]
    assert "Please sign and date this form" in page and "Page 1 of 1" in page
    assert contains(page, PUBLIC) and contains(page, "ask your coordinator")
    named_all = contains(page, "complaints procedure (version 1)") and contains(
        page, "Volunteer expenses policy (version 1)"
    )
    assert named_all or contains(page, f"Read our policies and notices at {PUBLIC}")
    assert set(letter.documents.all()) == set(versions)


@needs_pdftotext
def test_where_there_is_room_the_form_names_every_version_and_the_coordinator(letter_world: Any) -> None:
    _five_documents(letter_world)
    _letter, document = test_pdf.print_photo_consent(letter_world)
    text = pdf_text(document)
    assert contains(text, "Our confidentiality policy (version 1), safeguarding policy (version 1), privacy notice")
    assert contains(text, "complaints procedure (version 1) and Volunteer expenses policy (version 1) explain")
    assert contains(text, "ask your coordinator, Lettercoordinator Tester, for a free copy")


# Printing the documents with a letter -------------------------------------------------------------------------------


@needs_pdfinfo
@needs_pdftotext
def test_a_coordinator_prints_the_letter_then_the_documents_in_one_pdf(client: Any, letter_world: Any) -> None:
    confidentiality, safeguarding = _policies(letter_world)
    letter, _document = test_pdf.print_information_exchange(letter_world)
    consent = letter.consent
    client.force_login(letter_world.coordinator)
    page = client.get(reverse("consents:consent_detail", args=[consent.pk])).content.decode()
    assert "Add the scheme's documents after the letter" in page
    assert "the confidentiality policy (version 2) and the safeguarding policy (version 1)" in page

    response = client.post(reverse("consents:letter", args=[consent.pk]), {"with_documents": "yes"})

    assert response.status_code == 200 and "with-documents" in response["Content-Disposition"]
    combined = response.content
    keep_preview("letter_with_documents", combined)
    assert page_count(combined) == 1 + confidentiality.pages + safeguarding.pages
    printed = pages(pdf_text(combined))
    assert "Please sign and date this form" in printed[0]
    assert "Confidentiality, version two" in printed[1] and "Keeping children safe." in printed[-1]
    reprinted = Letter.objects.filter(consent=consent).order_by("-pk").first()
    assert set(reprinted.documents.all()) == {confidentiality, safeguarding}
    entry = AuditEntry.objects.get(
        event=ConsentAuditEvent.LETTER_PRINTED, object_pk=str(reprinted.pk), action=AuditEntry.Action.CREATE
    )
    assert entry.additional_data["documents_printed_with_it"] == [confidentiality.pk, safeguarding.pk]


@needs_pdfinfo
def test_without_the_box_ticked_the_letter_prints_alone(client: Any, letter_world: Any) -> None:
    _policies(letter_world)
    letter, _document = test_pdf.print_information_exchange(letter_world)
    client.force_login(letter_world.coordinator)
    response = client.post(reverse("consents:letter", args=[letter.consent.pk]))
    assert page_count(response.content) == 1
