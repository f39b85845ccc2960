"""A support-agreed notice (P2) can be printed again from the family page at any time, as it was sent.

Reprinting records the print (LETTER_PRINTED, with the copy's SHA-256) and nothing else: no second disclosure in the
register, no second letter. Only the scheme's coordinators print, and only the family's own notices.
"""

import datetime
import hashlib
from typing import Any

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone

from consents import services
from consents.audit import ConsentAuditEvent
from consents.models import Disclosure, Letter, LetterKind
from families import services as family_services
from families.models import ReferralOutcome
from homestart.exceptions import ActionNotAllowed
from homestart.models import AuditEntry
from tests.conftest import make_family
from tests.consents.conftest import signed_information_consent
from tests.consents.test_pdf import contains, pdf_text


@pytest.fixture
def sent(consent_world: Any) -> Any:
    """The consent world's family, told about: one support-agreed notice to its health visitor (also the referrer)."""
    signed_information_consent(consent_world)
    notices = services.support_agreed_notices_send(
        family=consent_world.family, method="letter", actor=consent_world.dsl
    )
    consent_world.letter, consent_world.document, _disclosure = notices[0]
    return consent_world


def _prints(letter: Letter) -> Any:
    return AuditEntry.objects.filter(
        event=ConsentAuditEvent.LETTER_PRINTED, content_type__model="letter", object_pk=str(letter.pk)
    ).order_by("pk")


def _url(family: Any, letter: Letter) -> str:
    return reverse("consents:support_agreed_reprint", args=[family.pk, letter.pk])


# --- The service -------------------------------------------------------------------------------------------------


def test_a_reprint_records_the_print_and_no_second_disclosure(sent: Any) -> None:
    disclosures, letters = Disclosure.objects.count(), Letter.objects.count()
    document = services.support_agreed_letter_reprint(letter=sent.letter, actor=sent.coordinator)
    assert document.startswith(b"%PDF")
    assert Disclosure.objects.count() == disclosures and Letter.objects.count() == letters
    first, again = _prints(sent.letter)
    assert first.actor == sent.dsl and again.actor == sent.coordinator
    assert again.additional_data == {
        "sha256": hashlib.sha256(document).hexdigest(),
        "reprint": True,
        "same_as_sent": True,
    }
    assert hashlib.sha256(document).hexdigest() == sent.letter.sha256  # nothing changed: the very bytes sent


def test_a_reprint_is_the_letter_as_it_was_sent(sent: Any) -> None:
    """Same recipient, date and signatory (the coordinator who sent it, not the one printing the copy)."""
    text = pdf_text(services.support_agreed_letter_reprint(letter=sent.letter, actor=sent.coordinator))
    original = pdf_text(sent.document)
    assert text == original
    assert contains(text, "Helen Price") and contains(text, sent.family.reference)
    assert contains(text, "Dsl Tester") and not contains(text, "Coordinator Tester")


def test_a_copy_tells_of_the_support_it_was_sent_about_after_the_family_came_back(consent_world: Any) -> None:
    """Sent during a first period of support; the family's support ended and started again since: the copy still
    says when the first period began, as the letter sent did."""
    world = consent_world
    today = timezone.localdate()
    with time_machine.travel(timezone.now() - datetime.timedelta(days=60), tick=False):
        world.family = make_family(
            world.coordinator,
            "Bello",
            volunteer=world.other_volunteer,
            referrer=world.health_visitor,
            health_visitor=world.health_visitor,
        )
        signed_information_consent(world)
        first_start = world.family.support_started_on
        ((letter, document, _disclosure),) = services.support_agreed_notices_send(
            family=world.family, method="letter", actor=world.coordinator
        )
    family_services.family_end_support(
        family=world.family, ended_on=today - datetime.timedelta(days=30), reason="Goals met", actor=world.coordinator
    )
    referral = family_services.referral_rerefer(
        family=world.family, referrer=world.health_visitor, date_received=today, reasons="Back", actor=world.coordinator
    )
    family_services.referral_decide(referral=referral, outcome=ReferralOutcome.ACCEPTED, actor=world.coordinator)
    family_services.assignment_start(
        family=world.family, volunteer=world.other_volunteer, started_on=today, actor=world.coordinator
    )
    world.family.refresh_from_db()
    assert world.family.support_started_on == today != first_start
    copy = services.support_agreed_letter_reprint(letter=letter, actor=world.coordinator)
    assert contains(pdf_text(copy), f"Support began on {first_start:%-d %B %Y}")
    assert pdf_text(copy) == pdf_text(document)
    assert _prints(letter).last().additional_data["same_as_sent"] is True


def test_only_the_schemes_coordinators_reprint(sent: Any) -> None:
    for user in (sent.volunteer, sent.administrator, sent.other_coordinator, sent.other_volunteer):
        with pytest.raises(ActionNotAllowed, match="Only a coordinator of this scheme"):
            services.support_agreed_letter_reprint(letter=sent.letter, actor=user)
    assert _prints(sent.letter).count() == 1


def test_only_a_support_agreed_notice_is_reprinted_this_way(sent: Any) -> None:
    consent_letter = Letter.objects.filter(family=sent.family).exclude(kind=LetterKind.SUPPORT_AGREED).first()
    assert consent_letter is not None
    with pytest.raises(ActionNotAllowed, match="Only a support-agreed notice"):
        services.support_agreed_letter_reprint(letter=consent_letter, actor=sent.coordinator)


# --- The page ----------------------------------------------------------------------------------------------------


def test_reprint_anonymous_is_sent_to_sign_in_and_a_get_is_refused(client: Any, sent: Any) -> None:
    response = client.post(_url(sent.family, sent.letter))
    assert response.status_code == 302 and response["Location"].startswith(reverse("login"))
    client.force_login(sent.coordinator)
    assert client.get(_url(sent.family, sent.letter)).status_code == 405  # printing is recorded: never a GET
    assert _prints(sent.letter).count() == 1


@pytest.mark.parametrize("role", ["volunteer", "other_volunteer", "administrator", "other_coordinator"])
def test_reprint_is_not_found_for_anyone_but_the_schemes_coordinators(client: Any, sent: Any, role: str) -> None:
    client.force_login(sent.role(role))
    assert client.post(_url(sent.family, sent.letter)).status_code == 404
    assert _prints(sent.letter).count() == 1


def test_only_the_familys_own_letters_are_reprinted(client: Any, sent: Any) -> None:
    """Another family's notice, or a consent letter, through this family's address: not found."""
    other = make_family(sent.coordinator, "Nowak")
    client.force_login(sent.coordinator)
    assert client.post(_url(other, sent.letter)).status_code == 404
    consent_letter = Letter.objects.filter(family=sent.family).exclude(kind=LetterKind.SUPPORT_AGREED).first()
    assert client.post(_url(sent.family, consent_letter)).status_code == 404
    assert client.post(reverse("consents:support_agreed_reprint", args=[sent.family.pk, 999999])).status_code == 404
    assert _prints(sent.letter).count() == 1


def test_a_coordinator_prints_a_copy_from_the_family_page(client: Any, sent: Any) -> None:
    client.force_login(sent.coordinator)
    page = client.get(reverse("families:detail", args=[sent.family.pk])).content.decode()
    assert "Support-agreed notices sent" in page and _url(sent.family, sent.letter) in page
    response = client.post(_url(sent.family, sent.letter))
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"].startswith("attachment")
    assert response.content.startswith(b"%PDF")
    assert _prints(sent.letter).last().actor == sent.coordinator
    client.force_login(sent.volunteer)
    page = client.get(reverse("families:detail", args=[sent.family.pk])).content.decode()
    assert "Support-agreed notices sent" not in page and _url(sent.family, sent.letter) not in page
