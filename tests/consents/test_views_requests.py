"""The pages for agency requests (P6), photographs (P11) and consent wordings.

Each page: anonymous, volunteer, another scheme's coordinator and the scheme's coordinator. Then the workflows as a
coordinator walks them, with the rules they enforce named in the tests.
"""

import datetime
import re
from html import unescape
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from django.utils.html import escape

from consents import selectors, services
from consents.models import (
    AgencyRequest,
    Category,
    Consent,
    ConsentStatus,
    ConsentWording,
    Disclosure,
    DisclosureBasis,
    Photo,
    Purpose,
    RequestStatus,
)
from families.models import MemberKind
from tests.conftest import make_family
from tests.consents.conftest import pdf_upload, png_upload
from tests.consents.policy_requests import agency_request, photo
from tests.consents.test_pdf import needs_pdftotext, pdf_text

TODAY = timezone.localdate


def days(n: int) -> datetime.date:
    return TODAY() + datetime.timedelta(days=n)


def identifying_request(world: Any, **overrides: Any) -> AgencyRequest:
    data = {
        "requester": world.health_visitor,
        "received_on": TODAY(),
        "purpose": "Checking the family is supported",
        "categories": [Category.SUPPORT_STATUS, Category.VISIT_SUMMARY],
        "identifying": True,
        "family": world.family,
        "due_on": days(14),
        "actor": world.coordinator,
    }
    return services.agency_request_receive(**(data | overrides))


def ask(world: Any, request: AgencyRequest) -> Consent:
    consent, _letter, _pdf = services.agency_request_ask_family(
        request=request,
        signer=world.family.members.get(kind=MemberKind.ADULT),
        review_on=days(90),
        actor=world.coordinator,
    )
    return consent


def sign(world: Any, consent: Consent) -> Consent:
    return services.consent_record_signed(
        consent=consent,
        scan=pdf_upload(),
        signed_on=TODAY(),
        method="scanned_letter",
        received_by=world.coordinator,
        actor=world.coordinator,
    )


def share(world: Any, request: AgencyRequest) -> Disclosure:
    return services.disclosure_record(
        family=world.family,
        recipient=world.health_visitor,
        categories=[Category.SUPPORT_STATUS],
        summary="Told the health visitor Home-Start supports the family.",
        method="secure_email",
        disclosed_on=TODAY(),
        basis=DisclosureBasis.AGENCY_REQUEST,
        agency_request=request,
        actor=world.coordinator,
    )


# Who may open what ----------------------------------------------------------------------------------------------


def _url(world: Any, route: str) -> str:
    args = {
        "consents:request_detail": lambda: [agency_request(world, identifying=True).pk],
        "consents:request_ask": lambda: [agency_request(world, identifying=True).pk],
        "consents:request_close": lambda: [agency_request(world, identifying=True).pk],
        "consents:request_figures": lambda: [agency_request(world, identifying=False).pk],
        "consents:photo_detail": lambda: [photo(world).pk],
        "consents:photo_image": lambda: [photo(world).pk],
    }.get(route, list)()
    return reverse(route, args=args)


PAGES = {
    # route: who gets 200 among volunteer, other_coordinator, coordinator, administrator
    "consents:requests": {"other_coordinator", "coordinator"},
    "consents:request_new": {"other_coordinator", "coordinator"},
    "consents:request_detail": {"coordinator"},
    "consents:request_ask": {"coordinator"},
    "consents:request_close": {"coordinator"},
    "consents:request_figures": {"coordinator"},
    "consents:photos": {"other_coordinator", "coordinator"},
    "consents:photo_new": {"other_coordinator", "coordinator"},
    "consents:photo_detail": {"coordinator"},
    "consents:photo_image": {"coordinator"},
    "consents:wordings": {"other_coordinator", "coordinator", "administrator"},
    "consents:wording_new": {"administrator"},
}


@pytest.mark.parametrize("route", sorted(PAGES))
@pytest.mark.parametrize("role", ["anonymous", "volunteer", "other_coordinator", "coordinator", "administrator"])
def test_each_page_answers_only_the_right_people(client: Any, consent_world: Any, route: str, role: str) -> None:
    url = _url(consent_world, route)
    user = consent_world.role(role)
    if user is not None:
        client.force_login(user)
    response = client.get(url)
    if role == "anonymous":
        assert response.status_code == 302 and response["Location"].startswith(reverse("login"))
    elif role in PAGES[route]:
        assert response.status_code == 200
    else:
        assert response.status_code == 404


def test_another_schemes_coordinator_sees_none_of_this_schemes_requests_or_photos(
    client: Any, consent_world: Any
) -> None:
    identifying_request(consent_world)
    photo(consent_world)
    client.force_login(consent_world.other_coordinator)
    for route in ("consents:requests", "consents:photos"):
        html = client.get(reverse(route)).content.decode()
        assert consent_world.family.family_name not in html
        assert "Summer picnic" not in html
        assert 'class="empty"' in html


def test_P7_volunteers_cannot_post_to_any_request_or_photo_page(client: Any, consent_world: Any) -> None:
    request = identifying_request(consent_world)
    client.force_login(consent_world.volunteer)
    adult = consent_world.family.members.get(kind=MemberKind.ADULT)
    assert client.post(reverse("consents:request_ask", args=[request.pk]), {"signer": adult.pk}).status_code == 404
    assert client.post(reverse("consents:request_close", args=[request.pk]), {"outcome": "declined"}).status_code == 404
    assert client.post(reverse("consents:request_new"), {}).status_code == 404
    assert Consent.objects.count() == 0
    assert AgencyRequest.objects.get().status == RequestStatus.RECEIVED


# Agency requests ------------------------------------------------------------------------------------------------


def test_request_list_shows_due_dates_and_tags_overdue_and_waiting_requests(client: Any, consent_world: Any) -> None:
    client.force_login(consent_world.coordinator)
    html = client.get(reverse("consents:requests")).content.decode()
    assert "No requests are open" in html

    overdue = identifying_request(consent_world, received_on=days(-30), due_on=days(-1))
    waiting = identifying_request(consent_world, due_on=days(10))
    ask(consent_world, waiting)
    figures = agency_request(consent_world, identifying=False)
    html = client.get(reverse("consents:requests")).content.decode()
    rows = html.split("<tbody>")[1].split("</tbody>")[0].split("<tr>")[1:]
    assert len(rows) == 3
    assert reverse("consents:request_detail", args=[overdue.pk]) in rows[0] and "Overdue" in rows[0]
    assert days(-1).strftime("%-d %b %Y") in rows[0]
    assert reverse("consents:request_detail", args=[waiting.pk]) in rows[1] and "Waiting for the family" in rows[1]
    assert "Overdue" not in rows[1]
    assert reverse("consents:request_detail", args=[figures.pk]) in rows[2] and "Figures only" in rows[2]

    services.agency_request_close(request=figures, fulfilled=True, note="Sent", actor=consent_world.coordinator)
    assert (
        reverse("consents:request_detail", args=[figures.pk])
        not in client.get(reverse("consents:requests")).content.decode()
    )
    closed = client.get(reverse("consents:requests"), {"show": "closed"}).content.decode()
    assert reverse("consents:request_detail", args=[figures.pk]) in closed


def _request_form(world: Any, **overrides: Any) -> dict[str, Any]:
    return {
        "requester": world.health_visitor.pk,
        "received_on": TODAY().isoformat(),
        "purpose": "Planning clinics",
        "categories": [Category.SUPPORT_STATUS],
        "identifying": "no",
        "family": "",
        "due_on": days(14).isoformat(),
    } | overrides


def test_recording_a_request_for_figures_and_one_about_a_family(client: Any, consent_world: Any) -> None:
    client.force_login(consent_world.coordinator)
    response = client.post(reverse("consents:request_new"), _request_form(consent_world))
    statistical = AgencyRequest.objects.get()
    assert response["Location"] == reverse("consents:request_detail", args=[statistical.pk])
    assert not statistical.identifying and statistical.family is None
    page = client.get(response["Location"]).content.decode()
    assert "Request recorded" in page and "See the anonymised figures" in page

    response = client.post(
        reverse("consents:request_new"),
        _request_form(consent_world, identifying="yes", family=consent_world.family.pk),
    )
    about_family = AgencyRequest.objects.exclude(pk=statistical.pk).get()
    assert about_family.identifying and about_family.family == consent_world.family
    page = client.get(response["Location"]).content.decode()
    assert "Ask the family for permission" in page
    assert "Nothing that identifies the family can be released until the signed letter is recorded" in page


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"identifying": "yes"}, "Choose the family the request is about"),
        ({"family": "FAMILY"}, "A request for figures is not about one family"),
        ({"categories": [Category.CONTACT_DETAILS]}, "Contact details identify a family"),
        ({"categories": []}, "Choose at least one kind of information"),
        ({"categories": ["private_notes"]}, "Choose kinds of information from the list"),
        ({"due_on": days(-40).isoformat()}, "The due date must be on or after the date the request was received"),
        ({"received_on": days(1).isoformat()}, "The date received must be today or in the past"),
        ({"requester": "OTHER"}, "Choose someone from the directory"),
        ({"identifying": "yes", "family": "OTHER_FAMILY"}, "Choose a family from the list"),
        ({"identifying": ""}, "Choose yes if the request identifies a family"),
    ],
)
def test_a_refused_request_form_says_why_and_stores_nothing(
    client: Any, consent_world: Any, overrides: dict[str, Any], message: str
) -> None:
    from families import services as family_services
    from families.models import AgencyKind

    other = family_services.professional_add(
        scheme=consent_world.other_scheme,
        agency_name="South Team",
        agency_kind=AgencyKind.OTHER,
        name="Sam Other",
        role="Officer",
        actor=consent_world.other_coordinator,
    )
    swap = {"FAMILY": consent_world.family.pk, "OTHER": other.pk, "OTHER_FAMILY": consent_world.other_family.pk}
    data = {key: swap.get(value, value) if isinstance(value, str) else value for key, value in overrides.items()}
    client.force_login(consent_world.coordinator)
    response = client.post(reverse("consents:request_new"), _request_form(consent_world, **data))
    html = response.content.decode()
    assert response.status_code == 200
    assert "There is a problem" in html and message in html
    assert not AgencyRequest.objects.exists()


@needs_pdftotext
def test_P6_identifying_request_workflow_from_receipt_to_answer(client: Any, consent_world: Any) -> None:
    """Received, family asked (letter PDF), permission recorded from the signed scan, shared, closed as answered."""
    world = consent_world
    client.force_login(world.coordinator)
    client.post(
        reverse("consents:request_new"),
        _request_form(world, identifying="yes", family=world.family.pk, purpose="Checking the family is supported"),
    )
    request = AgencyRequest.objects.get()
    detail = reverse("consents:request_detail", args=[request.pk])

    # Before the family is asked, nothing can be released.
    with pytest.raises(services.DisclosureRefused, match="has not been asked"):
        share(world, request)

    ask_page = client.get(reverse("consents:request_ask", args=[request.pk])).content.decode()
    assert "Grace Adeyemi" in ask_page and "Print the permission letter (PDF)" in ask_page
    adult = world.family.members.get(kind=MemberKind.ADULT)
    response = client.post(
        reverse("consents:request_ask", args=[request.pk]),
        {"signer": adult.pk, "review_on": days(90).isoformat()},
    )
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"].startswith("attachment")
    letter = " ".join(pdf_text(response.content).split())
    assert "Helen Price" in letter and "Checking the family is supported" in letter
    request.refresh_from_db()
    assert request.status == RequestStatus.FAMILY_ASKED
    permission = Consent.objects.get(agency_request=request)
    assert permission.purpose == Purpose.AGENCY_REQUEST and permission.signer == adult

    # Asked but not signed: still nothing can be released (P6); the request can only be declined, not answered.
    with pytest.raises(services.DisclosureRefused, match="not been signed"):
        share(world, request)
    page = client.get(detail).content.decode()
    assert "Waiting for the family" in page and "Nothing can be shared yet" in page
    assert reverse("consents:consent_detail", args=[permission.pk]) in page
    close = client.get(reverse("consents:request_close", args=[request.pk])).content.decode()
    assert 'value="declined"' in close and 'value="fulfilled"' not in close
    assert client.post(reverse("consents:request_ask", args=[request.pk]), {"signer": adult.pk}).status_code == 200
    assert Consent.objects.filter(agency_request=request).count() == 1  # asking twice prints nothing more

    # The signed letter comes back: permission given.
    sign(world, permission)
    request.refresh_from_db()
    assert request.status == RequestStatus.PERMISSION_GIVEN
    page = client.get(detail).content.decode()
    assert "Record what you shared" in page
    assert reverse("consents:disclosure_new", args=[world.family.pk]) in page

    # Answered too soon: the register must show what was shared first.
    close_url = reverse("consents:request_close", args=[request.pk])
    response = client.post(close_url, {"outcome": "fulfilled", "note": "Told them."})
    assert "Record what was shared in the disclosure register" in response.content.decode()

    disclosure = share(world, request)
    assert disclosure.basis == DisclosureBasis.AGENCY_REQUEST and disclosure.agency_request == request
    response = client.post(close_url, {"outcome": "fulfilled", "note": "Confirmed support by secure email."})
    assert response["Location"] == detail
    request.refresh_from_db()
    assert request.status == RequestStatus.FULFILLED

    page = client.get(detail).content.decode()
    for step in (
        "Request received",
        "Permission letter printed",
        "Permission given",
        "Shared with Helen Price",
        "Closed as answered",
        "Confirmed support by secure email.",
    ):
        assert step in page, step
    assert page.index("Permission letter printed") < page.index("Permission given") < page.index("Shared with")
    assert f"Answered on {TODAY():%-d %B %Y} by Coordinator Tester." in page  # from the audit log of the change


def test_P6_a_refused_permission_blocks_release(client: Any, consent_world: Any) -> None:
    world = consent_world
    request = identifying_request(world)
    permission = ask(world, request)
    services.consent_record_refused(
        consent=permission, refused_on=TODAY(), method="in_person", note="Said no", actor=world.coordinator
    )
    request.refresh_from_db()
    assert request.status == RequestStatus.PERMISSION_REFUSED
    with pytest.raises(services.DisclosureRefused, match="refused"):
        share(world, request)
    assert not Disclosure.objects.exists()

    client.force_login(world.coordinator)
    page = client.get(reverse("consents:request_detail", args=[request.pk])).content.decode()
    assert "The family said no" in page and "Nothing about them may be shared" in page
    close_url = reverse("consents:request_close", args=[request.pk])
    form = client.get(close_url).content.decode()
    assert 'value="declined"' in form and 'value="fulfilled"' not in form  # answering is not offered
    response = client.post(close_url, {"outcome": "fulfilled", "note": "Sent anyway"})
    assert response.status_code == 200 and "Choose answered or declined" in response.content.decode()
    request.refresh_from_db()
    assert request.status == RequestStatus.PERMISSION_REFUSED

    response = client.post(close_url, {"outcome": "declined", "note": "The family said no; told the agency."})
    assert response.status_code == 302
    request.refresh_from_db()
    assert request.status == RequestStatus.DECLINED and request.outcome_note.startswith("The family said no")


def test_P6_a_request_for_figures_never_asks_a_family(client: Any, consent_world: Any) -> None:
    statistical = agency_request(consent_world, identifying=False)
    identifying = identifying_request(consent_world)
    client.force_login(consent_world.coordinator)
    assert client.get(reverse("consents:request_ask", args=[statistical.pk])).status_code == 404
    assert client.post(reverse("consents:request_ask", args=[statistical.pk]), {}).status_code == 404
    assert client.get(reverse("consents:request_figures", args=[identifying.pk])).status_code == 404
    response = client.post(
        reverse("consents:request_close", args=[statistical.pk]), {"outcome": "fulfilled", "note": "Figures sent."}
    )
    assert response.status_code == 302
    statistical.refresh_from_db()
    assert statistical.status == RequestStatus.FULFILLED and not Consent.objects.exists()


def test_closing_needs_a_note_and_confirms_what_happens(client: Any, consent_world: Any) -> None:
    request = identifying_request(consent_world)
    client.force_login(consent_world.coordinator)
    url = reverse("consents:request_close", args=[request.pk])
    assert "This cannot be undone" in client.get(url).content.decode()
    response = client.post(url, {"outcome": "declined", "note": "  "})
    assert "Enter how the request was answered, or why it was declined" in response.content.decode()
    request.refresh_from_db()
    assert request.status == RequestStatus.RECEIVED


# Photographs ----------------------------------------------------------------------------------------------------


def _text(html: str) -> str:
    """What a reader sees: the words without the markup, spaces collapsed."""
    return " ".join(unescape(re.sub(r"<[^>]+>", " ", html)).split()).replace(" :", ":")


def _list_row(html: str, event: str) -> str:
    return _text(next(row for row in html.split("<tr>") if event in row))


def test_P11_photo_usable_only_when_every_family_in_it_has_signed_and_stops_at_once_on_withdrawal(
    client: Any, consent_world: Any
) -> None:
    world = consent_world
    other = make_family(world.coordinator, "Evans-Price")
    client.force_login(world.coordinator)
    response = client.post(
        reverse("consents:photo_new"),
        {
            "event": "Summer picnic",
            "taken_on": TODAY().isoformat(),
            "description": "Parents at the craft table",
            "families": [world.family.pk, other.pk],
            "image": png_upload("picnic.png"),
        },
    )
    picture = Photo.objects.get()
    assert response["Location"] == reverse("consents:photo_detail", args=[picture.pk])
    assert not selectors.photo_usable(picture)
    row = _list_row(client.get(reverse("consents:photos")).content.decode(), "Summer picnic")
    assert "Not usable: waiting for 2 families' consent" in row

    detail = reverse("consents:photo_detail", args=[picture.pk])
    consents = []
    for family in (world.family, other):
        adult = family.members.get(kind=MemberKind.ADULT)
        response = client.post(
            detail,
            {"family": family.pk, f"family-{family.pk}-signer": adult.pk, f"family-{family.pk}-review_on": days(365)},
        )
        assert response["Content-Type"] == "application/pdf", response.content[:2000]
        consent = Consent.objects.get(family=family, purpose=Purpose.PHOTOGRAPHS)
        assert list(consent.photos.all()) == [picture] and consent.categories == []
        consents.append(consent)
    assert "Form printed, waiting for a signature" in client.get(detail).content.decode()

    sign(world, consents[0])
    row = _list_row(client.get(reverse("consents:photos")).content.decode(), "Summer picnic")
    assert "Not usable: waiting for 1 family's consent" in row  # one signature is not enough

    sign(world, consents[1])
    row = _list_row(client.get(reverse("consents:photos")).content.decode(), "Summer picnic")
    assert "Usable for publicity" in row and "Not usable" not in row
    assert "Usable for publicity" in _text(client.get(detail).content.decode())

    services.consent_withdraw(consent=consents[1], withdrawn_on=TODAY(), method="by_phone", actor=world.coordinator)
    row = _list_row(client.get(reverse("consents:photos")).content.decode(), "Summer picnic")
    assert "Not usable: waiting for 1 family's consent" in row
    page = client.get(detail).content.decode()
    assert "Not usable: waiting for 1 family's consent" in _text(page)
    assert "Print a new photo consent form" in page  # the family can be asked again


def test_P11_a_signed_consent_past_its_review_date_no_longer_covers_the_photo(consent_world: Any) -> None:
    world = consent_world
    picture = photo(world)
    consent, _letter, _pdf = services.consent_request(
        family=world.family,
        purpose=Purpose.PHOTOGRAPHS,
        signer=world.family.members.get(kind=MemberKind.ADULT),
        photos=[picture],
        review_on=days(30),
        actor=world.coordinator,
    )
    sign(world, consent)
    assert selectors.photo_usable(picture)
    assert not selectors.photo_usable(picture, on=days(31))
    assert selectors.photo_families_waiting(picture, on=days(31)) == [world.family]


def test_P11_photo_list_answers_in_the_same_number_of_queries_for_2_or_12_photos(
    client: Any, consent_world: Any
) -> None:
    world = consent_world
    families = [world.family, make_family(world.coordinator, "Evans-Price")]

    def add_photos(n: int) -> None:
        for index in range(n):
            services.photo_record(
                scheme=world.scheme,
                event=f"Event {index}",
                taken_on=TODAY(),
                description="Group",
                families=families,
                actor=world.coordinator,
            )

    client.force_login(world.coordinator)
    add_photos(2)
    client.get(reverse("consents:photos"))

    def count() -> int:
        with CaptureQueriesContext(connection) as queries:
            assert client.get(reverse("consents:photos")).status_code == 200
        return len(queries)

    small = count()
    add_photos(10)
    consent, _letter, _pdf = services.consent_request(
        family=world.family,
        purpose=Purpose.PHOTOGRAPHS,
        signer=world.family.members.get(kind=MemberKind.ADULT),
        photos=list(Photo.objects.all()),
        review_on=days(365),
        actor=world.coordinator,
    )
    sign(world, consent)
    assert count() == small


def test_photo_image_is_served_only_through_the_checked_view_and_never_cached(client: Any, consent_world: Any) -> None:
    picture = photo(consent_world)
    url = reverse("consents:photo_image", args=[picture.pk])
    client.force_login(consent_world.coordinator)
    response = client.get(url)
    assert response.status_code == 200 and response["Content-Type"] == "image/png"
    assert b"".join(response.streaming_content).startswith(b"\x89PNG")
    assert "no-store" in response["Cache-Control"]
    client.force_login(consent_world.other_coordinator)
    assert client.get(url).status_code == 404

    without = services.photo_record(
        scheme=consent_world.scheme,
        event="No file",
        taken_on=TODAY(),
        description="x",
        families=[consent_world.family],
        actor=consent_world.coordinator,
    )
    client.force_login(consent_world.coordinator)
    assert client.get(reverse("consents:photo_image", args=[without.pk])).status_code == 404


@pytest.mark.parametrize(
    ("upload", "message"),
    [
        (lambda: pdf_upload("photo.pdf"), "Upload the photograph as a JPEG or PNG."),
        (lambda: SimpleUploadedFile("fake.jpg", b"\xff\xd8\xffnot really", "image/jpeg"), "could not be read"),
        (lambda: SimpleUploadedFile("notes.txt", b"hello", "text/plain"), "must be a PDF, JPEG or PNG"),
    ],
)
def test_a_photo_that_is_not_an_image_is_refused_and_nothing_stored(
    client: Any, consent_world: Any, upload: Any, message: str
) -> None:
    client.force_login(consent_world.coordinator)
    response = client.post(
        reverse("consents:photo_new"),
        {
            "event": "Picnic",
            "taken_on": TODAY().isoformat(),
            "description": "Group",
            "families": [consent_world.family.pk],
            "image": upload(),
        },
    )
    assert response.status_code == 200 and message in response.content.decode()
    assert not Photo.objects.exists()


def test_photo_form_refuses_families_of_another_scheme(client: Any, consent_world: Any) -> None:
    client.force_login(consent_world.coordinator)
    response = client.post(
        reverse("consents:photo_new"),
        {
            "event": "Picnic",
            "taken_on": TODAY().isoformat(),
            "description": "Group",
            "families": [consent_world.other_family.pk],
        },
    )
    assert "Choose families from the list" in response.content.decode()
    assert not Photo.objects.exists()


def test_photo_consent_form_is_not_printed_twice_or_for_a_family_not_in_the_photo(
    client: Any, consent_world: Any
) -> None:
    world = consent_world
    picture = photo(world)
    adult = world.family.members.get(kind=MemberKind.ADULT)
    detail = reverse("consents:photo_detail", args=[picture.pk])
    client.force_login(world.coordinator)
    stranger = make_family(world.coordinator, "Nowak")
    response = client.post(detail, {"family": stranger.pk})
    assert "Choose a family in this photograph" in response.content.decode()
    fields = {"family": world.family.pk, f"family-{world.family.pk}-signer": adult.pk}
    response = client.post(detail, fields | {f"family-{world.family.pk}-review_on": days(-1).isoformat()})
    assert "The date the consent lasts until must be in the future" in response.content.decode()
    assert not Consent.objects.exists()
    response = client.post(detail, fields | {f"family-{world.family.pk}-review_on": days(200).isoformat()})
    assert response["Content-Type"] == "application/pdf"
    response = client.post(detail, fields | {f"family-{world.family.pk}-review_on": days(200).isoformat()})
    assert "has already been asked about this photograph" in response.content.decode()
    assert Consent.objects.count() == 1


def test_photo_consent_needs_a_published_wording(client: Any, world: Any) -> None:
    picture = photo(world)
    adult = world.family.members.get(kind=MemberKind.ADULT)
    client.force_login(world.coordinator)
    response = client.post(
        reverse("consents:photo_detail", args=[picture.pk]),
        {
            "family": world.family.pk,
            f"family-{world.family.pk}-signer": adult.pk,
            f"family-{world.family.pk}-review_on": days(200).isoformat(),
        },
    )
    assert "There is no wording for this kind of consent yet" in response.content.decode()
    assert not Consent.objects.exists()


def test_photos_list_empty_state(client: Any, consent_world: Any) -> None:
    client.force_login(consent_world.coordinator)
    assert "No photographs recorded yet" in client.get(reverse("consents:photos")).content.decode()


# Wordings -------------------------------------------------------------------------------------------------------


def test_wordings_list_shows_each_purpose_with_its_versions(client: Any, consent_world: Any) -> None:
    services.wording_publish(
        scheme=consent_world.scheme,
        purpose=Purpose.PHOTOGRAPHS,
        title="Photos, second try",
        body="New words.",
        actor=consent_world.administrator,
    )
    client.force_login(consent_world.coordinator)
    html = client.get(reverse("consents:wordings")).content.decode()
    for purpose in Purpose:
        assert escape(purpose.label) in html
    assert "In use: version 2" in html and "Photos, second try" in html
    assert "Earlier versions (1)" in html and "Using photographs of your family" in html
    assert "Only an administrator can publish a new version" in html
    assert reverse("consents:wording_new") not in html


def test_publishing_a_wording_asks_for_confirmation_and_earlier_signatures_keep_their_version(
    client: Any, consent_world: Any
) -> None:
    world = consent_world
    picture = photo(world)
    signed, _letter, _pdf = services.consent_request(
        family=world.family,
        purpose=Purpose.PHOTOGRAPHS,
        signer=world.family.members.get(kind=MemberKind.ADULT),
        photos=[picture],
        review_on=days(365),
        actor=world.coordinator,
    )
    sign(world, signed)
    client.force_login(world.administrator)
    url = reverse("consents:wording_new")
    page = client.get(url, {"purpose": Purpose.PHOTOGRAPHS}).content.decode()
    assert "every consent already asked for or signed keeps the version the family saw" in page
    assert "Using photographs of your family" in page  # starts from the current words

    data = {"purpose": Purpose.PHOTOGRAPHS, "title": "Photos of your family", "body": "Short.\n\nClear."}
    check = client.post(url, data)
    html = check.content.decode()
    assert check.status_code == 200 and "Check the new wording before you publish it" in html
    assert "Publish version 2" in html and "cannot be changed or taken back" in html
    assert ConsentWording.objects.filter(purpose=Purpose.PHOTOGRAPHS).count() == 1  # nothing yet

    change = client.post(url, data | {"confirm": "change"}).content.decode()
    assert "Continue" in change and "Photos of your family" in change

    response = client.post(url, data | {"confirm": "publish"})
    assert response["Location"] == reverse("consents:wordings")
    latest = ConsentWording.objects.filter(purpose=Purpose.PHOTOGRAPHS).order_by("-version").first()
    assert (latest.version, latest.title, latest.body) == (2, "Photos of your family", "Short.\n\nClear.")
    signed.refresh_from_db()
    assert signed.wording.version == 1 and signed.status == ConsentStatus.SIGNED
    banner = client.get(response["Location"]).content.decode()
    assert "keep the version the family saw" in banner


def test_wording_form_errors_are_plain_and_store_nothing(client: Any, consent_world: Any) -> None:
    client.force_login(consent_world.administrator)
    response = client.post(reverse("consents:wording_new"), {"purpose": "private_notes", "title": " ", "body": ""})
    html = response.content.decode()
    for message in ("Choose a consent", "Enter the title", "Enter the wording"):
        assert message in html
    assert ConsentWording.objects.count() == 3
    # Confirming an invalid form publishes nothing either.
    client.post(reverse("consents:wording_new"), {"purpose": "photographs", "title": "", "confirm": "publish"})
    assert ConsentWording.objects.count() == 3
