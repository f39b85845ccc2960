"""The agency directory: coordinators and administrators of a scheme list, search, change and retire (never delete)
its agencies and professionals; a retired professional stays on old records but cannot be chosen for new ones, and
the directory is the scheme's own.
"""

from typing import Any

import pytest
from django.contrib.contenttypes.models import ContentType
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from families import selectors, services
from families.audit import FamilyAuditEvent
from families.models import Agency, AgencyKind, Family, Professional, Referral
from homestart.exceptions import ActionNotAllowed
from homestart.models import AuditEntry
from tests.conftest import make_family

TODAY = timezone.localdate


def _add(world: Any, name: str, agency: str = "Lake Road GP Practice", *, scheme: Any = None, actor: Any = None) -> Any:
    return services.professional_add(
        scheme=scheme or world.scheme,
        agency_name=agency,
        agency_kind=AgencyKind.GP,
        name=name,
        role="GP",
        actor=actor or world.coordinator,
    )


def _helen(world: Any) -> Professional:
    return Professional.objects.select_related("agency").get(agency__scheme=world.scheme, name="Helen Price")


def _changes(instance: Any, event: str) -> list[dict[str, Any]]:
    """The changes audited about ``instance`` under the service's event."""
    entries = AuditEntry.objects.filter(
        content_type=ContentType.objects.get_for_model(type(instance)),
        object_pk=str(instance.pk),
        action=AuditEntry.Action.UPDATE,
        event=event,
    )
    return [entry.changes_dict for entry in entries]


def _referral_post(**overrides: Any) -> dict[str, Any]:
    data = {
        "family_name": "Nowak",
        "address": "2 Test Road",
        "postcode": "PO1 2AB",
        "phone": "",
        "preferred_language": "English",
        "referrer": "",
        "health_visitor": "",
        "date_received": TODAY().isoformat(),
        "reasons": "Twins and no family nearby.",
        "members-TOTAL_FORMS": "8",
        "members-INITIAL_FORMS": "0",
        "members-MIN_NUM_FORMS": "0",
        "members-MAX_NUM_FORMS": "8",
        "members-0-kind": "adult",
        "members-0-first_name": "Ada",
    }
    data.update(overrides)
    return data


# Services ---------------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("who", ["coordinator", "dsl", "administrator"])
def test_coordinators_and_administrators_of_the_scheme_add_professionals(world: Any, who: str) -> None:
    professional = _add(world, "Dr Amir Khan", actor=getattr(world, who))

    assert professional.agency.scheme == world.scheme and professional.agency.name == "Lake Road GP Practice"
    assert AuditEntry.objects.filter(
        content_type=ContentType.objects.get_for_model(Professional),
        object_pk=str(professional.pk),
        action=AuditEntry.Action.CREATE,
        event=FamilyAuditEvent.PROFESSIONAL_ADDED,
        actor=getattr(world, who),
    ).exists()
    assert AuditEntry.objects.filter(
        content_type=ContentType.objects.get_for_model(Agency),
        object_pk=str(professional.agency_id),
        action=AuditEntry.Action.CREATE,
        event=FamilyAuditEvent.AGENCY_ADDED,
    ).exists()


@pytest.mark.parametrize("who", ["volunteer", "other_coordinator"])
def test_nobody_else_changes_the_directory(world: Any, who: str) -> None:
    helen = _helen(world)
    actor = getattr(world, who)
    calls = [
        lambda: _add(world, "Dr Amir Khan", actor=actor),
        lambda: services.agency_update(agency=helen.agency, name="Renamed", kind=AgencyKind.OTHER, actor=actor),
        lambda: services.agency_retire(agency=helen.agency, actor=actor),
        lambda: services.professional_update(
            professional=helen, name="Renamed", role="HV", agency=helen.agency, actor=actor
        ),
        lambda: services.professional_retire(professional=helen, actor=actor),
    ]
    for call in calls:
        with pytest.raises(ActionNotAllowed, match="coordinator or an administrator of this scheme"):
            call()
    helen = _helen(world)
    assert (helen.name, helen.agency.name, helen.retired_on, helen.agency.retired_on) == (
        "Helen Price",
        "North Health Visiting Team",
        None,
        None,
    )
    assert not Professional.objects.filter(name="Dr Amir Khan").exists()


def test_an_administrator_of_another_scheme_cannot_change_this_one(world: Any) -> None:
    from homestart.models import Role
    from tests.conftest import make_user

    other_admin = make_user(world.other_scheme, "otheradmin", Role.ADMINISTRATOR)
    with pytest.raises(ActionNotAllowed):
        services.professional_retire(professional=_helen(world), actor=other_admin)
    with pytest.raises(ActionNotAllowed):
        _add(world, "Dr Amir Khan", actor=other_admin)
    assert _helen(world).retired_on is None


def test_agency_update_corrects_details_audited_and_refuses_a_name_already_taken(world: Any) -> None:
    agency = _helen(world).agency
    _add(world, "Dr Amir Khan")

    updated = services.agency_update(
        agency=agency,
        name="  North Health Visiting Service ",
        kind=AgencyKind.HEALTH_VISITING,
        email="hv.north@nhs.example",
        phone="023 9200 1111",
        address="Civic Offices\nPortsmouth",
        actor=world.administrator,
    )

    assert updated.name == "North Health Visiting Service" and updated.phone == "023 9200 1111"
    assert any("name" in change and "phone" in change for change in _changes(agency, FamilyAuditEvent.AGENCY_CHANGED))
    with pytest.raises(ActionNotAllowed, match="already has an agency called lake road gp practice"):
        services.agency_update(agency=agency, name="lake road gp practice", kind=AgencyKind.GP, actor=world.coordinator)
    assert Agency.objects.get(pk=agency.pk).name == "North Health Visiting Service"


def test_professional_update_moves_them_to_an_active_agency_only(world: Any) -> None:
    helen = _helen(world)
    gp = _add(world, "Dr Amir Khan")
    retired = _add(world, "Sam Old", agency="Closed Clinic")
    services.agency_retire(agency=retired.agency, actor=world.coordinator)
    theirs = _add(world, "Dr Far", agency="Far Team", scheme=world.other_scheme, actor=world.other_coordinator)

    moved = services.professional_update(
        professional=helen,
        name="Helen Price-Jones",
        role="Health visitor",
        agency=gp.agency,
        email=" helen@nhs.example ",
        actor=world.coordinator,
    )
    assert (moved.name, moved.agency, moved.email) == ("Helen Price-Jones", gp.agency, "helen@nhs.example")
    assert _changes(helen, FamilyAuditEvent.PROFESSIONAL_CHANGED), "the change is in the audit log"
    for agency, message in [(retired.agency, "Closed Clinic is retired"), (theirs.agency, "this scheme's directory")]:
        with pytest.raises(ActionNotAllowed, match=message):
            services.professional_update(
                professional=moved, name=moved.name, role=moved.role, agency=agency, actor=world.coordinator
            )
    assert Professional.objects.get(pk=helen.pk).agency == gp.agency


def test_retiring_never_deletes_and_is_audited(world: Any) -> None:
    helen = _helen(world)
    family = make_family(world.coordinator, "Nowak", referrer=helen, health_visitor=helen)

    retired = services.professional_retire(professional=helen, actor=world.administrator)

    assert retired.retired_on == TODAY() and retired.is_retired
    assert Professional.objects.filter(pk=helen.pk).exists()
    family = Family.objects.get(pk=family.pk)
    assert family.health_visitor == helen  # old records keep them
    assert Referral.objects.get(family=family).referrer == helen
    assert any("retired_on" in change for change in _changes(helen, FamilyAuditEvent.PROFESSIONAL_RETIRED))
    with pytest.raises(ActionNotAllowed, match="already retired"):
        services.professional_retire(professional=helen, actor=world.coordinator)


def test_a_retired_agency_retires_its_people_for_choosing_and_takes_nobody_new(world: Any) -> None:
    helen = _helen(world)
    services.agency_retire(agency=helen.agency, actor=world.coordinator)

    helen = _helen(world)
    assert helen.retired_on is None and helen.is_retired
    assert helen not in selectors.choosable_professionals(world.scheme.pk)
    with pytest.raises(ActionNotAllowed, match="is retired from the directory, so nobody can be added to it"):
        _add(world, "New Person", agency="NORTH health visiting team")
    with pytest.raises(ActionNotAllowed, match="already retired"):
        services.agency_retire(agency=helen.agency, actor=world.coordinator)
    assert any("retired_on" in change for change in _changes(helen.agency, FamilyAuditEvent.AGENCY_RETIRED))


@pytest.mark.parametrize("retire", ["professional", "agency"])
@pytest.mark.parametrize("field", ["referrer", "health_visitor"])
def test_referral_receive_refuses_a_retired_professional(world: Any, retire: str, field: str) -> None:
    helen = _helen(world)
    if retire == "professional":
        services.professional_retire(professional=helen, actor=world.coordinator)
    else:
        services.agency_retire(agency=helen.agency, actor=world.coordinator)
    families = Family.objects.count()

    with pytest.raises(ActionNotAllowed, match="Helen Price .* is retired from the directory"):
        services.referral_receive(
            actor=world.coordinator,
            family_name="Nowak",
            address="2 Test Road",
            postcode="PO1 2AB",
            referrer=helen if field == "referrer" else None,
            health_visitor=helen if field == "health_visitor" else None,
            date_received=TODAY(),
            reasons="Twins.",
        )
    assert Family.objects.count() == families


def test_a_professional_retired_after_the_page_was_loaded_is_refused(world: Any) -> None:
    """The check reads the directory again, so a stale object (a page loaded before retirement) cannot slip by."""
    stale = _helen(world)
    services.professional_retire(professional=_helen(world), actor=world.coordinator)
    assert stale.retired_on is None

    with pytest.raises(ActionNotAllowed, match="retired"):
        services.check_professional_choosable(stale, scheme_id=world.scheme.pk)


def test_another_schemes_professional_is_never_choosable(world: Any) -> None:
    theirs = _add(world, "Dr Far", agency="Far Team", scheme=world.other_scheme, actor=world.other_coordinator)
    with pytest.raises(ActionNotAllowed, match="not in this scheme's directory"):
        services.check_professional_choosable(theirs, scheme_id=world.scheme.pk)


# Selectors --------------------------------------------------------------------------------------------------------


def test_directory_is_the_schemes_own_active_first_and_searchable(world: Any) -> None:
    _add(world, "Dr Amir Khan")
    closed = _add(world, "Sam Old", agency="Closed Clinic")
    services.agency_retire(agency=closed.agency, actor=world.coordinator)
    _add(world, "Dr Far", agency="Far Team", scheme=world.other_scheme, actor=world.other_coordinator)

    agencies = list(selectors.directory_for_user(world.administrator))
    assert [agency.name for agency in agencies] == [
        "Lake Road GP Practice",
        "North Health Visiting Team",
        "Closed Clinic",
    ]
    assert [person.name for person in agencies[1].listed] == ["Helen Price"]
    assert [a.name for a in selectors.directory_for_user(world.other_coordinator)] == ["Far Team"]
    assert not selectors.directory_for_user(world.volunteer).exists()

    found = list(selectors.directory_for_user(world.coordinator, "khan"))
    assert [(a.name, [p.name for p in a.listed]) for a in found] == [("Lake Road GP Practice", ["Dr Amir Khan"])]
    found = list(selectors.directory_for_user(world.coordinator, "north health"))
    assert [(a.name, [p.name for p in a.listed]) for a in found] == [("North Health Visiting Team", ["Helen Price"])]
    assert not selectors.directory_for_user(world.coordinator, "Dr Far").exists()


def test_every_chooser_offers_only_active_professionals_of_the_scheme(world: Any) -> None:
    helen = _helen(world)
    gp = _add(world, "Dr Amir Khan")
    closed = _add(world, "Sam Old", agency="Closed Clinic")
    services.agency_retire(agency=closed.agency, actor=world.coordinator)
    services.professional_retire(professional=helen, actor=world.coordinator)
    _add(world, "Dr Far", agency="Far Team", scheme=world.other_scheme, actor=world.other_coordinator)

    assert list(selectors.professionals_in_scheme(world.coordinator)) == [gp]


def test_directory_page_queries_do_not_grow_with_its_entries(client: Any, world: Any) -> None:
    client.force_login(world.coordinator)
    url = reverse("families:directory")
    client.get(url)

    def count() -> int:
        with CaptureQueriesContext(connection) as queries:
            assert client.get(url).status_code == 200
        return len(queries)

    few = count()
    for n in range(12):
        _add(world, f"Person {n}", agency=f"Agency {n % 4}")
    assert count() == few


# Pages ------------------------------------------------------------------------------------------------------------


DIRECTORY_ROUTES = [
    "families:agency_edit",
    "families:agency_retire",
    "families:professional_edit",
    "families:professional_retire",
]


def _entry_url(world: Any, route: str) -> str:
    helen = _helen(world)
    return reverse(route, args=[helen.agency_id if "agency" in route else helen.pk])


@pytest.mark.parametrize("route", ["families:directory", "families:professional_new", *DIRECTORY_ROUTES])
def test_anonymous_visitors_are_sent_to_sign_in(client: Any, world: Any, route: str) -> None:
    url = reverse(route) if route in ("families:directory", "families:professional_new") else _entry_url(world, route)
    responses = [client.get(url)] if route == "families:directory" else [client.get(url), client.post(url, {})]
    for response in responses:
        assert response.status_code == 302 and response["Location"].startswith(reverse("login"))
    assert _helen(world).retired_on is None


@pytest.mark.parametrize("who", ["volunteer", "other_coordinator"])
@pytest.mark.parametrize("route", DIRECTORY_ROUTES)
def test_wrong_users_get_404_and_change_nothing(client: Any, world: Any, route: str, who: str) -> None:
    client.force_login(getattr(world, who))
    url = _entry_url(world, route)
    assert client.get(url).status_code == 404
    assert client.post(url, {"name": "Hijacked", "role": "x", "kind": "gp"}).status_code == 404
    helen = _helen(world)
    assert (helen.name, helen.agency.name, helen.retired_on, helen.agency.retired_on) == (
        "Helen Price",
        "North Health Visiting Team",
        None,
        None,
    )


def test_a_volunteer_has_no_directory(client: Any, world: Any) -> None:
    client.force_login(world.volunteer)
    assert client.get(reverse("families:directory")).status_code == 404
    assert client.get(reverse("families:professional_new")).status_code == 404


@pytest.mark.parametrize("who", ["coordinator", "administrator"])
def test_directory_lists_the_schemes_entries_with_retired_tags(client: Any, world: Any, who: str) -> None:
    _add(world, "Dr Amir Khan")
    services.professional_retire(professional=_add(world, "Dr Gone"), actor=world.coordinator)
    _add(world, "Dr Far", agency="Far Team", scheme=world.other_scheme, actor=world.other_coordinator)
    client.force_login(getattr(world, who))

    html = client.get(reverse("families:directory")).content.decode()

    assert "Agency directory" in html
    assert "Helen Price" in html and "Dr Amir Khan" in html and "North Health Visiting Team" in html
    assert "Dr Gone" in html and "Retired</strong>" in html
    assert "Dr Far" not in html and "Far Team" not in html
    assert reverse("families:professional_edit", args=[_helen(world).pk]) in html


def test_directory_search_and_its_empty_states(client: Any, world: Any) -> None:
    client.force_login(world.coordinator)
    url = reverse("families:directory")

    html = client.get(url, {"q": "helen"}).content.decode()
    assert "Helen Price" in html and "Show the whole directory" in html
    html = client.get(url, {"q": "nobody-like-this"}).content.decode()
    assert "Nothing in your scheme's directory matches" in html
    services.agency_retire(agency=_helen(world).agency, actor=world.coordinator)
    client.force_login(world.other_coordinator)
    assert "The directory is empty" in client.get(url).content.decode()


def test_administrator_adds_a_professional_and_comes_back_to_the_directory(client: Any, world: Any) -> None:
    client.force_login(world.administrator)
    response = client.post(
        reverse("families:professional_new"),
        {"name": "Dr Amir Khan", "role": "GP", "agency_name": "Lake Road GP Practice", "agency_kind": "gp"},
    )
    assert response["Location"] == reverse("families:directory")
    assert "Dr Amir Khan has been added to the directory" in client.get(response["Location"]).content.decode()


def test_coordinator_from_the_referral_form_goes_back_to_it(client: Any, world: Any) -> None:
    client.force_login(world.coordinator)
    url = reverse("families:professional_new")
    assert 'name="back" value="referral"' in client.get(url, {"back": "referral"}).content.decode()
    response = client.post(
        url,
        {
            "name": "Dr Amir Khan",
            "role": "GP",
            "agency_name": "Lake Road GP Practice",
            "agency_kind": "gp",
            "back": "referral",
        },
    )
    assert response["Location"] == reverse("families:referral_new")


def test_adding_to_a_retired_agency_is_refused_on_the_page(client: Any, world: Any) -> None:
    services.agency_retire(agency=_helen(world).agency, actor=world.coordinator)
    client.force_login(world.coordinator)
    response = client.post(
        reverse("families:professional_new"),
        {
            "name": "New Person",
            "role": "HV",
            "agency_name": "North Health Visiting Team",
            "agency_kind": "health_visiting",
        },
    )
    assert response.status_code == 200
    assert "is retired from the directory, so nobody can be added to it" in response.content.decode()
    assert not Professional.objects.filter(name="New Person").exists()


@pytest.mark.parametrize("who", ["coordinator", "administrator"])
def test_editing_an_agency_and_a_professional(client: Any, world: Any, who: str) -> None:
    helen = _helen(world)
    client.force_login(getattr(world, who))

    page = client.get(reverse("families:agency_edit", args=[helen.agency_id])).content.decode()
    assert 'value="North Health Visiting Team"' in page
    response = client.post(
        reverse("families:agency_edit", args=[helen.agency_id]),
        {"name": "North HV Team", "kind": "health_visiting", "email": "", "phone": "023 9200 1111", "address": ""},
    )
    assert response["Location"] == reverse("families:directory")
    assert "North HV Team&#x27;s details are saved" in client.get(response["Location"]).content.decode()

    page = client.get(reverse("families:professional_edit", args=[helen.pk])).content.decode()
    assert 'value="Helen Price"' in page
    response = client.post(
        reverse("families:professional_edit", args=[helen.pk]),
        {"name": "Helen Price-Jones", "role": "Health visitor", "agency": helen.agency_id, "email": "", "phone": ""},
    )
    assert response.status_code == 302
    helen = _helen_by_pk(helen.pk)
    assert (helen.name, helen.agency.name, helen.agency.phone) == (
        "Helen Price-Jones",
        "North HV Team",
        "023 9200 1111",
    )


def _helen_by_pk(pk: int) -> Professional:
    return Professional.objects.select_related("agency").get(pk=pk)


def test_edit_forms_show_errors_and_keep_what_was_typed(client: Any, world: Any) -> None:
    helen = _helen(world)
    _add(world, "Dr Amir Khan")
    client.force_login(world.coordinator)
    response = client.post(
        reverse("families:agency_edit", args=[helen.agency_id]),
        {"name": "Lake Road GP Practice", "kind": "gp", "email": "", "phone": "", "address": "Kept address"},
    )
    html = response.content.decode()
    assert response.status_code == 200 and "There is a problem" in html
    assert "already has an agency called Lake Road GP Practice" in html and "Kept address" in html
    response = client.post(reverse("families:professional_edit", args=[helen.pk]), {"name": "", "role": "HV"})
    assert "Enter the full name" in response.content.decode()
    assert _helen(world).name == "Helen Price"


@pytest.mark.parametrize("who", ["coordinator", "administrator"])
def test_retiring_a_professional_asks_first_then_tags_them(client: Any, world: Any, who: str) -> None:
    helen = _helen(world)
    family = make_family(world.coordinator, "Nowak", referrer=helen, health_visitor=helen)
    client.force_login(getattr(world, who))
    url = reverse("families:professional_retire", args=[helen.pk])

    page = client.get(url).content.decode()
    assert "What happens" in page and "Nothing is deleted" in page
    assert _helen(world).retired_on is None
    response = client.post(url)
    assert response["Location"] == reverse("families:directory")
    assert "Helen Price is retired" in client.get(response["Location"]).content.decode()
    assert _helen(world).retired_on == TODAY()
    assert "Retired" in client.get(url).content.decode()
    assert client.post(url).status_code == 200  # a second time: refused on the page
    if who == "coordinator":
        casefile = client.get(reverse("families:detail", args=[family.pk])).content.decode()
        assert "Helen Price" in casefile and "Retired" in casefile


def test_retiring_an_agency_names_its_people(client: Any, world: Any) -> None:
    helen = _helen(world)
    client.force_login(world.administrator)
    url = reverse("families:agency_retire", args=[helen.agency_id])
    page = client.get(url).content.decode()
    assert "Helen Price" in page and "What happens" in page
    assert client.post(url).status_code == 302
    assert Agency.objects.get(pk=helen.agency_id).retired_on == TODAY()
    assert not selectors.professionals_in_scheme(world.coordinator).exists()


# The referral form's choosers -------------------------------------------------------------------------------------


@pytest.mark.parametrize("retire", ["professional", "agency"])
def test_referral_form_offers_no_retired_professional_and_refuses_a_forged_one(
    client: Any, world: Any, retire: str
) -> None:
    helen = _helen(world)
    gp = _add(world, "Dr Amir Khan")
    if retire == "professional":
        services.professional_retire(professional=helen, actor=world.coordinator)
    else:
        services.agency_retire(agency=helen.agency, actor=world.coordinator)
    client.force_login(world.coordinator)
    url = reverse("families:referral_new")

    form = client.get(url).content.decode()
    assert f'<option value="{gp.pk}">' in form
    assert f'<option value="{helen.pk}"' not in form and "Helen Price" not in form
    families = Family.objects.count()
    for field in ("referrer", "health_visitor"):
        response = client.post(url, _referral_post(**{field: helen.pk}))
        assert response.status_code == 200
        assert "Select a valid choice" in response.content.decode()
    assert Family.objects.count() == families
    response = client.post(url, _referral_post(referrer=gp.pk, health_visitor=gp.pk))
    assert response.status_code == 302


def test_an_old_referral_keeps_its_retired_referrer_with_a_tag(client: Any, world: Any) -> None:
    helen = _helen(world)
    family = make_family(world.coordinator, "Nowak", referrer=helen, accept=False)
    services.professional_retire(professional=helen, actor=world.coordinator)
    client.force_login(world.coordinator)

    html = client.get(reverse("families:detail", args=[family.pk])).content.decode()

    assert "Helen Price" in html and "Retired" in html
