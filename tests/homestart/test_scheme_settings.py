"""Scheme settings: the scheme's administrator sets the letterhead every letter prints (name, address, phone, email,
registered charity number) and the supervision interval; nobody else can. The letters themselves are checked in
tests/consents/test_letters_layout.py."""

from typing import Any

import pytest
from django.contrib.contenttypes.models import ContentType
from django.urls import reverse

from homestart import services
from homestart.exceptions import ActionNotAllowed
from homestart.models import AuditEntry, AuditEvent, Role, Scheme
from tests.conftest import make_user

SETTINGS = {
    "name": "Home-Start Portsmouth and District",
    "address": "  The Family Centre \n\n12 Harbour Road\nPortsmouth PO1 1AA ",
    "phone": " 023 9200 0000 ",
    "email": "office@homestart-portsmouth.example",
    "charity_number": " 1012345 ",
    "supervision_interval_days": 42,
}


def _scheme(world: Any) -> Scheme:
    return Scheme.objects.get(pk=world.scheme.pk)


def test_the_administrator_sets_the_letterhead_and_interval_and_the_change_is_audited(world: Any) -> None:
    scheme = services.scheme_settings_update(scheme=world.scheme, actor=world.administrator, **SETTINGS)

    scheme = _scheme(world)
    assert scheme.name == "Home-Start Portsmouth and District"
    assert scheme.address == "The Family Centre\n12 Harbour Road\nPortsmouth PO1 1AA"
    assert (scheme.phone, scheme.email, scheme.charity_number) == (
        "023 9200 0000",
        "office@homestart-portsmouth.example",
        "1012345",
    )
    assert scheme.supervision_interval_days == 42 and scheme.code == "PMH"
    entry = AuditEntry.objects.filter(
        content_type=ContentType.objects.get_for_model(Scheme),
        object_pk=str(scheme.pk),
        action=AuditEntry.Action.UPDATE,
    ).latest("timestamp")
    assert {"name", "charity_number", "supervision_interval_days"} <= set(entry.changes_dict)
    assert entry.event == AuditEvent.SCHEME_SETTINGS_CHANGED


@pytest.mark.parametrize("who", ["coordinator", "dsl", "volunteer", "other_coordinator"])
def test_nobody_else_changes_the_settings(world: Any, who: str) -> None:
    with pytest.raises(ActionNotAllowed, match="Only an administrator of this scheme"):
        services.scheme_settings_update(scheme=world.scheme, actor=getattr(world, who), **SETTINGS)
    assert _scheme(world).name == "Home-Start PMH"


def test_an_administrator_of_another_scheme_cannot(world: Any) -> None:
    other_admin = make_user(world.other_scheme, "otheradmin", Role.ADMINISTRATOR)
    with pytest.raises(ActionNotAllowed):
        services.scheme_settings_update(scheme=world.scheme, actor=other_admin, **SETTINGS)
    assert _scheme(world).charity_number == ""


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"name": "home-start win"}, "Another scheme already has that name"),
        ({"supervision_interval_days": 6}, "every 7 to 365 days"),
        ({"supervision_interval_days": 366}, "every 7 to 365 days"),
        ({"name": "   "}, "This field cannot be blank"),
    ],
)
def test_refusals_change_nothing(world: Any, change: dict[str, Any], message: str) -> None:
    with pytest.raises(ActionNotAllowed, match=message):
        services.scheme_settings_update(scheme=world.scheme, actor=world.administrator, **(SETTINGS | change))
    assert _scheme(world).name == "Home-Start PMH" and _scheme(world).supervision_interval_days == 56


# The page -----------------------------------------------------------------------------------------------------------


def test_anonymous_visitors_are_sent_to_sign_in(client: Any, world: Any) -> None:
    url = reverse("scheme_settings")
    for response in (client.get(url), client.post(url, SETTINGS)):
        assert response.status_code == 302 and response["Location"].startswith(reverse("login"))
    assert _scheme(world).name == "Home-Start PMH"


@pytest.mark.parametrize("who", ["coordinator", "dsl", "volunteer", "other_coordinator"])
def test_other_roles_get_404(client: Any, world: Any, who: str) -> None:
    client.force_login(getattr(world, who))
    assert client.get(reverse("scheme_settings")).status_code == 404
    assert client.post(reverse("scheme_settings"), SETTINGS).status_code == 404
    assert _scheme(world).name == "Home-Start PMH"


def test_the_administrator_changes_the_settings_on_the_page(client: Any, world: Any) -> None:
    client.force_login(world.administrator)
    url = reverse("scheme_settings")

    page = client.get(url).content.decode()
    assert "Scheme settings" in page and 'value="Home-Start PMH"' in page and 'value="56"' in page
    assert f'href="{url}"' in page  # in the administrator's navigation
    response = client.post(url, SETTINGS)
    assert response["Location"] == url
    page = client.get(url).content.decode()
    assert "Letters printed from now on carry the new letterhead" in page
    assert 'value="1012345"' in page and "Home-Start Portsmouth and District" in page
    assert _scheme(world).supervision_interval_days == 42
    entry = AuditEntry.objects.filter(
        content_type=ContentType.objects.get_for_model(Scheme), action=AuditEntry.Action.UPDATE
    ).latest("timestamp")
    assert entry.actor == world.administrator and "charity_number" in entry.changes_dict
    assert entry.event == AuditEvent.SCHEME_SETTINGS_CHANGED


def test_errors_are_shown_and_what_was_typed_is_kept(client: Any, world: Any) -> None:
    client.force_login(world.administrator)
    response = client.post(
        reverse("scheme_settings"),
        SETTINGS | {"charity_number": "12/34", "supervision_interval_days": "3", "email": "not an email"},
    )
    html = response.content.decode()
    assert response.status_code == 200 and "There is a problem" in html
    assert "Enter the registered charity number using only letters, numbers and spaces" in html
    assert "Enter a number of days from 7 to 365" in html
    assert "Home-Start Portsmouth and District" in html  # kept
    assert _scheme(world).name == "Home-Start PMH"
    response = client.post(reverse("scheme_settings"), SETTINGS | {"name": "Home-Start WIN"})
    assert "Another scheme already has that name" in response.content.decode()


def test_coordinators_keep_their_own_supervision_interval_page(client: Any, world: Any) -> None:
    client.force_login(world.coordinator)
    response = client.post(reverse("volunteers:supervision_interval"), {"weeks": "6"})
    assert response.status_code == 302
    assert _scheme(world).supervision_interval_days == 42
