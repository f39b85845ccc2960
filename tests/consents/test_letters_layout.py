"""Letters a coordinator posts as they are: a consent form on its starter wording fits one A4 page, signature box
included, and every letter prints the scheme's letterhead as its administrator last set it (UI.md, Letters).

Set LETTER_PREVIEW_DIR to a folder to keep each printed letter there as a PDF, to look at
(``pdftoppm -png -r 60 letter.pdf page``).
"""

import shutil
import subprocess
from typing import Any

import pytest

from consents.models import LetterKind
from families.models import Family
from homestart import services as homestart_services
from tests.consents import test_pdf
from tests.consents.test_pdf import CONSENT_FORMS, PRINTERS, contains, keep_preview, needs_pdftotext, pages, pdf_text

letter_world = test_pdf.letter_world  # the fixture: a scheme with a full letterhead, its wordings and a family

PDFINFO = shutil.which("pdfinfo")
needs_pdfinfo = pytest.mark.skipif(PDFINFO is None, reason="pdfinfo is not installed (apt-get install poppler-utils)")


def page_count(document: bytes) -> int:
    """The number of pages of the PDF, as pdfinfo counts them (an empty last page counts too)."""
    result = subprocess.run([PDFINFO, "-"], input=document, capture_output=True, check=True)  # noqa: S603 - fixed binary
    line = next(line for line in result.stdout.decode().splitlines() if line.startswith("Pages:"))
    return int(line.split()[1])


def set_letterhead(world: Any, **changes: Any) -> Any:
    """The administrator changes the scheme's settings through the service, keeping what is not named."""
    scheme = world.scheme
    fields = ("name", "address", "phone", "email", "charity_number", "supervision_interval_days")
    settings = {field: getattr(scheme, field) for field in fields} | changes
    world.scheme = homestart_services.scheme_settings_update(scheme=scheme, actor=world.administrator, **settings)
    # The family is read again, as a page would, so its letters see the scheme as it is now.
    world.family = Family.objects.get(pk=world.family.pk)
    return world.scheme


@needs_pdfinfo
@needs_pdftotext
@pytest.mark.parametrize("kind", CONSENT_FORMS)
def test_consent_form_on_its_starter_wording_fits_one_page_with_its_signature_box(letter_world: Any, kind: str) -> None:
    # The fullest letterhead there is: address, phone, email and a charity number.
    set_letterhead(letter_world, charity_number="1012345")
    if kind == LetterKind.INFORMATION_EXCHANGE_FORM:
        # As it is usually printed: to the health visitor and to a referrer from another agency.
        recipients = [letter_world.health_visitor, test_pdf.add_professional(letter_world, "Dr Samuel Okoro")]
        _letter, document = test_pdf.print_information_exchange(letter_world, recipients=recipients)
    else:
        _letter, document = PRINTERS[kind](letter_world)
    keep_preview(f"one_page_{kind}", document)

    assert page_count(document) == 1
    text = pdf_text(document)
    assert len(pages(text)) == 1
    page = pages(text)[0]
    assert "Please sign and date this form" in page and "Signature" in page and "Date" in page
    assert "Page 1 of 1" in page
    assert "wording version 1" in page


@needs_pdftotext
@pytest.mark.parametrize("kind", list(PRINTERS))
def test_every_letter_prints_the_letterhead_the_administrator_set(letter_world: Any, kind: str) -> None:
    set_letterhead(
        letter_world,
        name="Home-Start Solent Shores",
        address="Unit 4, Harbour Yard\nGosport\nPO12 1AB",
        phone="023 9258 1111",
        email="hello@solent-shores.example",
        charity_number="1087654",
    )
    _letter, document = PRINTERS[kind](letter_world)
    keep_preview(f"letterhead_{kind}", document)
    text = pdf_text(document)

    assert "Home-Start Solent Shores" in text
    assert contains(text, "Unit 4, Harbour Yard") and contains(text, "PO12 1AB")
    assert "023 9258 1111" in text and "hello@solent-shores.example" in text
    assert contains(text, "Registered charity number 1087654")
    for old in ("Home-Start Harbourside", "12 Quay Lane", "023 9200 0000", "office@homestart-harbourside.example"):
        assert not contains(text, old), f"{old!r} is the old letterhead"


@needs_pdftotext
def test_a_letter_of_a_scheme_without_a_charity_number_prints_none(letter_world: Any) -> None:
    set_letterhead(letter_world, charity_number="")
    _letter, document = PRINTERS[LetterKind.INFORMATION_EXCHANGE_FORM](letter_world)

    assert "charity" not in pdf_text(document).lower()
