"""Deactivating a coordinator who leads families (issue 11): each family is handed over, one by one or all to one,
with its private notes' read permission, in the same transaction as the deactivation; nothing is stranded."""

from typing import Any

import pytest
from django.urls import reverse

from families import services as family_services
from families.audit import FamilyAuditEvent
from families.models import CaseNote, CaseNoteUserObjectPermission, Family
from homestart import services as account_services
from homestart.exceptions import ActionNotAllowed
from homestart.models import AuditEntry, AuditEvent, Role, User
from office import services
from tests.conftest import VerifiedClient, log_visit, make_family, make_user


@pytest.fixture
def leaving(world: Any) -> Any:
    """The coordinator leads three families (one only referred so far), two with private notes; two colleagues
    stay."""
    world.colleague = make_user(world.scheme, "colleague", Role.COORDINATOR)
    world.nowak = make_family(world.coordinator, "Nowak", volunteer=world.other_volunteer, postcode="PO4 8AA")
    world.ended = make_family(world.coordinator, "Ahmed", postcode="PO5 1BB", accept=False)
    log_visit(world.family, world.volunteer, note="A private note about the Okafor family.")
    log_visit(world.nowak, world.other_volunteer, note="A private note about the Nowak family.")
    log_visit(world.nowak, world.other_volunteer, note="Another private note.", days_ago=2)
    world.led = [world.family, world.nowak, world.ended]
    return world


def _readers(note: CaseNote) -> set[int]:
    return set(CaseNoteUserObjectPermission.objects.filter(content_object=note).values_list("user_id", flat=True))


def _lead(family: Family) -> int:
    return Family.objects.get(pk=family.pk).lead_coordinator_id


def _assert_nothing_moved(world: Any) -> None:
    assert User.objects.get(pk=world.coordinator.pk).is_active
    assert all(_lead(family) == world.coordinator.pk for family in world.led)
    for note in CaseNote.objects.all():
        assert world.coordinator.pk in _readers(note)


def test_all_families_to_one_coordinator_with_every_notes_permission(leaving: Any) -> None:
    world = leaving
    handover = {family.pk: world.dsl for family in world.led}
    services.user_deactivate_with_handover(user=world.coordinator, handover=handover, actor=world.administrator)
    assert not User.objects.get(pk=world.coordinator.pk).is_active
    assert all(_lead(family) == world.dsl.pk for family in world.led)
    notes = CaseNote.objects.filter(family__in=world.led)
    assert notes.count() == 3
    for note in notes:
        readers = _readers(note)
        assert world.dsl.pk in readers and world.coordinator.pk not in readers
        assert note.author_id in readers  # the volunteer who wrote it keeps it
    assert not Family.objects.filter(lead_coordinator=world.coordinator).exists()
    assert not CaseNoteUserObjectPermission.objects.filter(user=world.coordinator).exists()
    # Every family's move is in the audit log, by the administrator.
    moves = AuditEntry.objects.filter(action=AuditEntry.Action.UPDATE, object_repr__in=[f.reference for f in world.led])
    assert {entry.object_pk for entry in moves} >= {str(f.pk) for f in world.led}
    handed = moves.filter(event=FamilyAuditEvent.COORDINATOR_CHANGED)
    assert {entry.object_pk for entry in handed} == {str(f.pk) for f in world.led}
    assert {entry.actor_id for entry in handed} == {world.administrator.pk}
    closed = AuditEntry.objects.get(event=AuditEvent.ACCOUNT_DEACTIVATED, object_id=world.coordinator.pk)
    assert closed.actor == world.administrator and closed.changes["is_active"] == ["True", "False"]


def test_families_one_by_one_to_different_coordinators(leaving: Any) -> None:
    world = leaving
    handover = {world.family.pk: world.dsl, world.nowak.pk: world.colleague, world.ended.pk: world.colleague}
    services.user_deactivate_with_handover(user=world.coordinator, handover=handover, actor=world.administrator)
    assert _lead(world.family) == world.dsl.pk
    assert _lead(world.nowak) == _lead(world.ended) == world.colleague.pk
    for note in CaseNote.objects.filter(family=world.family):
        assert world.dsl.pk in _readers(note) and world.colleague.pk not in _readers(note)
    for note in CaseNote.objects.filter(family=world.nowak):
        assert world.colleague.pk in _readers(note) and world.dsl.pk not in _readers(note)
    assert not CaseNoteUserObjectPermission.objects.filter(user=world.coordinator).exists()
    assert not User.objects.get(pk=world.coordinator.pk).is_active


def test_the_new_coordinators_read_the_notes_and_the_old_one_signs_in_nowhere(leaving: Any) -> None:
    world = leaving
    old_session = VerifiedClient()
    old_session.force_login(world.coordinator)
    handover = {family.pk: world.colleague for family in world.led}
    services.user_deactivate_with_handover(user=world.coordinator, handover=handover, actor=world.administrator)
    assert old_session.get(reverse("dashboard"))["Location"].startswith(reverse("login"))
    client = VerifiedClient()
    client.force_login(world.colleague)
    html = client.get(reverse("families:detail", args=[world.nowak.pk])).content.decode()
    assert "A private note about the Nowak family." in html and "Another private note." in html


def test_a_handover_missing_a_family_moves_nothing(leaving: Any) -> None:
    world = leaving
    with pytest.raises(ActionNotAllowed, match="changed while this page was open"):
        services.user_deactivate_with_handover(
            user=world.coordinator,
            handover={world.family.pk: world.dsl, world.nowak.pk: world.dsl},
            actor=world.administrator,
        )
    _assert_nothing_moved(world)


def test_a_family_given_to_the_coordinator_after_the_page_opened_is_not_stranded(leaving: Any) -> None:
    world = leaving
    handover = {family.pk: world.dsl for family in world.led}  # what the page showed
    late = make_family(world.coordinator, "Late", postcode="PO6 2CC")  # given to them meanwhile
    with pytest.raises(ActionNotAllowed, match="changed while this page was open"):
        services.user_deactivate_with_handover(user=world.coordinator, handover=handover, actor=world.administrator)
    _assert_nothing_moved(world)
    assert _lead(late) == world.coordinator.pk


@pytest.mark.parametrize("target", ["coordinator", "volunteer", "other_coordinator"])
def test_families_go_only_to_another_active_coordinator_of_the_scheme(leaving: Any, target: str) -> None:
    world = leaving
    handover = {family.pk: world.dsl for family in world.led}
    handover[world.nowak.pk] = world.role(target)
    with pytest.raises(ActionNotAllowed):
        services.user_deactivate_with_handover(user=world.coordinator, handover=handover, actor=world.administrator)
    _assert_nothing_moved(world)  # the families before it in the list moved back too


def test_a_deactivated_coordinator_cannot_take_families_over(leaving: Any) -> None:
    world = leaving
    account_services.user_deactivate(user=world.colleague, actor=world.administrator)
    handover = {family.pk: world.colleague for family in world.led}
    with pytest.raises(ActionNotAllowed, match="Choose an active coordinator"):
        services.user_deactivate_with_handover(user=world.coordinator, handover=handover, actor=world.administrator)
    _assert_nothing_moved(world)


@pytest.mark.parametrize("actor", ["coordinator", "dsl", "volunteer", "other_coordinator"])
def test_only_the_schemes_administrator_hands_over_and_deactivates(leaving: Any, actor: str) -> None:
    world = leaving
    handover = {family.pk: world.colleague for family in world.led}
    with pytest.raises(ActionNotAllowed):
        services.user_deactivate_with_handover(user=world.coordinator, handover=handover, actor=world.role(actor))
    _assert_nothing_moved(world)


def test_no_other_caller_can_strand_a_coordinators_families(leaving: Any) -> None:
    """The rule is registered with core's deactivation: deactivating without a handover is refused."""
    world = leaving
    with pytest.raises(ActionNotAllowed, match="still leads 3 families"):
        account_services.user_deactivate(user=world.coordinator, actor=world.administrator)
    _assert_nothing_moved(world)
    # Once every family has another coordinator, the plain deactivation goes ahead.
    for family in world.led:
        family_services.family_change_coordinator(family=family, coordinator=world.dsl, actor=world.coordinator)
    account_services.user_deactivate(user=world.coordinator, actor=world.administrator)
    assert not User.objects.get(pk=world.coordinator.pk).is_active


def test_an_account_leading_no_family_is_deactivated_with_an_empty_handover(world: Any) -> None:
    services.user_deactivate_with_handover(user=world.dsl, handover={}, actor=world.administrator)
    assert not User.objects.get(pk=world.dsl.pk).is_active
    with pytest.raises(ActionNotAllowed, match="still has families"):
        services.user_deactivate_with_handover(user=world.volunteer, handover={}, actor=world.administrator)
    with pytest.raises(ActionNotAllowed, match="your own account"):
        services.user_deactivate_with_handover(user=world.administrator, handover={}, actor=world.administrator)


# The page ------------------------------------------------------------------------------------------------------


def _page(world: Any) -> str:
    return reverse("accounts:deactivate", args=[world.coordinator.pk])


def test_the_deactivation_page_is_the_administrators_only(client: Any, leaving: Any) -> None:
    world = leaving
    assert client.get(_page(world))["Location"].startswith(reverse("login"))
    other_admin = make_user(world.other_scheme, "otheradmin", Role.ADMINISTRATOR)
    for person in (world.dsl, world.volunteer, world.other_coordinator, other_admin):
        client.force_login(person)
        assert client.get(_page(world)).status_code == 404
        assert client.post(_page(world), {"handover": "all", "coordinator": world.dsl.pk}).status_code == 404
    _assert_nothing_moved(world)


def test_the_page_lists_the_families_and_asks_who_takes_them_over(client: Any, leaving: Any) -> None:
    world = leaving
    client.force_login(world.administrator)
    html = client.get(_page(world)).content.decode()
    assert "leads 3 families" in html
    for family in world.led:
        assert family.reference in html and f'name="family_{family.pk}"' in html
    assert "One coordinator takes over all of them" in html and "Choose a coordinator for each family" in html
    # Only other active coordinators of the scheme are offered.
    assert f'value="{world.dsl.pk}"' in html and f'value="{world.colleague.pk}"' in html
    for person in (world.coordinator, world.volunteer, world.other_coordinator):
        assert f'<option value="{person.pk}"' not in html


def test_the_page_hands_all_to_one(client: Any, leaving: Any) -> None:
    world = leaving
    client.force_login(world.administrator)
    response = client.post(_page(world), {"handover": "all", "coordinator": world.colleague.pk})
    assert response["Location"] == reverse("accounts:list")
    assert "The 3 families they led have new coordinators" in client.get(response["Location"]).content.decode()
    assert all(_lead(family) == world.colleague.pk for family in world.led)
    assert not User.objects.get(pk=world.coordinator.pk).is_active


def test_the_page_hands_one_by_one(client: Any, leaving: Any) -> None:
    world = leaving
    client.force_login(world.administrator)
    data = {
        "handover": "each",
        f"family_{world.family.pk}": world.dsl.pk,
        f"family_{world.nowak.pk}": world.colleague.pk,
        f"family_{world.ended.pk}": world.dsl.pk,
    }
    assert client.post(_page(world), data)["Location"] == reverse("accounts:list")
    assert (_lead(world.family), _lead(world.nowak), _lead(world.ended)) == (
        world.dsl.pk,
        world.colleague.pk,
        world.dsl.pk,
    )


def test_the_page_says_what_is_missing_and_moves_nothing(client: Any, leaving: Any) -> None:
    world = leaving
    client.force_login(world.administrator)
    nothing = client.post(_page(world), {}).content.decode()
    assert "There is a problem" in nothing and "Answer the question: Who takes over the families?" in nothing
    missing_one = client.post(
        _page(world), {"handover": "each", f"family_{world.family.pk}": world.dsl.pk}
    ).content.decode()
    assert f"Choose who takes over {world.nowak.reference}" in missing_one
    assert f'href="#id_family_{world.nowak.pk}"' in missing_one
    nobody_for_all = client.post(_page(world), {"handover": "all"}).content.decode()
    assert "Choose the coordinator who takes over all the families" in nobody_for_all
    _assert_nothing_moved(world)


def test_with_no_other_coordinator_the_page_says_what_to_do_first(client: Any, world: Any) -> None:
    account_services.user_update(
        user=world.dsl,
        first_name="Dee",
        last_name="Tester",
        email=world.dsl.email,
        role=Role.ADMINISTRATOR,
        is_safeguarding_lead=False,
        actor=world.administrator,
    )
    client.force_login(world.administrator)
    html = client.get(_page(world)).content.decode()
    assert "There is no other active coordinator" in html and "Hand over and deactivate" not in html


def test_a_volunteer_or_a_coordinator_with_no_family_keeps_the_simple_page(client: Any, world: Any) -> None:
    client.force_login(world.administrator)
    html = client.get(reverse("accounts:deactivate", args=[world.dsl.pk])).content.decode()
    assert "Deactivate account" in html and "leads" not in html
    assert client.post(reverse("accounts:deactivate", args=[world.dsl.pk]))["Location"] == reverse("accounts:list")
    busy = client.post(reverse("accounts:deactivate", args=[world.volunteer.pk])).content.decode()
    assert "still has families" in busy


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_two_coordinators_leaving_at_once_each_handing_to_the_other_strand_nothing() -> None:
    """SECURITY 26: row locks on the families and then the people serialise two handovers that cross."""
    import threading

    from django.db import connection

    from tests.conftest import make_scheme

    scheme = make_scheme("RACE")
    admin = make_user(scheme, "raceadmin", Role.ADMINISTRATOR)
    make_user(scheme, "stays", Role.COORDINATOR)
    for round_ in range(5):
        first = make_user(scheme, f"first{round_}", Role.COORDINATOR)
        second = make_user(scheme, f"second{round_}", Role.COORDINATOR)
        mine = make_family(first, f"First{round_}", postcode="PO1 1AA")
        theirs = make_family(second, f"Second{round_}", postcode="PO2 2BB")
        barrier = threading.Barrier(2)
        outcomes: list[str] = []

        def leave(
            person: User, family: Family, to: User, barrier: threading.Barrier = barrier, outcomes: list = outcomes
        ) -> None:
            barrier.wait()
            try:
                services.user_deactivate_with_handover(user=person, handover={family.pk: to}, actor=admin)
                outcomes.append("ok")
            except ActionNotAllowed:
                outcomes.append("refused")
            finally:
                connection.close()

        threads = [
            threading.Thread(target=leave, args=(first, mine, second)),
            threading.Thread(target=leave, args=(second, theirs, first)),
        ]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        assert sorted(outcomes) == ["ok", "refused"]
        assert not Family.objects.filter(scheme=scheme, lead_coordinator__is_active=False).exists()
