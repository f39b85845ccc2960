"""The four letters, printed through the services and read back with pdftotext; and the fetcher that keeps
WeasyPrint from reading files or calling internal addresses (SECURITY 15).

Set LETTER_PREVIEW_DIR to a folder to keep each printed letter there as a PDF, to look at.
"""

import datetime
import hashlib
import http.server
import os
import re
import shutil
import subprocess
import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
import weasyprint
from django.contrib.contenttypes.models import ContentType
from django.utils import timezone

from consents import services
from consents.audit import ConsentAuditEvent
from consents.models import Category, Letter, LetterKind, Purpose
from families import services as family_services
from families.models import AgencyKind, MemberKind, Professional, ReferralOutcome
from homestart import pdf
from homestart import services as homestart_services
from homestart.models import AuditEntry, Role
from tests.conftest import make_family, make_user
from tests.consents.conftest import pdf_upload, publish_wordings, signed_information_consent

PDFTOTEXT = shutil.which("pdftotext")
needs_pdftotext = pytest.mark.skipif(
    PDFTOTEXT is None, reason="pdftotext is not installed (apt-get install poppler-utils): letters cannot be read back"
)

HOSTILE = [
    '<img src="file:///etc/passwd">',
    '<img src="http://127.0.0.1:9/x.png">',
    '<link rel=stylesheet href="file:///etc/passwd">',
]


# Set-up ------------------------------------------------------------------------------------------------------------


@dataclass
class LetterWorld:
    scheme: Any
    coordinator: Any
    volunteer: Any
    health_visitor: Any
    family: Any
    administrator: Any = None


@pytest.fixture
def letter_world(db: Any) -> LetterWorld:
    """A scheme with a full letterhead (the shared world's schemes have no phone or e-mail), its wordings, and a
    supported family referred by its health visitor. All made through the services."""
    scheme = homestart_services.scheme_create(
        name="Home-Start Harbourside",
        code="HBS",
        address="The Old School House\n12 Quay Lane\nSouthsea PO4 9ZZ",
        phone="023 9200 0000",
        email="office@homestart-harbourside.example",
    )
    coordinator = make_user(scheme, "lettercoordinator", Role.COORDINATOR)
    volunteer = make_user(scheme, "lettervolunteer", Role.VOLUNTEER)
    administrator = make_user(scheme, "letteradmin", Role.ADMINISTRATOR)
    publish_wordings(scheme, administrator)
    health_visitor = family_services.professional_add(
        scheme=scheme,
        agency_name="Southsea Health Visiting Team",
        agency_kind=AgencyKind.HEALTH_VISITING,
        name="Helen Price",
        role="Health visitor",
        actor=coordinator,
    )
    family = make_family(
        coordinator, "Adeyemi", volunteer=volunteer, referrer=health_visitor, health_visitor=health_visitor
    )
    return LetterWorld(scheme, coordinator, volunteer, health_visitor, family, administrator)


# Helpers ---------------------------------------------------------------------------------------------------------


def pdf_text(document: bytes, *, layout: bool = True) -> str:
    """The letter's text as pdftotext reads it; pages are separated by form feeds.

    ``-layout`` keeps the page's layout (what a reader sees on a line); without it, pdftotext reads column by column,
    so a value wrapped inside the reference box is not interleaved with the address beside it.
    """
    command = [PDFTOTEXT, *(["-layout"] if layout else []), "-enc", "UTF-8", "-", "-"]
    result = subprocess.run(command, input=document, capture_output=True, check=True)  # noqa: S603 - fixed binary
    return result.stdout.decode("utf-8")


def pages(text: str) -> list[str]:
    return [page for page in text.split("\f") if page.strip()]


def squashed(text: str) -> str:
    """Text without whitespace, so a value wrapped over two lines is still found."""
    return "".join(text.split())


def contains(text: str, value: str) -> bool:
    return squashed(value) in squashed(text)


def keep_preview(name: str, document: bytes) -> None:
    folder = os.environ.get("LETTER_PREVIEW_DIR")
    if folder:
        Path(folder).mkdir(parents=True, exist_ok=True)
        (Path(folder) / f"{name}.pdf").write_bytes(document)


def add_professional(world: Any, name: str, agency: str = "Southsea Children's Services") -> Professional:
    return family_services.professional_add(
        scheme=world.scheme,
        agency_name=agency,
        agency_kind=AgencyKind.CHILDRENS_SOCIAL_CARE,
        name=name,
        role="Family support worker",
        actor=world.coordinator,
    )


def in_a_year() -> datetime.date:
    return timezone.localdate() + datetime.timedelta(days=365)


def print_information_exchange(world: Any, family: Any = None, recipients: list[Any] | None = None) -> tuple:
    family = family or world.family
    _consent, letter, document = services.consent_request(
        family=family,
        purpose=Purpose.INFORMATION_EXCHANGE,
        signer=family.members.get(kind=MemberKind.ADULT),
        recipients=recipients or [world.health_visitor],
        categories=[Category.SUPPORT_STATUS, Category.VISIT_SUMMARY],
        review_on=in_a_year(),
        actor=world.coordinator,
    )
    return letter, document


def print_agency_permission(world: Any, family: Any = None, purpose: str | None = None, requester: Any = None) -> tuple:
    family = family or world.family
    request = services.agency_request_receive(
        requester=requester or add_professional(world, "Sam Reed"),
        received_on=timezone.localdate(),
        purpose=purpose or "To invite the family to a stay-and-play group near their home.",
        categories=[Category.CONTACT_DETAILS],
        identifying=True,
        family=family,
        due_on=timezone.localdate() + datetime.timedelta(days=14),
        actor=world.coordinator,
    )
    _consent, letter, document = services.agency_request_ask_family(
        request=request,
        signer=family.members.get(kind=MemberKind.ADULT),
        review_on=in_a_year(),
        actor=world.coordinator,
    )
    return letter, document


def print_photo_consent(world: Any, family: Any = None) -> tuple:
    family = family or world.family
    photo = services.photo_record(
        scheme=world.scheme,
        event="Summer picnic at Victoria Park",
        taken_on=timezone.localdate() - datetime.timedelta(days=7),
        description="Parents and children at the craft table",
        families=[family],
        actor=world.coordinator,
    )
    _consent, letter, document = services.consent_request(
        family=family,
        purpose=Purpose.PHOTOGRAPHS,
        signer=family.members.get(kind=MemberKind.ADULT),
        photos=[photo],
        review_on=in_a_year(),
        actor=world.coordinator,
    )
    return letter, document


def print_support_agreed(world: Any, family: Any = None, professional: Any = None) -> tuple:
    if family is None:
        signed_information_consent(world)
        family = world.family
    else:
        sign(print_information_exchange(world, family=family, recipients=[professional])[0].consent, world)
    sent = services.support_agreed_notices_send(family=family, method="letter", actor=world.coordinator)
    assert len(sent) == 1  # the referrer is also the health visitor: one notice
    letter, document, _disclosure = sent[0]
    return letter, document


def sign(consent: Any, world: Any) -> Any:
    return services.consent_record_signed(
        consent=consent,
        scan=pdf_upload(),
        signed_on=timezone.localdate(),
        method="scanned_letter",
        received_by=world.coordinator,
        actor=world.coordinator,
    )


PRINTERS: dict[str, Callable[[Any], tuple]] = {
    LetterKind.INFORMATION_EXCHANGE_FORM: print_information_exchange,
    LetterKind.AGENCY_PERMISSION: print_agency_permission,
    LetterKind.PHOTO_CONSENT_FORM: print_photo_consent,
    LetterKind.SUPPORT_AGREED: print_support_agreed,
}
CONSENT_FORMS = [LetterKind.INFORMATION_EXCHANGE_FORM, LetterKind.AGENCY_PERMISSION, LetterKind.PHOTO_CONSENT_FORM]


def hostile_family(world: Any, payload: str, professional: Professional) -> Any:
    """A supported family whose name and address hold the payload (as a careless paste might), referred by a
    professional whose name holds it too."""
    referral = family_services.referral_receive(
        actor=world.coordinator,
        family_name=payload,
        address=f"{payload}\nSouthsea",
        postcode="PO1 2AB",
        referrer=professional,
        health_visitor=professional,
        date_received=timezone.localdate() - datetime.timedelta(days=10),
        reasons="Twins, and no family nearby.",
        members=[{"kind": MemberKind.ADULT, "first_name": "Ada", "last_name": "Tester", "relationship": "mother"}],
    )
    family_services.referral_decide(referral=referral, outcome=ReferralOutcome.ACCEPTED, actor=world.coordinator)
    family_services.assignment_start(
        family=referral.family,
        volunteer=world.volunteer,
        started_on=timezone.localdate(),
        confirmed=True,  # the world's volunteer already has the most families their record allows
        actor=world.coordinator,
    )
    referral.family.refresh_from_db()
    return referral.family


def print_every_letter_with(world: Any, payload: str) -> list[str]:
    """Print all four letters with the payload in every free-text field they show; return their text."""
    professional = add_professional(world, payload, agency=f"Agency {payload}")
    family = hostile_family(world, payload, professional)
    documents = [
        print_information_exchange(world, family=family, recipients=[professional])[1],
        print_agency_permission(world, family=family, purpose=payload, requester=professional)[1],
        print_photo_consent(world, family=family)[1],
        print_support_agreed(world, family=family, professional=professional)[1],
    ]
    for kind, document in zip(PRINTERS, documents, strict=True):
        keep_preview(f"hostile_{kind}", document)
    return [pdf_text(document, layout=False) for document in documents]


@pytest.fixture
def fetched(monkeypatch: pytest.MonkeyPatch) -> list[tuple[str, str]]:
    """Every URL WeasyPrint asks the letter fetcher for, with "served" or the refusal."""
    calls: list[tuple[str, str]] = []
    original = pdf.StaticOnlyFetcher.fetch

    def spy(self: pdf.StaticOnlyFetcher, url: str, headers: Any = None) -> Any:
        try:
            response = original(self, url, headers)
        except Exception as exc:
            calls.append((url, f"refused: {exc}"))
            raise
        calls.append((url, "served"))
        return response

    monkeypatch.setattr(pdf.StaticOnlyFetcher, "fetch", spy)
    return calls


class _Recorder(http.server.BaseHTTPRequestHandler):
    def do_GET(self) -> None:  # noqa: N802 - http.server's name
        self.server.paths.append(self.path)  # type: ignore[attr-defined]
        self.send_response(200)
        self.send_header("Content-Type", "image/png")
        self.end_headers()

    def log_message(self, format: str, *args: Any) -> None:  # noqa: A002 - http.server's signature
        pass


@pytest.fixture
def loopback_server() -> Iterator[Any]:
    """An HTTP server on 127.0.0.1 (random port) that records every request it gets, as an internal service would."""
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _Recorder)
    server.paths = []  # type: ignore[attr-defined]
    server.url = f"http://127.0.0.1:{server.server_address[1]}"  # type: ignore[attr-defined]
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield server
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)


# The letters -----------------------------------------------------------------------------------------------------


@needs_pdftotext
@pytest.mark.parametrize("kind", list(PRINTERS))
def test_letter_prints_letterhead_reference_wording_version_and_page_numbers(letter_world: Any, kind: str) -> None:
    world = letter_world
    letter, document = PRINTERS[kind](world)
    keep_preview(kind, document)
    text = pdf_text(document)

    assert letter.kind == kind
    assert text.count(world.family.reference) >= 2  # in the reference box and in the footer
    assert world.scheme.name in text
    assert contains(text, "12 Quay Lane") and "023 9200 0000" in text and "office@homestart-harbourside.example" in text
    assert letter.wording is not None
    assert contains(text, f"{letter.wording.label}, wording version {letter.wording.version}")
    assert re.search(r"Page 1 of \d+", text)
    assert contains(text, "Our confidentiality policy and our safeguarding policy")
    assert "coordinator" in text


@pytest.mark.skipif(shutil.which("pdffonts") is None, reason="pdffonts (poppler-utils) is not installed")
def test_letters_use_only_the_embedded_system_dejavu_sans(letter_world: Any) -> None:
    _letter, document = print_information_exchange(letter_world)

    listing = subprocess.run(  # noqa: S603 - a fixed local binary, reading bytes we made
        [shutil.which("pdffonts"), "-"], input=document, capture_output=True, check=True
    ).stdout.decode()
    fonts = {line.split()[0].split("+")[-1] for line in listing.splitlines()[2:] if line.strip()}
    assert fonts == {"DejaVu-Sans", "DejaVu-Sans-Bold"}


@needs_pdftotext
@pytest.mark.parametrize("kind", CONSENT_FORMS)
def test_consent_form_has_signature_and_date_boxes_named_for_the_signer(letter_world: Any, kind: str) -> None:
    _letter, document = PRINTERS[kind](letter_world)
    text = pdf_text(document)

    block = text[text.index("Please sign and date this form") :]
    assert "Signature" in block and "Date" in block
    assert "Grace Adeyemi" in block  # the signer's name is printed beside the boxes
    assert "You can change your mind at any time" in text


@needs_pdftotext
def test_support_agreed_notice_names_no_family_member_and_no_address(letter_world: Any) -> None:
    world = letter_world
    _letter, document = print_support_agreed(world)
    text = pdf_text(document)

    assert "Dear Helen Price" in text
    assert "Home-Start support has been agreed" in text
    assert f"{world.family.support_started_on:%-d %B %Y}" in text
    for personal in ["Adeyemi", "Grace", "Tobi", "Test Road", "Portsmouth", world.family.postcode]:
        assert personal not in text, f"{personal!r} must not be in a notice to a professional"
    assert "Signature" not in text  # nothing for the professional to sign


@needs_pdftotext
def test_long_wording_repeats_reference_wording_version_and_page_number_on_every_page(letter_world: Any) -> None:
    world = letter_world
    paragraph = "We will only share what you agree to. " * 12
    services.wording_publish(
        scheme=world.scheme,
        purpose=Purpose.INFORMATION_EXCHANGE,
        title="Sharing information (long version)",
        body="\n\n".join([paragraph] * 14),
        actor=world.administrator,
    )
    letter, document = print_information_exchange(world)
    keep_preview("information_exchange_form_long", document)
    printed = pages(pdf_text(document))

    assert len(printed) >= 3
    assert letter.wording.version == 2
    for number, page in enumerate(printed, start=1):
        assert world.family.reference in page
        assert contains(page, f"{letter.wording.label}, wording version 2")
        assert f"Page {number} of {len(printed)}" in page
    signature_pages = [page for page in printed if "Please sign and date this form" in page]
    assert len(signature_pages) == 1 and "Signature" in signature_pages[0]  # the box is never split from its title


@pytest.mark.parametrize("kind", list(PRINTERS))
def test_letter_row_records_printer_time_hash_and_audit_entry(letter_world: Any, kind: str) -> None:
    world = letter_world
    before = timezone.now()
    letter, document = PRINTERS[kind](world)

    letter.refresh_from_db()
    assert document.startswith(b"%PDF-")
    assert letter.printed_by == world.coordinator
    assert before <= letter.printed_at <= timezone.now()
    assert letter.sha256 == hashlib.sha256(document).hexdigest()
    assert letter.family == world.family
    entry = AuditEntry.objects.get(
        content_type=ContentType.objects.get_for_model(Letter),
        object_pk=str(letter.pk),
        action=AuditEntry.Action.CREATE,
    )
    assert (entry.event, entry.actor, entry.family_pk) == (
        ConsentAuditEvent.LETTER_PRINTED,
        world.coordinator,
        world.family.pk,
    )
    assert entry.additional_data == {"sha256": letter.sha256}


def test_reprint_is_a_new_letter_row_with_its_own_hash(letter_world: Any) -> None:
    world = letter_world
    first, _document = print_information_exchange(world)

    second, document = services.consent_letter_reprint(consent=first.consent, actor=world.coordinator)

    assert second.pk != first.pk and second.wording == first.wording
    assert second.sha256 == hashlib.sha256(document).hexdigest()
    assert Letter.objects.filter(consent=first.consent).count() == 2


# Injection: escaped in the template, and refused by the fetcher anyway (SECURITY 15) -------------------------------


@needs_pdftotext
@pytest.mark.parametrize("payload", HOSTILE)
def test_markup_in_family_address_professional_and_purpose_prints_as_text_and_fetches_nothing(
    letter_world: Any, payload: str, fetched: list[tuple[str, str]]
) -> None:
    texts = print_every_letter_with(letter_world, payload)

    for text in texts:
        assert contains(text, payload), "the tag must be printed as the literal text it is"
    assert fetched, "the spy saw no fetch at all: it is not wired to the fetcher WeasyPrint uses"
    assert {url for url, _outcome in fetched} == {pdf.STATIC_PREFIX + "css/letter.css"}
    assert all(outcome == "served" for _url, outcome in fetched)


@needs_pdftotext
def test_internal_address_in_any_field_is_never_called(
    letter_world: Any, loopback_server: Any, fetched: list[tuple[str, str]]
) -> None:
    payload = f'<img src="{loopback_server.url}/i.png"><link rel=stylesheet href="{loopback_server.url}/s.css">'
    texts = print_every_letter_with(letter_world, payload)

    assert all(contains(text, f'<img src="{loopback_server.url}/i.png">') for text in texts)
    assert loopback_server.paths == []
    assert all(url.startswith(pdf.STATIC_PREFIX) for url, _outcome in fetched)


def test_loopback_server_does_see_weasyprints_default_fetcher(loopback_server: Any) -> None:
    """The control for the test above: unguarded, WeasyPrint calls the address, so "zero requests" means refused."""
    weasyprint.HTML(string=f'<img src="{loopback_server.url}/control.png">').write_pdf()

    assert loopback_server.paths == ["/control.png"]


def test_raw_html_tags_are_refused_by_the_fetcher_not_only_by_escaping(
    fetched: list[tuple[str, str]], loopback_server: Any
) -> None:
    document = pdf.render_html(
        '<link rel="stylesheet" href="/static/css/letter.css">'
        '<p>Before</p><img src="file:///etc/passwd"><img src="/static/../../../etc/passwd">'
        f'<img src="{loopback_server.url}/raw.png"><link rel=stylesheet href="file:///etc/passwd">'
        '<link rel=attachment href="file:///etc/passwd"><p>After</p>'
    )

    assert document.startswith(b"%PDF-")
    outcomes = dict(fetched)
    assert outcomes["file:///etc/passwd"].startswith("refused")
    assert outcomes[f"{loopback_server.url}/raw.png"].startswith("refused")
    assert outcomes[pdf.LETTER_BASE_URL + "etc/passwd"].startswith("refused")  # ".." is resolved before the fetch
    assert outcomes[pdf.STATIC_PREFIX + "css/letter.css"] == "served"
    assert loopback_server.paths == []
    assert b"root:x:0:0" not in document and b"/EmbeddedFile" not in document
    if PDFTOTEXT:
        assert "Before" in pdf_text(document) and "After" in pdf_text(document)


# The fetcher itself ------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "url",
    [
        "file:///etc/passwd",
        "http://127.0.0.1/",
        "http://127.0.0.1:9/x.png",
        "http://169.254.169.254/latest/meta-data/",
        "data:text/css,body{background:url(file:///etc/passwd)}",
        "data:image/png;base64,iVBORw0KGgo=",
        pdf.STATIC_PREFIX + "../homestart/settings.py",
        pdf.STATIC_PREFIX + "css/../../homestart/settings.py",
        pdf.STATIC_PREFIX + "%2e%2e/%2e%2e/etc/passwd",
        pdf.STATIC_PREFIX + "/etc/passwd",
        pdf.STATIC_PREFIX + "css\\..\\..\\homestart\\settings.py",
        pdf.STATIC_PREFIX,
        pdf.STATIC_PREFIX + "css/not-there.css",
        pdf.LETTER_BASE_URL + "etc/passwd",
        "https://letters.homestart.invalid.example.com/static/css/letter.css",
        "HTTPS://LETTERS.HOMESTART.INVALID/static/css/letter.css",
    ],
)
def test_fetcher_refuses_anything_but_a_static_file(url: str) -> None:
    with pytest.raises(ValueError):
        pdf.StaticOnlyFetcher().fetch(url)


def test_fetcher_serves_the_letter_stylesheet() -> None:
    response = pdf.StaticOnlyFetcher().fetch(pdf.STATIC_PREFIX + "css/letter.css")

    assert response.read() == (Path(__file__).resolve().parents[2] / "static/css/letter.css").read_bytes()
    assert response.headers.get_content_type() == "text/css"


def test_letter_stylesheet_names_no_web_fonts_or_outside_urls() -> None:
    css = (Path(__file__).resolve().parents[2] / "static/css/letter.css").read_text()

    assert "@font-face" not in css and "@import" not in css and "url(" not in css
    assert '"DejaVu Sans"' in css
