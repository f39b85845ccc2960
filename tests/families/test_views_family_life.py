"""The pages of a family's changing life: each takes good input to its service, turns bad input into a message that
changes nothing, and tells the coordinator what happened. Plus the search that keeps names out of URLs, the
warning at intake about a family the scheme already knows, and phone links."""

import datetime
import re
from html import unescape
from typing import Any
from urllib.parse import unquote, urljoin

from django.urls import reverse
from django.utils import timezone

from families import services
from families.models import AgencyKind, Family, FamilyStatus, HouseholdMember, MemberKind, Professional, Referral
from tests.conftest import make_family

TODAY = timezone.localdate


def _page(client: Any, url: str) -> str:
    response = client.get(url)
    assert response.status_code == 200, url
    return response.content.decode()


def _detail(world: Any) -> str:
    return reverse("families:detail", args=[world.family.pk])


def _banner(client: Any, response: Any) -> str:
    assert response.status_code == 302, response.content.decode()[:2000]
    return _page(client, response["Location"])


# --- The family page -------------------------------------------------------------------------------------------


def test_the_family_page_offers_change_beside_each_detail_to_the_coordinator_only(client: Any, world: Any) -> None:
    client.force_login(world.coordinator)
    html = _page(client, _detail(world))
    for route, label in [
        ("families:edit", "address"),
        ("families:edit", "phone number"),
        ("families:edit", "preferred language"),
        ("families:health_visitor", "health visitor"),
        ("families:coordinator_change", "lead coordinator"),
    ]:
        assert f'href="{reverse(route, args=[world.family.pk])}">Change<span class="visually-hidden"> {label}' in html
    assert reverse("families:member_add", args=[world.family.pk]) in html

    client.force_login(world.volunteer)
    html = _page(client, _detail(world))
    assert reverse("families:edit", args=[world.family.pk]) not in html
    assert reverse("families:member_add", args=[world.family.pk]) not in html


def test_phone_numbers_link_without_spaces(client: Any, world: Any) -> None:
    services.family_update_details(
        family=world.family, address="1 Test Road", postcode="PO2 7QA", phone="07700 900108",
        preferred_language="English", actor=world.coordinator,
    )  # fmt: skip
    client.force_login(world.coordinator)
    html = _page(client, _detail(world))
    assert '<a href="tel:07700900108">07700 900108</a>' in html
    assert not re.search(r'href="tel:[^"]*\s', html)


def test_a_move_with_a_new_health_visitor_is_recorded_from_the_pages(client: Any, world: Any) -> None:
    client.force_login(world.coordinator)
    edit = reverse("families:edit", args=[world.family.pk])
    assert "1 Test Road" in _page(client, edit)  # the form starts from what is on record
    refused = client.post(edit, {"address": "", "postcode": "nowhere", "phone": "", "preferred_language": "English"})
    assert refused.status_code == 200
    text = refused.content.decode()
    assert "Enter the family&#x27;s address" in text and "Enter a real postcode" in text
    assert Family.objects.get(pk=world.family.pk).postcode == "PO2 7QA"

    response = client.post(
        edit,
        {"address": "22 Harbour View\nGosport", "postcode": "po12 1aa", "phone": "", "preferred_language": "English"},
    )
    html = _banner(client, response)
    assert "details have been updated" in html and "change it too" in html
    assert "22 Harbour View" in html and "PO12 1AA" in html

    hannah = services.professional_add(
        scheme=world.scheme, agency_name="Gosport Health Visitors", agency_kind=AgencyKind.HEALTH_VISITING,
        name="Hannah Cole", role="Health visitor", actor=world.coordinator,
    )  # fmt: skip
    retired = services.professional_add(
        scheme=world.scheme, agency_name="Gosport Health Visitors", agency_kind=AgencyKind.HEALTH_VISITING,
        name="Rita Gone", role="Health visitor", actor=world.coordinator,
    )  # fmt: skip
    services.professional_retire(professional=retired, actor=world.coordinator)
    page = reverse("families:health_visitor", args=[world.family.pk])
    form = _page(client, page)
    assert "Hannah Cole" in form and "Rita Gone" not in form
    assert client.post(page, {"health_visitor": str(retired.pk)}).status_code == 200  # not a valid choice
    assert Family.objects.get(pk=world.family.pk).health_visitor is None
    html = _banner(client, client.post(page, {"health_visitor": str(hannah.pk)}))
    assert "Hannah Cole is now the family&#x27;s health visitor" in html
    assert Family.objects.get(pk=world.family.pk).health_visitor == hannah


# --- The household ---------------------------------------------------------------------------------------------


def test_a_baby_is_expected_born_and_someone_leaves_and_the_page_shows_the_history(client: Any, world: Any) -> None:
    client.force_login(world.coordinator)
    due = TODAY() + datetime.timedelta(days=30)
    add = reverse("families:member_add", args=[world.family.pk])
    refused = client.post(add, {"kind": "child", "first_name": "Baby", "last_name": "Okafor"})
    assert refused.status_code == 200 and "Enter the child" in refused.content.decode()
    html = _banner(
        client,
        client.post(add, {"kind": "child", "first_name": "Baby", "last_name": "Okafor",
                          "relationship": "expected baby", "expected_due_date": due.isoformat()}),
    )  # fmt: skip
    assert "Record the birth" in html and "Not born yet" in html
    baby = HouseholdMember.objects.get(family=world.family, first_name="Baby")

    born = reverse("families:member_born", args=[world.family.pk, baby.pk])
    assert due.isoformat() in _page(client, born)  # the due date is offered as the date of birth
    html = _banner(
        client,
        client.post(born, {"date_of_birth": TODAY().isoformat(), "first_name": "Ada", "relationship": "daughter"}),
    )
    assert "Ada Okafor&#x27;s birth on" in html and "Not born yet" not in html
    baby.refresh_from_db()
    assert (baby.first_name, baby.date_of_birth, baby.expected_due_date) == ("Ada", TODAY(), None)

    mother = HouseholdMember.objects.get(family=world.family, kind=MemberKind.ADULT)
    left = reverse("families:member_left", args=[world.family.pk, mother.pk])
    assert "never deleted" in _page(client, left)
    html = _banner(client, client.post(left, {"left_on": TODAY().isoformat()}))
    assert "No longer in the household" in html
    former = html[html.index('id="former-household"') :]
    assert "Grace Okafor" in former and "Ada Okafor" not in former
    assert HouseholdMember.objects.filter(pk=mother.pk, left_on=TODAY()).exists()
    assert "already recorded as having left" in _page(client, left)


def test_a_member_of_another_family_cannot_be_opened_through_this_one(client: Any, world: Any) -> None:
    other = make_family(world.coordinator, "Nowak", postcode="PO3 5DD")
    theirs = other.members.get(kind=MemberKind.CHILD)
    client.force_login(world.coordinator)
    for route in ("families:member_edit", "families:member_born", "families:member_left"):
        assert client.get(reverse(route, args=[world.family.pk, theirs.pk])).status_code == 404
        assert (
            client.post(reverse(route, args=[world.family.pk, theirs.pk]), {"left_on": "2024-01-01"}).status_code == 404
        )
    assert HouseholdMember.objects.get(pk=theirs.pk).left_on is None


# --- Coming back -----------------------------------------------------------------------------------------------


def test_an_ended_family_is_referred_again_and_the_page_shows_their_support_history(client: Any, world: Any) -> None:
    services.family_end_support(
        family=world.family, ended_on=TODAY() - datetime.timedelta(days=3), reason="Goals reached.",
        actor=world.coordinator,
    )  # fmt: skip
    client.force_login(world.coordinator)
    html = _page(client, _detail(world))
    rerefer = reverse("families:rerefer", args=[world.family.pk])
    assert rerefer in html and "Refer the family again" in html
    assert 'id="history-heading"' not in html  # one referral: nothing earlier to show yet

    refused = client.post(rerefer, {"referrer": "", "date_received": TODAY().isoformat(), "reasons": ""})
    assert refused.status_code == 200 and Referral.objects.filter(family=world.family).count() == 1
    hv = Professional.objects.get(name="Helen Price")
    response = client.post(
        rerefer, {"referrer": str(hv.pk), "date_received": TODAY().isoformat(), "reasons": "Second baby due."}
    )
    referral = Referral.objects.filter(family=world.family).first()
    assert response["Location"] == reverse("families:referral_decide", args=[referral.pk])
    assert "referred again, with the same reference" in _page(client, response["Location"])
    family = Family.objects.get(pk=world.family.pk)
    assert family.status == FamilyStatus.REFERRED

    html = _page(client, _detail(world))
    assert "Decide the referral" in html and "Refer the family again" not in html
    history = html[html.index('id="history-heading"') :]
    assert "Second baby due." not in history  # reasons stay in the referral section
    assert "Goals reached." in history and "Volunteer Tester" in history
    assert "Current referral" in html and "Last supported" in html


def test_a_supported_family_cannot_be_referred_again(client: Any, world: Any) -> None:
    client.force_login(world.coordinator)
    rerefer = reverse("families:rerefer", args=[world.family.pk])
    assert "once their support has ended" in _page(client, rerefer)
    response = client.post(rerefer, {"referrer": "", "date_received": TODAY().isoformat(), "reasons": "Again."})
    assert response.status_code == 200 and "Only a family whose support has ended" in response.content.decode()
    assert Referral.objects.filter(family=world.family).count() == 1


# --- Intake: a family the scheme already knows ----------------------------------------------------------------


def _referral_post(**overrides: Any) -> dict[str, Any]:
    data = {
        "family_name": "okafor",
        "address": "1 Test Road\nPortsmouth",
        "postcode": "po27qa",
        "phone": "",
        "preferred_language": "English",
        "referrer": "",
        "health_visitor": "",
        "date_received": TODAY().isoformat(),
        "reasons": "Isolated.",
        "members-TOTAL_FORMS": "1",
        "members-INITIAL_FORMS": "0",
        "members-MIN_NUM_FORMS": "0",
        "members-MAX_NUM_FORMS": "8",
        "members-0-kind": "adult",
        "members-0-first_name": "Grace",
    }
    data.update(overrides)
    return data


def test_intake_warns_about_a_known_family_and_offers_to_refer_them_again(client: Any, world: Any) -> None:
    services.family_end_support(family=world.family, ended_on=TODAY(), reason="Done.", actor=world.coordinator)
    client.force_login(world.coordinator)
    families = Family.objects.count()
    response = client.post(reverse("families:referral_new"), _referral_post())
    assert response.status_code == 200
    html = response.content.decode()
    assert "This may be a family the scheme already knows" in html and "Same surname and postcode" in html
    assert reverse("families:rerefer", args=[world.family.pk]) in html
    assert 'name="different_family"' in html and 'value="Isolated."' not in html  # the form keeps what was typed
    assert "Isolated." in html
    assert Family.objects.count() == families

    response = client.post(reverse("families:referral_new"), _referral_post(different_family="on"))
    assert response.status_code == 302
    assert Family.objects.count() == families + 1


def test_intake_matches_a_child_by_first_name_and_date_of_birth(client: Any, world: Any) -> None:
    child = world.family.members.get(kind=MemberKind.CHILD)
    client.force_login(world.coordinator)
    response = client.post(
        reverse("families:referral_new"),
        _referral_post(
            family_name="Bello", postcode="PO9 1AA", **{"members-TOTAL_FORMS": "2", "members-1-kind": "child",
            "members-1-first_name": "tobi", "members-1-date_of_birth": child.date_of_birth.isoformat()},
        ),
    )  # fmt: skip
    html = response.content.decode()
    assert response.status_code == 200 and "a child with the same first name and date of birth" in html
    assert reverse("families:detail", args=[world.family.pk]) in html  # still supported: open them, not re-refer
    assert not Family.objects.filter(family_name="Bello").exists()


def test_intake_never_shows_a_family_of_another_scheme(client: Any, world: Any) -> None:
    sentinel = make_family(world.other_coordinator, "Zanzibarsentinel", postcode="PO2 7QA")
    child = sentinel.members.get(kind=MemberKind.CHILD)
    client.force_login(world.coordinator)
    response = client.post(
        reverse("families:referral_new"),
        _referral_post(
            family_name="Zanzibarsentinel", **{"members-TOTAL_FORMS": "2", "members-1-kind": "child",
            "members-1-first_name": "Tobi", "members-1-date_of_birth": child.date_of_birth.isoformat()},
        ),
    )  # fmt: skip
    # Our own Okafor family has a Tobi born the same day, so a warning shows: but never the other scheme's family.
    html = response.content.decode()
    warning = html[html.index("This may be") : html.index("</div>", html.index("This may be"))]
    assert "Zanzibarsentinel family" not in warning and sentinel.reference not in html
    assert reverse("families:detail", args=[sentinel.pk]) not in html
    assert reverse("families:rerefer", args=[sentinel.pk]) not in html


# --- The search keeps names and postcodes out of URLs (SECURITY 13) ---------------------------------------------

URL_ATTRIBUTES = re.compile(r'(?:href|action|src|formaction)="([^"]*)"')


def _urls_in(response: Any) -> list[str]:
    urls = [unquote(unescape(url)) for url in URL_ATTRIBUTES.findall(response.content.decode())]
    urls += [unquote(url) for url, _status in getattr(response, "redirect_chain", [])]
    if response.has_header("Location"):
        urls.append(unquote(response["Location"]))
    return urls


def test_search_words_never_appear_in_any_url_even_across_pages(client: Any, world: Any) -> None:
    for i in range(52):
        make_family(world.coordinator, f"Quillfeather{i:02d}", accept=False, postcode="PO4 8QQ")
    client.force_login(world.coordinator)
    for query in ("Quillfeather", "PO4 8QQ", "po48qq"):
        posted = client.post(reverse("families:list"), {"q": query})
        assert posted.status_code == 302
        assert query.lower() not in unquote(posted["Location"]).lower()
        results = client.get(posted["Location"])
        html = results.content.decode()
        assert "Families matching" in html and "Page 1 of 2" in html
        urls = _urls_in(results)
        assert any("page=2" in url for url in urls), "the results have a second page"
        words = {query.lower(), "quillfeather", "po4", "8qq", "po48qq"}
        for url in urls:
            assert not any(word in url.lower().replace(" ", "") for word in words), url
        second = client.get(urljoin(reverse("families:list"), next(url for url in urls if "page=2" in url)))
        assert "Page 2 of 2" in second.content.decode() and "Quillfeather" in second.content.decode()
        for url in _urls_in(second):
            assert "quillfeather" not in url.lower() and "po4" not in url.lower(), url
    # The search form posts, with its CSRF token.
    form = _page(client, reverse("families:list"))
    assert '<form method="post" action="/families/" class="search"' in form
    assert 'name="csrfmiddlewaretoken"' in form


def test_a_search_by_get_is_not_a_search(client: Any, world: Any) -> None:
    client.force_login(world.coordinator)
    html = _page(client, reverse("families:list") + "?q=Okafor")
    assert "Families matching" not in html and "My families" in html


def test_an_empty_search_shows_my_families_again(client: Any, world: Any) -> None:
    client.force_login(world.coordinator)
    client.post(reverse("families:list"), {"q": "Okafor"})
    html = _page(client, reverse("families:list") + "?show=results")
    assert "Families matching" in html
    response = client.post(reverse("families:list"), {"q": "  "})
    assert response["Location"] == reverse("families:list")
    assert "Families matching" not in _page(client, reverse("families:list") + "?show=results")
