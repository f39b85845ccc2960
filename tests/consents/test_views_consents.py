"""The consent and disclosure-register pages: who reaches them, and the whole journey a coordinator takes.

Ask a family for consent, print the letter, upload the signed scan, record what was shared, find it in the family's
and the scheme's register and in the CSV; then the family withdraws and the register refuses, naming why.
"""

import base64
import csv
import datetime
import io
import re
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from consents import services
from consents.audit import ConsentAuditEvent
from consents.models import (
    Category,
    Consent,
    ConsentStatus,
    Disclosure,
    DisclosureBasis,
    Letter,
    LetterKind,
    Purpose,
    SignedScan,
)
from families.models import MemberKind
from homestart.middleware import AUTHENTICATED_AT
from homestart.models import AuditEntry
from tests.conftest import make_family
from tests.consents.conftest import add_gp, pdf_upload, png_upload, signed_information_consent
from tests.homestart.test_query_counts import MAX_QUERIES

TODAY = timezone.localdate


def _awaiting_consent(world: Any, **overrides: Any) -> Consent:
    consent, _letter, _pdf = services.consent_request(
        family=overrides.pop("family", world.family),
        purpose=Purpose.INFORMATION_EXCHANGE,
        signer=overrides.pop("signer", None) or world.family.members.get(kind=MemberKind.ADULT),
        recipients=overrides.pop("recipients", [world.health_visitor]),
        categories=overrides.pop("categories", [Category.SUPPORT_STATUS, Category.VISIT_SUMMARY]),
        review_on=TODAY() + datetime.timedelta(days=365),
        actor=world.coordinator,
    )
    return consent


def _share(world: Any, consent: Consent, **overrides: Any) -> Disclosure:
    return services.disclosure_record(
        family=world.family,
        recipient=overrides.pop("recipient", world.health_visitor),
        categories=overrides.pop("categories", [Category.SUPPORT_STATUS]),
        summary=overrides.pop("summary", "Told the health visitor that weekly visits continue."),
        method="phone",
        disclosed_on=overrides.pop("disclosed_on", TODAY()),
        basis=DisclosureBasis.CONSENT,
        consent=consent,
        actor=world.coordinator,
    )


def _spy_on_scan_storage(monkeypatch: Any) -> list[str]:
    """The names of files written to the scans' private storage from now on (other test workers share the folder)."""
    storage = SignedScan._meta.get_field("file").storage
    written: list[str] = []
    save = storage.save

    def spy(name: str, *args: Any, **kwargs: Any) -> str:
        written.append(name)
        return save(name, *args, **kwargs)

    monkeypatch.setattr(storage, "save", spy)
    return written


def _csv_rows(response: Any) -> list[dict[str, str]]:
    text = response.content.decode("utf-8-sig")
    return list(csv.DictReader(io.StringIO(text)))


# Who reaches each page --------------------------------------------------------------------------------------------

FAMILY_ROUTES = ["consent_new", "family_register", "disclosure_new", "decision_new", "support_agreed"]
AWAITING_ROUTES = ["consent_detail", "consent_signed", "consent_refused"]
SIGNED_ROUTES = ["consent_withdraw", "scan"]


def _url(world: Any, route: str) -> str:
    if route in ("overview", "register"):
        return reverse(f"consents:{route}")
    if route in FAMILY_ROUTES:
        return reverse(f"consents:{route}", args=[world.family.pk])
    if route in SIGNED_ROUTES:
        return reverse(f"consents:{route}", args=[signed_information_consent(world).pk])
    return reverse(f"consents:{route}", args=[_awaiting_consent(world).pk])


ALL_ROUTES = ["overview", "register", *FAMILY_ROUTES, *AWAITING_ROUTES, *SIGNED_ROUTES, "letter"]


@pytest.mark.parametrize("route", ALL_ROUTES)
def test_anonymous_visitors_are_sent_to_sign_in(client: Any, consent_world: Any, route: str) -> None:
    url = _url(consent_world, route)
    response = client.post(url) if route == "letter" else client.get(url)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


@pytest.mark.parametrize("role", ["volunteer", "administrator"])
@pytest.mark.parametrize("route", ALL_ROUTES)
def test_volunteers_and_administrators_find_nothing(client: Any, consent_world: Any, route: str, role: str) -> None:
    """P7: volunteers have no route to record, view or trigger a disclosure; administrators no case access."""
    url = _url(consent_world, route)
    client.force_login(consent_world.role(role))
    response = client.post(url) if route == "letter" else client.get(url)
    assert response.status_code == 404
    assert Letter.objects.count() == Consent.objects.count()  # the letter route printed nothing


@pytest.mark.parametrize("route", [route for route in ALL_ROUTES if route not in ("overview", "register")])
def test_another_schemes_coordinator_finds_nothing(client: Any, consent_world: Any, route: str) -> None:
    url = _url(consent_world, route)
    client.force_login(consent_world.other_coordinator)
    response = client.post(url) if route == "letter" else client.get(url)
    assert response.status_code == 404


@pytest.mark.parametrize("route", ["overview", "register"])
def test_scheme_wide_pages_show_another_scheme_nothing(client: Any, consent_world: Any, route: str) -> None:
    consent = signed_information_consent(consent_world)
    _share(consent_world, consent)
    _awaiting_consent(consent_world)
    client.force_login(consent_world.coordinator)
    assert consent_world.family.family_name in client.get(_url(consent_world, route)).content.decode()
    client.force_login(consent_world.other_coordinator)
    response = client.get(_url(consent_world, route))
    assert response.status_code == 200
    assert consent_world.family.family_name not in response.content.decode()
    assert consent_world.family.reference not in response.content.decode()


@pytest.mark.parametrize("route", ALL_ROUTES)
def test_the_familys_coordinators_use_every_page(client: Any, consent_world: Any, route: str) -> None:
    url = _url(consent_world, route)
    for person in (consent_world.coordinator, consent_world.dsl):
        client.force_login(person)
        response = client.post(url) if route == "letter" else client.get(url)
        assert response.status_code == 200, f"{route} as {person}"


def test_printing_is_a_post_never_a_get(client: Any, consent_world: Any) -> None:
    """SECURITY 14: printing records a letter, so GET does not print."""
    consent = _awaiting_consent(consent_world)
    client.force_login(consent_world.coordinator)
    letters = Letter.objects.count()
    assert client.get(reverse("consents:letter", args=[consent.pk])).status_code == 405
    assert Letter.objects.count() == letters


def test_navigation_has_consents_and_register_for_coordinators_only(client: Any, consent_world: Any) -> None:
    client.force_login(consent_world.coordinator)
    html = client.get(reverse("dashboard")).content.decode()
    assert f'href="{reverse("consents:overview")}"' in html and f'href="{reverse("consents:register")}"' in html
    client.force_login(consent_world.volunteer)
    html = client.get(reverse("volunteers:home")).content.decode()
    assert reverse("consents:overview") not in html and reverse("consents:register") not in html


# The whole journey ------------------------------------------------------------------------------------------------


def test_full_flow_from_request_to_register_then_withdrawal(client: Any, consent_world: Any) -> None:
    world = consent_world
    family = world.family
    signer = family.members.get(kind=MemberKind.ADULT)
    client.force_login(world.coordinator)

    # Ask for consent: the referrer and health visitor are already ticked.
    form = client.get(reverse("consents:consent_new", args=[family.pk])).content.decode()
    assert re.search(rf'value="{world.health_visitor.pk}"\s+checked', form)
    response = client.post(
        reverse("consents:consent_new", args=[family.pk]),
        {
            "signer": signer.pk,
            "recipients": [world.health_visitor.pk],
            "categories": [Category.SUPPORT_STATUS, Category.VISIT_SUMMARY],
            "review_on": (TODAY() + datetime.timedelta(days=365)).isoformat(),
        },
    )
    consent = Consent.objects.get(family=family)
    assert response["Location"] == reverse("consents:consent_detail", args=[consent.pk])
    detail = client.get(response["Location"]).content.decode()
    assert "print the letter" in detail and "Waiting for signature" in detail
    assert consent.wording.label in detail

    # Print the letter: a PDF download named with the family's reference.
    printed = client.post(reverse("consents:letter", args=[consent.pk]))
    assert printed["Content-Type"] == "application/pdf"
    assert printed.content.startswith(b"%PDF")
    assert printed["Content-Disposition"].startswith("attachment")
    assert family.reference in printed["Content-Disposition"]

    # Upload the signed scan.
    response = client.post(
        reverse("consents:consent_signed", args=[consent.pk]),
        {
            "scan": pdf_upload(),
            "signed_on": TODAY().isoformat(),
            "method": "scanned_letter",
            "received_by": world.coordinator.pk,
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    consent.refresh_from_db()
    assert consent.status == ConsentStatus.SIGNED
    assert "Signed letter recorded" in client.get(response["Location"]).content.decode()

    # Record what was shared.
    response = client.post(
        reverse("consents:disclosure_new", args=[family.pk]),
        {
            "recipient": world.health_visitor.pk,
            "categories": [Category.VISIT_SUMMARY],
            "summary": "Weekly visits continue; the family is settling in.",
            "method": "phone",
            "disclosed_on": TODAY().isoformat(),
            "basis": "consent",
            "consent": consent.pk,
        },
    )
    assert response["Location"] == reverse("consents:family_register", args=[family.pk])
    disclosure = Disclosure.objects.get(family=family)
    assert disclosure.consent_id == consent.pk

    family_register = client.get(response["Location"]).content.decode()
    assert "Recorded in the register" in family_register
    assert "Weekly visits continue; the family is settling in." in family_register
    register = client.get(reverse("consents:register")).content.decode()
    assert "Weekly visits continue; the family is settling in." in register and family.reference in register
    rows = _csv_rows(client.get(reverse("consents:register") + "?format=csv"))
    assert [(row["Family reference"], row["What was shared"]) for row in rows] == [
        (family.reference, "Weekly visits continue; the family is settling in.")
    ]
    family_page = client.get(reverse("families:detail", args=[family.pk])).content.decode()
    assert "Consents and sharing" in family_page and ">Signed<" in family_page

    # The family withdraws; the register refuses to record more sharing, and says why.
    confirm = client.get(reverse("consents:consent_withdraw", args=[consent.pk])).content.decode()
    assert "nothing more is shared under this consent" in confirm
    response = client.post(
        reverse("consents:consent_withdraw", args=[consent.pk]),
        {"withdrawn_on": TODAY().isoformat(), "method": "by_phone", "note": ""},
    )
    assert response.status_code == 302
    consent.refresh_from_db()
    assert consent.status == ConsentStatus.WITHDRAWN
    refused = client.post(
        reverse("consents:disclosure_new", args=[family.pk]),
        {
            "recipient": world.health_visitor.pk,
            "categories": [Category.SUPPORT_STATUS],
            "summary": "Support continues.",
            "method": "phone",
            "disclosed_on": TODAY().isoformat(),
            "basis": "consent",
            "consent": consent.pk,
        },
    )
    assert refused.status_code == 200
    html = refused.content.decode()
    assert "The family has withdrawn this consent." in html
    assert "Nothing has been recorded" in html
    assert "Support continues." in html  # the form keeps what was typed
    assert Disclosure.objects.filter(family=family).count() == 1


def test_a_refusal_names_what_the_consent_does_not_cover(client: Any, consent_world: Any) -> None:
    consent = signed_information_consent(consent_world, categories=[Category.SUPPORT_STATUS])
    gp = add_gp(consent_world)
    client.force_login(consent_world.coordinator)
    url = reverse("consents:disclosure_new", args=[consent_world.family.pk])
    base = {
        "recipient": consent_world.health_visitor.pk,
        "categories": [Category.CONTACT_DETAILS],
        "summary": "Gave the family's phone number.",
        "method": "phone",
        "disclosed_on": TODAY().isoformat(),
        "basis": "consent",
        "consent": consent.pk,
    }
    html = client.post(url, base).content.decode()
    assert "The consent does not cover: Contact details (names, address, postcode, phone)." in html
    html = client.post(url, {**base, "categories": [Category.SUPPORT_STATUS], "recipient": gp.pk}).content.decode()
    assert "The consent does not cover sharing with Dr Amir Khan." in html
    html = client.post(url, {**base, "consent": ""}).content.decode()
    assert "Choose the signed consent this is shared under." in html
    assert not Disclosure.objects.exists()


def test_disclosure_page_says_on_what_basis_sharing_is_recorded(client: Any, consent_world: Any) -> None:
    client.force_login(consent_world.coordinator)
    url = reverse("consents:disclosure_new", args=[consent_world.family.pk])
    html = client.get(url).content.decode()
    assert "Sharing is recorded only on a lawful basis" in html
    assert "The family has no signed consent in force" in html
    consent = signed_information_consent(consent_world)
    html = client.get(f"{url}?consent={consent.pk}").content.decode()
    assert "consents in force" in html and "Helen Price" in html
    assert re.search(rf'<option value="{consent.pk}" selected>', html)


def test_refusing_and_deciding_not_to_share(client: Any, consent_world: Any) -> None:
    consent = _awaiting_consent(consent_world)
    client.force_login(consent_world.coordinator)
    url = reverse("consents:consent_refused", args=[consent.pk])
    assert "This cannot be undone" in client.get(url).content.decode()
    response = client.post(url, {"refused_on": TODAY().isoformat(), "method": "in_person", "note": "Not now."})
    assert response.status_code == 302
    consent.refresh_from_db()
    assert consent.status == ConsentStatus.REFUSED
    assert "Not now." in client.get(reverse("consents:consent_detail", args=[consent.pk])).content.decode()

    decision = reverse("consents:decision_new", args=[consent_world.family.pk])
    empty = client.post(decision, {}).content.decode()
    assert "Enter why you decided not to share" in empty and "Choose who the decision is about" in empty
    response = client.post(
        decision,
        {
            "recipient": consent_world.health_visitor.pk,
            "categories": [Category.VISIT_SUMMARY],
            "reason": "The family refused consent and there is no safeguarding concern.",
            "decided_on": TODAY().isoformat(),
        },
    )
    assert response.status_code == 302
    register = client.get(response["Location"]).content.decode()
    assert "Not shared" in register and "The family refused consent" in register


def test_bad_consent_request_input_shows_plain_messages_and_stores_nothing(client: Any, consent_world: Any) -> None:
    client.force_login(consent_world.coordinator)
    url = reverse("consents:consent_new", args=[consent_world.family.pk])
    html = client.post(url, {"review_on": "2024-02-30"}).content.decode()
    for message in (
        "There is a problem",
        "Choose who will sign the letter",
        "Choose at least one person the information may be shared with",
        "Choose at least one kind of information",
        "Review date must be a real date",
    ):
        assert message in html
    child = consent_world.family.members.get(kind=MemberKind.CHILD)
    html = client.post(
        url,
        {
            "signer": child.pk,
            "recipients": [consent_world.health_visitor.pk],
            "categories": ["private_notes"],
            "review_on": TODAY().isoformat(),
        },
    ).content.decode()
    assert "Choose an adult from the list" in html and "Choose kinds of information from the list" in html
    assert not Consent.objects.exists() and not Letter.objects.exists()


# Signed scans -----------------------------------------------------------------------------------------------------


def _text_renamed_pdf() -> SimpleUploadedFile:
    return SimpleUploadedFile("signed.pdf", b"Dear Home-Start, I agree.\n", content_type="application/pdf")


def _over_10_mb() -> SimpleUploadedFile:
    return SimpleUploadedFile("big.pdf", b"%PDF-1.7\n" + b"0" * (10 * 1024 * 1024), content_type="application/pdf")


def _broken_png() -> SimpleUploadedFile:
    return SimpleUploadedFile("fake.png", b"\x89PNG\r\n\x1a\n" + b"not really", content_type="image/png")


@pytest.mark.parametrize(
    "make_upload, message",
    [
        (_text_renamed_pdf, "The file must be a PDF, JPEG or PNG"),
        (_over_10_mb, "The file is larger than 10 MB"),
        (_broken_png, "The image could not be read"),
    ],
    ids=["text-renamed-pdf", "over-10-mb", "broken-png"],
)
def test_scan_upload_refuses_what_is_not_a_scan_and_stores_nothing(
    client: Any, consent_world: Any, make_upload: Any, message: str, monkeypatch: Any
) -> None:
    """SECURITY 16: checked by content, size-capped; a refused upload leaves no row and no file."""
    consent = _awaiting_consent(consent_world)
    written = _spy_on_scan_storage(monkeypatch)
    client.force_login(consent_world.coordinator)
    response = client.post(
        reverse("consents:consent_signed", args=[consent.pk]),
        {
            "scan": make_upload(),
            "signed_on": TODAY().isoformat(),
            "method": "scanned_letter",
            "received_by": consent_world.coordinator.pk,
        },
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert "There is a problem" in html and message in html
    consent.refresh_from_db()
    assert consent.status == ConsentStatus.AWAITING_SIGNATURE
    assert not SignedScan.objects.exists()
    assert written == []

    accepted = client.post(
        reverse("consents:consent_signed", args=[consent.pk]),
        {
            "scan": png_upload(),
            "signed_on": TODAY().isoformat(),
            "method": "photographed_letter",
            "received_by": consent_world.coordinator.pk,
        },
    )
    assert accepted.status_code == 302 and len(written) == 1  # the spy sees what a good upload stores


def test_scan_download_is_audited_every_time(client: Any, consent_world: Any) -> None:
    consent = services.consent_record_signed(
        consent=_awaiting_consent(consent_world),
        scan=png_upload(),
        signed_on=TODAY(),
        method="photographed_letter",
        received_by=consent_world.dsl,
        actor=consent_world.coordinator,
    )
    client.force_login(consent_world.coordinator)
    url = reverse("consents:scan", args=[consent.pk])
    for expected in (1, 2):
        response = client.get(url)
        assert response.status_code == 200
        assert response["Content-Type"] == "image/png"
        assert response["Content-Disposition"].startswith("attachment")
        assert consent_world.family.reference in response["Content-Disposition"]
        assert b"".join(response.streaming_content).startswith(b"\x89PNG")
        entries = AuditEntry.objects.filter(event=ConsentAuditEvent.SCAN_DOWNLOADED)
        assert entries.count() == expected
    entry = entries.latest("pk")
    assert entry.actor_id == consent_world.coordinator.pk
    assert entry.object_id == SignedScan.objects.get().pk
    assert entry.additional_data == {"consent": consent.pk, "family": consent_world.family.pk}


def test_a_consent_without_a_scan_has_nothing_to_download(client: Any, consent_world: Any) -> None:
    consent = _awaiting_consent(consent_world)
    client.force_login(consent_world.coordinator)
    assert client.get(reverse("consents:scan", args=[consent.pk])).status_code == 404
    assert not AuditEntry.objects.filter(event=ConsentAuditEvent.SCAN_DOWNLOADED).exists()


# The register -----------------------------------------------------------------------------------------------------


def test_csv_export_contains_the_filtered_rows_only(client: Any, consent_world: Any) -> None:
    world = consent_world
    gp = add_gp(world)
    consent = signed_information_consent(world, recipients=[world.health_visitor, gp])
    _share(
        world, consent, summary="Old news to the health visitor.", disclosed_on=TODAY() - datetime.timedelta(days=40)
    )
    _share(world, consent, summary="Recent news to the health visitor.")
    _share(world, consent, recipient=gp, summary="Recent news to the GP.")
    services.disclosure_decline(
        family=world.family,
        recipient=gp,
        categories=[Category.CONTACT_DETAILS],
        reason='=HYPERLINK("https://evil.example")',
        decided_on=TODAY(),
        actor=world.coordinator,
    )
    client.force_login(world.coordinator)
    url = reverse("consents:register")

    since = (TODAY() - datetime.timedelta(days=7)).isoformat()
    rows = _csv_rows(client.get(url, {"date_from": since, "agency": world.health_visitor.agency_id, "format": "csv"}))
    assert [row["What was shared"] for row in rows] == ["Recent news to the health visitor."]

    rows = _csv_rows(client.get(url, {"shared": "no", "format": "csv"}))
    assert [(row["Shared"], row["Recipient"]) for row in rows] == [("No", "Dr Amir Khan")]
    assert rows[0]["Reason for not sharing"].startswith("'=")  # a spreadsheet shows it, never runs it

    everything = client.get(url, {"format": "csv"})
    assert everything["Content-Type"].startswith("text/csv")
    assert everything["Content-Disposition"].startswith("attachment")
    assert len(_csv_rows(everything)) == 4
    from homestart.models import AuditEntry

    exports = AuditEntry.objects.filter(event=ConsentAuditEvent.REGISTER_EXPORTED, actor=world.coordinator)
    assert exports.count() == 3
    assert exports.latest("pk").additional_data["rows"] == 4

    page = client.get(url, {"date_from": since, "agency": world.health_visitor.agency_id}).content.decode()
    assert "Recent news to the health visitor." in page
    assert "Old news" not in page and "Recent news to the GP." not in page
    assert "format=csv" in page and f"agency={world.health_visitor.agency_id}" in page


def test_exporting_the_register_needs_recent_authentication(client: Any, consent_world: Any) -> None:
    """SECURITY 10: as for recording a disclosure, a CSV export asks for the password or a code again."""
    client.force_login(consent_world.coordinator)
    session = client.session
    session[AUTHENTICATED_AT] = timezone.now().timestamp() - 3600
    session.save()
    assert client.get(reverse("consents:register")).status_code == 200
    for url in (
        reverse("consents:register") + "?format=csv",
        reverse("consents:disclosure_new", args=[consent_world.family.pk]),
        reverse("consents:decision_new", args=[consent_world.family.pk]),
        reverse("consents:support_agreed", args=[consent_world.family.pk]),
    ):
        response = client.get(url)
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("two_factor:reauthenticate")), url


def test_register_filters_report_bad_values_and_still_answer(client: Any, consent_world: Any) -> None:
    client.force_login(consent_world.coordinator)
    response = client.get(
        reverse("consents:register"),
        {"date_from": "2024-02-30", "date_to": "2020-01-01", "agency": "999999", "basis": "gossip", "shared": "x"},
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert "The ‘from’ date must be a real date" in html
    assert "Choose an organisation from the list" in html
    assert "Choose a basis from the list" in html
    assert "Nothing in the register matches these filters" in html  # the one good filter still applies


def test_register_is_paginated_and_keeps_the_filters(client: Any, consent_world: Any) -> None:
    consent = signed_information_consent(consent_world)
    for n in range(52):
        _share(consent_world, consent, summary=f"Update number {n}.")
    client.force_login(consent_world.coordinator)
    url = reverse("consents:family_register", args=[consent_world.family.pk])
    first = client.get(url, {"shared": "yes"}).content.decode()
    assert "52 entries" in first and "Page 1 of 2" in first
    assert "shared=yes&amp;page=2" in first
    second = client.get(url, {"shared": "yes", "page": "2"}).content.decode()
    assert "Update number 0." in second and "Update number 51." not in second


def test_empty_pages_say_what_to_do(client: Any, consent_world: Any) -> None:
    client.force_login(consent_world.coordinator)
    overview = client.get(reverse("consents:overview")).content.decode()
    assert "No letters are waiting for a signature" in overview
    assert "No consents are due for review" in overview
    family_register = client.get(reverse("consents:family_register", args=[consent_world.family.pk])).content.decode()
    assert "Nothing has been shared about this family" in family_register
    family_page = client.get(reverse("families:detail", args=[consent_world.family.pk])).content.decode()
    assert "The family has not been asked for consent yet" in family_page


def _one_in_each_list(world: Any) -> tuple[Consent, Consent, Consent]:
    """A consent waiting for its signature, one signed today (recently signed), and one signed today whose review
    is due in ten days (expiring, and recently signed too), for another family."""
    waiting = _awaiting_consent(world)
    signed = signed_information_consent(world)
    other = make_family(world.coordinator, "Nowak", postcode="PO3 5DD")
    consent, _letter, _pdf = services.consent_request(
        family=other,
        purpose=Purpose.INFORMATION_EXCHANGE,
        signer=other.members.get(kind=MemberKind.ADULT),
        recipients=[world.health_visitor],
        categories=[Category.SUPPORT_STATUS],
        review_on=TODAY() + datetime.timedelta(days=10),
        actor=world.coordinator,
    )
    expiring = services.consent_record_signed(
        consent=consent,
        scan=png_upload(),
        signed_on=TODAY(),
        method="photographed_letter",
        received_by=world.coordinator,
        actor=world.coordinator,
    )
    return waiting, signed, expiring


def test_overview_lists_consents_waiting_expiring_and_recently_signed(client: Any, consent_world: Any) -> None:
    waiting, signed, expiring = _one_in_each_list(consent_world)
    client.force_login(consent_world.coordinator)
    html = client.get(reverse("consents:overview")).content.decode()
    waiting_section, rest = html.split("Review due in the next 30 days", 1)
    expiring_section, recent_section = rest.split("Signed in the last 30 days", 1)
    assert reverse("consents:consent_detail", args=[waiting.pk]) in waiting_section
    assert reverse("consents:consent_detail", args=[expiring.pk]) in expiring_section
    assert reverse("consents:consent_detail", args=[signed.pk]) not in expiring_section
    assert reverse("consents:consent_detail", args=[signed.pk]) in recent_section


def test_overview_runs_the_same_queries_with_rows_in_every_list_as_with_none(client: Any, consent_world: Any) -> None:
    """Each list reads only the columns it shows (consents.views.consents.overview); nothing it shows is read
    again row by row."""
    client.force_login(consent_world.coordinator)
    client.get(reverse("consents:overview"))  # the session's first request does more (its renewal, say)
    with CaptureQueriesContext(connection) as empty:
        client.get(reverse("consents:overview"))
    _one_in_each_list(consent_world)
    with CaptureQueriesContext(connection) as full:
        html = client.get(reverse("consents:overview")).content.decode()
    assert html.count("Adeyemi") >= 2 and "Nowak" in html
    assert len(full) == len(empty), [query["sql"][:80] for query in full.captured_queries]


# The family page and the support-agreed notices -------------------------------------------------------------------


def test_family_page_shows_consents_to_coordinators_only(client: Any, consent_world: Any) -> None:
    signed_information_consent(consent_world)
    client.force_login(consent_world.coordinator)
    html = client.get(reverse("families:detail", args=[consent_world.family.pk])).content.decode()
    assert "Consents and sharing" in html
    assert "Letter printed" in html and "Signed letter, scanned" in html
    assert "Send the support-agreed notices" in html
    client.force_login(consent_world.volunteer)
    html = client.get(reverse("families:detail", args=[consent_world.family.pk])).content.decode()
    assert "Consents and sharing" not in html and "Signed letter, scanned" not in html
    assert "/consents/" not in html


def test_support_agreed_notices_are_recorded_and_offered_as_downloads(client: Any, consent_world: Any) -> None:
    """P2: the referrer and health visitor are told, recorded as disclosures; the letters come back in the answer."""
    family = consent_world.family
    client.force_login(consent_world.coordinator)
    url = reverse("consents:support_agreed", args=[family.pk])
    before = client.get(url).content.decode()
    assert "has not signed an information-exchange consent yet" in before
    refused = client.post(url, {"method": "letter"}).content.decode()
    assert "has not signed an information-exchange consent yet" in refused
    assert not Disclosure.objects.exists()

    signed_information_consent(consent_world)
    page = client.get(url).content.decode()
    assert "Helen Price" in page and "disclosure register" in page
    response = client.post(url, {"method": "letter"})
    assert response.status_code == 200
    html = response.content.decode()
    assert "Support-agreed notices recorded" in html
    disclosure = Disclosure.objects.get(family=family)  # the referrer is the health visitor: one notice
    assert disclosure.categories == [Category.SUPPORT_STATUS] and disclosure.method == "letter"
    assert Letter.objects.filter(family=family, kind=LetterKind.SUPPORT_AGREED).count() == 1
    href = re.search(r'href="data:application/pdf;base64,([^"]+)" download="([^"]+)"', html)
    assert href is not None and family.reference in href.group(2)
    assert base64.b64decode(href.group(1)).startswith(b"%PDF")

    family_page = client.get(reverse("families:detail", args=[family.pk])).content.decode()
    assert "Send the support-agreed notices" not in family_page
    assert "Notices were already sent" in client.get(url).content.decode()


def test_family_page_queries_do_not_grow_with_consents(client: Any, consent_world: Any) -> None:
    consent = signed_information_consent(consent_world)
    _share(consent_world, consent)
    client.force_login(consent_world.coordinator)
    url = reverse("families:detail", args=[consent_world.family.pk])
    client.get(url)

    def count() -> int:
        with CaptureQueriesContext(connection) as queries:
            assert client.get(url).status_code == 200
        return len(queries)

    few = count()
    gp = add_gp(consent_world)
    for _ in range(3):
        services.consent_record_signed(
            consent=_awaiting_consent(consent_world, recipients=[consent_world.health_visitor, gp]),
            scan=png_upload(),
            signed_on=TODAY(),
            method="photographed_letter",
            received_by=consent_world.coordinator,
            actor=consent_world.coordinator,
        )
    assert count() == few <= MAX_QUERIES


def test_register_export_with_control_characters_in_filters_is_not_an_error(client: Any, consent_world: Any) -> None:
    """Found by Hypothesis: a NUL in a filter reached the export's audit entry, which PostgreSQL's JSON refuses."""
    client.force_login(consent_world.coordinator)
    for url in (reverse("consents:register"), reverse("consents:family_register", args=[consent_world.family.pk])):
        response = client.get(url, {"date_from": "\x00", "basis": "x\x00y", "format": "csv"})
        assert response.status_code in (200, 302)
