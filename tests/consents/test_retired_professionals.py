"""A retired professional (or one in a retired agency) stays on old consents, disclosures and requests, but no
consent page offers them for a new one, and no consent service records them, so a forged form cannot either.
Also: consent wordings are published by administrators only; coordinators read them.
"""

import datetime
import re
from typing import Any

import pytest
from django.urls import reverse
from django.utils import timezone

from consents import services
from consents.models import AgencyRequest, Category, Consent, ConsentWording, Disclosure, DisclosureBasis, Purpose
from families import services as family_services
from families.models import MemberKind, Professional
from homestart.exceptions import ActionNotAllowed
from tests.conftest import make_family
from tests.consents.conftest import add_gp, signed_information_consent

TODAY = timezone.localdate
IN_A_YEAR = datetime.timedelta(days=365)


def _retire(world: Any, professional: Professional, how: str) -> Professional:
    if how == "professional":
        family_services.professional_retire(professional=professional, actor=world.coordinator)
    else:
        family_services.agency_retire(agency=professional.agency, actor=world.administrator)
    return Professional.objects.select_related("agency").get(pk=professional.pk)


def _offered(html: str, name: str) -> set[str]:
    """The values a form's chooser offers: a select's options or a checkbox list's boxes, by the field's name."""
    select = re.search(rf'<select name="{name}"[^>]*>(.*?)</select>', html, re.S)
    if select:
        return set(re.findall(r'<option value="(\d+)"', select.group(1)))
    return set(re.findall(rf'name="{name}"[^>]*value="(\d+)"', html))


def _counts() -> tuple[int, int, int]:
    return Consent.objects.count(), Disclosure.objects.count(), AgencyRequest.objects.count()


RETIRE = pytest.mark.parametrize("how", ["professional", "agency"])


# Services ---------------------------------------------------------------------------------------------------------


@RETIRE
def test_consent_request_refuses_a_retired_recipient(consent_world: Any, how: str) -> None:
    world = consent_world
    helen = _retire(world, world.health_visitor, how)
    before = _counts()

    with pytest.raises(ActionNotAllowed, match="Helen Price .* is retired from the directory"):
        services.consent_request(
            family=world.family,
            purpose=Purpose.INFORMATION_EXCHANGE,
            signer=world.family.members.get(kind=MemberKind.ADULT),
            recipients=[add_gp(world), helen],
            categories=[Category.SUPPORT_STATUS],
            review_on=TODAY() + IN_A_YEAR,
            actor=world.coordinator,
        )
    assert _counts() == before


@RETIRE
def test_disclosure_and_decision_refuse_a_retired_recipient_even_under_a_consent_naming_them(
    consent_world: Any, how: str
) -> None:
    world = consent_world
    consent = signed_information_consent(world)  # names Helen Price, signed before she was retired
    helen = _retire(world, world.health_visitor, how)
    before = _counts()

    with pytest.raises(ActionNotAllowed, match="retired from the directory"):
        services.disclosure_record(
            family=world.family,
            recipient=helen,
            categories=[Category.SUPPORT_STATUS],
            summary="Support continues.",
            method="phone",
            disclosed_on=TODAY(),
            basis=DisclosureBasis.CONSENT,
            consent=consent,
            actor=world.coordinator,
        )
    with pytest.raises(ActionNotAllowed, match="retired from the directory"):
        services.disclosure_decline(
            family=world.family,
            recipient=helen,
            categories=[Category.SUPPORT_STATUS],
            reason="No consent for this.",
            decided_on=TODAY(),
            actor=world.coordinator,
        )
    assert _counts() == before
    consent.refresh_from_db()
    assert list(consent.recipients.all()) == [helen]  # the old consent keeps her


@RETIRE
def test_agency_request_refuses_a_retired_requester(consent_world: Any, how: str) -> None:
    world = consent_world
    gp = _retire(world, add_gp(world), how)
    before = _counts()

    with pytest.raises(ActionNotAllowed, match="Dr Amir Khan .* is retired from the directory"):
        services.agency_request_receive(
            requester=gp,
            received_on=TODAY(),
            purpose="Planning clinics.",
            categories=[Category.SUPPORT_STATUS],
            identifying=False,
            family=None,
            due_on=TODAY() + datetime.timedelta(days=14),
            actor=world.coordinator,
        )
    assert _counts() == before


def test_asking_a_family_for_a_requester_who_has_since_retired_is_refused(consent_world: Any) -> None:
    world = consent_world
    gp = add_gp(world)
    request = services.agency_request_receive(
        requester=gp,
        received_on=TODAY(),
        purpose="To invite the family to a group.",
        categories=[Category.CONTACT_DETAILS],
        identifying=True,
        family=world.family,
        due_on=TODAY() + datetime.timedelta(days=14),
        actor=world.coordinator,
    )
    _retire(world, gp, "professional")

    with pytest.raises(ActionNotAllowed, match="retired from the directory"):
        services.agency_request_ask_family(
            request=request,
            signer=world.family.members.get(kind=MemberKind.ADULT),
            review_on=TODAY() + IN_A_YEAR,
            actor=world.coordinator,
        )
    request.refresh_from_db()
    assert request.status == "received" and not Consent.objects.filter(agency_request=request).exists()


def test_support_agreed_notices_skip_a_retired_health_visitor(consent_world: Any) -> None:
    world = consent_world
    signed_information_consent(world, recipients=[world.health_visitor])
    _retire(world, world.health_visitor, "professional")

    with pytest.raises(ActionNotAllowed, match="retired from the directory"):
        services.support_agreed_notices_send(family=world.family, method="letter", actor=world.coordinator)
    assert not Disclosure.objects.filter(family=world.family).exists()


def test_support_agreed_notices_go_to_the_active_one_only(consent_world: Any) -> None:
    world = consent_world
    gp = add_gp(world)
    # Referred by Helen, who has since left; the GP is the other professional the family agreed to tell.
    world.family = make_family(
        world.coordinator, "Nowak", volunteer=world.volunteer, referrer=world.health_visitor, health_visitor=gp
    )
    signed_information_consent(world, recipients=[world.health_visitor, gp])
    _retire(world, world.health_visitor, "professional")

    sent = services.support_agreed_notices_send(family=world.family, method="letter", actor=world.coordinator)

    assert [disclosure.recipient for _letter, _document, disclosure in sent] == [gp]


# The pages' choosers ----------------------------------------------------------------------------------------------


@RETIRE
def test_consent_request_page_offers_no_retired_recipient_and_refuses_a_forged_one(
    client: Any, consent_world: Any, how: str
) -> None:
    world = consent_world
    gp = add_gp(world)
    helen = _retire(world, world.health_visitor, how)
    client.force_login(world.coordinator)
    url = reverse("consents:consent_new", args=[world.family.pk])

    page = client.get(url).content.decode()
    assert _offered(page, "recipients") == {str(gp.pk)} and "Helen Price" not in page
    before = _counts()
    response = client.post(
        url,
        {
            "signer": world.family.members.get(kind=MemberKind.ADULT).pk,
            "recipients": [helen.pk],
            "categories": [Category.SUPPORT_STATUS],
            "review_on": (TODAY() + IN_A_YEAR).isoformat(),
        },
    )
    assert response.status_code == 200 and "Choose people from the list" in response.content.decode()
    assert _counts() == before


@RETIRE
@pytest.mark.parametrize("route", ["consents:disclosure_new", "consents:decision_new"])
def test_disclosure_and_decision_pages_offer_no_retired_recipient(
    client: Any, consent_world: Any, route: str, how: str
) -> None:
    world = consent_world
    consent = signed_information_consent(world)
    gp = add_gp(world)
    helen = _retire(world, world.health_visitor, how)
    client.force_login(world.coordinator)
    url = reverse(route, args=[world.family.pk])

    page = client.get(url).content.decode()
    assert _offered(page, "recipient") == {str(gp.pk)}
    before = _counts()
    response = client.post(
        url,
        {
            "recipient": helen.pk,
            "categories": [Category.SUPPORT_STATUS],
            "summary": "Support continues.",
            "reason": "No consent for this.",
            "method": "phone",
            "disclosed_on": TODAY().isoformat(),
            "decided_on": TODAY().isoformat(),
            "basis": "consent",
            "consent": consent.pk,
        },
    )
    assert response.status_code == 200 and "Choose a person from the list" in response.content.decode()
    assert _counts() == before


@RETIRE
def test_agency_request_page_offers_no_retired_requester(client: Any, consent_world: Any, how: str) -> None:
    world = consent_world
    gp = add_gp(world)
    helen = _retire(world, world.health_visitor, how)
    client.force_login(world.coordinator)
    url = reverse("consents:request_new")

    page = client.get(url).content.decode()
    assert _offered(page, "requester") == {str(gp.pk)}
    before = _counts()
    response = client.post(
        url,
        {
            "requester": helen.pk,
            "received_on": TODAY().isoformat(),
            "purpose": "Planning clinics.",
            "categories": [Category.SUPPORT_STATUS],
            "identifying": "no",
            "due_on": (TODAY() + datetime.timedelta(days=14)).isoformat(),
        },
    )
    assert response.status_code == 200 and "Choose someone from the directory" in response.content.decode()
    assert _counts() == before


def test_old_records_show_the_retired_professional_with_a_tag(client: Any, consent_world: Any) -> None:
    world = consent_world
    consent = signed_information_consent(world)
    services.disclosure_record(
        family=world.family,
        recipient=world.health_visitor,
        categories=[Category.SUPPORT_STATUS],
        summary="Support continues.",
        method="phone",
        disclosed_on=TODAY(),
        basis=DisclosureBasis.CONSENT,
        consent=consent,
        actor=world.coordinator,
    )
    _retire(world, world.health_visitor, "professional")
    client.force_login(world.coordinator)

    for url in (
        reverse("consents:consent_detail", args=[consent.pk]),
        reverse("consents:family_register", args=[world.family.pk]),
    ):
        html = client.get(url).content.decode()
        assert "Helen Price" in html and 'tag--ended">Retired</strong>' in html, url


# Wordings: published by administrators only -----------------------------------------------------------------------


@pytest.mark.parametrize("who", ["coordinator", "dsl", "volunteer", "other_coordinator"])
def test_only_an_administrator_of_the_scheme_publishes_a_wording(consent_world: Any, who: str) -> None:
    world = consent_world
    versions = ConsentWording.objects.count()
    with pytest.raises(ActionNotAllowed, match="Only an administrator of this scheme can publish wordings"):
        services.wording_publish(
            scheme=world.scheme,
            purpose=Purpose.PHOTOGRAPHS,
            title="Photos",
            body="New words.",
            actor=getattr(world, who),
        )
    assert ConsentWording.objects.count() == versions

    published = services.wording_publish(
        scheme=world.scheme, purpose=Purpose.PHOTOGRAPHS, title="Photos", body="New words.", actor=world.administrator
    )
    assert published.version == 2 and published.published_by == world.administrator


def test_coordinators_read_wordings_but_have_no_way_to_publish(client: Any, consent_world: Any) -> None:
    world = consent_world
    client.force_login(world.coordinator)
    html = client.get(reverse("consents:wordings")).content.decode()
    assert "In use: version 1" in html
    assert reverse("consents:wording_new") not in html
    assert client.get(reverse("consents:wording_new")).status_code == 404
    response = client.post(
        reverse("consents:wording_new"),
        {"purpose": Purpose.PHOTOGRAPHS, "title": "Photos", "body": "New words.", "confirm": "publish"},
    )
    assert response.status_code == 404
    assert ConsentWording.objects.filter(scheme=world.scheme, purpose=Purpose.PHOTOGRAPHS).count() == 1


def test_an_administrator_publishes_from_the_page(client: Any, consent_world: Any) -> None:
    world = consent_world
    client.force_login(world.administrator)
    assert reverse("consents:wording_new") in client.get(reverse("consents:wordings")).content.decode()
    response = client.post(
        reverse("consents:wording_new"),
        {"purpose": Purpose.PHOTOGRAPHS, "title": "Photos", "body": "New words.", "confirm": "publish"},
    )
    assert response["Location"] == reverse("consents:wordings")
    assert ConsentWording.objects.filter(scheme=world.scheme, purpose=Purpose.PHOTOGRAPHS).count() == 2
